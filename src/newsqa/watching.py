"""Drop folders: files that appear or change in watched folders are added to the index
through `NewsQA.add`, once they have stopped changing (a file being written is left alone)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from newsqa.api import NewsQA
from newsqa.build.updates import BuildReport
from newsqa.ingest import iter_files

SETTLE_SECONDS = 2.0  # a file must keep its size and time this long before it is read
INTERVAL_SECONDS = 2.0


@dataclass(frozen=True)
class Signature:
    """What a file looked like at one scan."""

    size: int
    mtime_ns: int


class FolderWatch:
    """Polls folders; `poll()` adds the files that are new or changed and have settled."""

    def __init__(
        self,
        qa: NewsQA,
        folders: Iterable[Path | str],
        settle: float = SETTLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.qa = qa
        self.folders = [Path(f) for f in folders]
        self.settle = settle
        self.clock = clock
        self._pending: dict[Path, tuple[Signature, float]] = {}  # signature, unchanged since
        self._indexed: dict[Path, Signature] = {}

    def ready(self) -> list[Path]:
        """Files new or changed since they were added, unchanged for `settle` seconds."""
        now = self.clock()
        found: list[Path] = []
        seen: set[Path] = set()
        for path in iter_files(f for f in self.folders if f.is_dir()):
            try:
                info = path.stat()
            except OSError:  # removed between listing and looking
                continue
            signature = Signature(info.st_size, info.st_mtime_ns)
            seen.add(path)
            if self._indexed.get(path) == signature:
                continue
            earlier = self._pending.get(path)
            if earlier is None or earlier[0] != signature:
                self._pending[path] = (signature, now)  # new, or still being written
            elif now - earlier[1] >= self.settle:
                found.append(path)
        for path in set(self._pending) - seen:
            del self._pending[path]
        return found

    def poll(self) -> BuildReport | None:
        """Add what is ready; None when nothing was."""
        paths = self.ready()
        if not paths:
            return None
        report = self.qa.add(paths)
        for path in paths:
            self._indexed[path] = self._pending.pop(path)[0]
        return report

    def run(
        self,
        stop: threading.Event,
        interval: float = INTERVAL_SECONDS,
        on_report: Callable[[BuildReport], object] | None = None,
        on_error: Callable[[Exception], object] | None = None,
    ) -> None:
        """Poll until `stop` is set; each add's report goes to `on_report`."""
        while not stop.is_set():
            try:
                report = self.poll()
            except Exception as exc:  # keep watching; the caller decides how to show it
                if on_error is None:
                    raise
                on_error(exc)
            else:
                if report is not None and on_report is not None:
                    on_report(report)
            stop.wait(interval)


def watch_in_background(
    qa: NewsQA, folders: Iterable[Path | str], on_report: Callable[[BuildReport], object]
) -> threading.Event:
    """Start a daemon thread watching `folders`; set the returned event to stop it."""
    stop = threading.Event()
    watch = FolderWatch(qa, folders)
    thread = threading.Thread(
        target=watch.run,
        kwargs={"stop": stop, "on_report": on_report, "on_error": print},
        name="newsqa-watch",
        daemon=True,
    )
    thread.start()
    return stop
