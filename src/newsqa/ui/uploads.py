"""Adding articles from the page: each uploaded file is judged on its own (type, limits),
saved with a safe name in a folder under the index, given the form's outlet, date and link
where it names none, and added through `NewsQA.add`; files refused or rejected whole are not
kept, nor are Gradio's temporary copies; a summary says what happened to each."""

from __future__ import annotations

import contextlib
import re
import shutil
import stat
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TypeVar

from newsqa.api import NewsQA
from newsqa.build.updates import BuildReport
from newsqa.index.manifest import IndexUnavailable
from newsqa.index.staging import waiting_for_writers, writer_lock
from newsqa.ingest import IngestLimits, Rejection, load_paths
from newsqa.ingest.detect import FORMATS_BY_SUFFIX, suffix_of
from newsqa.progress import Progress, Weight, counted
from newsqa.ui.upload_details import UploadDetails

T = TypeVar("T")

UPLOADS = "uploads"  # the folder under the index that keeps each uploaded file that was read
MAX_FILES = 20
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 100 * 1024 * 1024
ACCEPTED = sorted({*FORMATS_BY_SUFFIX, ".gz"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Limits:
    files: int = MAX_FILES
    file_bytes: int = MAX_FILE_BYTES
    total_bytes: int = MAX_TOTAL_BYTES


@dataclass
class UploadResult:
    """What became of one upload: the add report, and files refused before reading."""

    report: BuildReport | None = None
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # read but rejected
    error: str = ""  # why nothing was added at all (another writer held the index, ...)
    notes: list[str] = field(default_factory=list)  # e.g. a form field that was not used


class PageProgress(Progress):
    """Progress reported to a callback (fraction done or None, description)."""

    def __init__(self, report: Callable[[float | None, str], object]) -> None:
        super().__init__(True)
        self.report = report

    def track(
        self, items: Iterable[T], label: str, unit: str = "items", weight: Weight | None = None
    ) -> Iterator[T]:
        items, total = counted(items, weight)
        done = 0
        for item in items:
            fraction = done / total if total else None
            self.report(fraction, f"{label}: {done}/{total or '?'} {unit}")
            yield item
        self.report(1.0 if total else None, f"{label}: done")


def _base(name: str) -> str:
    """The last part of a name given with any folder separators."""
    return re.split(r"[\\/]", name)[-1]


def safe_name(name: str) -> str:
    """A file name with no folder part, no leading dot and only plain characters."""
    clean = _UNSAFE.sub("_", _base(name)).lstrip("._")[-120:]
    return clean or "upload"


def received_files(
    entries: Iterable[Mapping[str, object]] | None, upload_folder: Path
) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """The page's uploaded files as (path, own name), and (name, reason) for each entry that
    is not a plain file inside Gradio's `upload_folder` (the page sends the paths itself, so
    a dot-file cannot fail the batch in Gradio's own checks; they are checked here instead)."""
    root = upload_folder.resolve()
    files: list[tuple[Path, str]] = []
    refused: list[tuple[str, str]] = []
    for entry in entries or []:
        raw = str(entry.get("path") or "") if isinstance(entry, Mapping) else ""
        given = str(entry.get("name") or "") if isinstance(entry, Mapping) else ""
        name = _base(given) or _base(raw) or "upload"
        if raw and _uploaded(Path(raw), root):
            files.append((Path(raw), name))
        else:
            refused.append((name, "not a file uploaded to this page"))
    return files, refused


def _uploaded(path: Path, root: Path) -> bool:
    """Whether `path` is a plain file (not a link) inside the upload folder `root`."""
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return False
        resolved = path.resolve()
    except (OSError, RuntimeError):
        return False
    return resolved != root and resolved.is_relative_to(root)


def discard_received(files: Iterable[tuple[Path, str]], upload_folder: Path) -> None:
    """Remove Gradio's temporary copies of the uploaded files (and their emptied folders)."""
    root = upload_folder.resolve()
    for path, _ in files:
        if not _uploaded(path, root):
            continue
        parent = path.resolve().parent
        path.unlink(missing_ok=True)
        if parent != root:
            with contextlib.suppress(OSError):  # another file is still in it
                parent.rmdir()


def upload_from_page(
    qa: NewsQA,
    entries: Iterable[Mapping[str, object]] | None,
    upload_folder: Path,
    limits: Limits = Limits(),
    report: Callable[[float | None, str], object] | None = None,
    details: UploadDetails | None = None,
) -> UploadResult:
    """The page's "Add to the index": each uploaded file judged on its own, the rest added
    (with the form's outlet, date and link where they name none), and Gradio's temporary
    copies removed whatever happened."""
    files, refused = received_files(entries, upload_folder)
    try:
        paths, names = [p for p, _ in files], [n for _, n in files]
        result = add_uploads(qa, paths, limits, report, names=names, details=details)
    finally:
        discard_received(files, upload_folder)
    result.refused[:0] = refused
    return result


def add_uploads(
    qa: NewsQA,
    files: Sequence[str | Path],
    limits: Limits = Limits(),
    report: Callable[[float | None, str], object] | None = None,
    names: Sequence[str] | None = None,
    details: UploadDetails | None = None,
) -> UploadResult:
    """Save `files` (their display `names`, by default their own) under the index's uploads
    folder and add them; each file over a limit or of a type newsqa does not read is refused
    by name with the reason, and the others are added, with the outlet, date and link of
    `details` where an article has none. The copies of files refused or
    rejected whole are removed again; the whole upload waits for another writer at most
    `settings.upload_wait_seconds`, saying so."""
    result = UploadResult()
    names = [_base(n) for n in names] if names is not None else [Path(f).name for f in files]
    keep: list[tuple[Path, str]] = []
    total = 0
    for i, (path, name) in enumerate(zip(map(Path, files), names, strict=True)):
        reason = _refusal(path, name, i, total, limits)
        if reason:
            result.refused.append((name, reason))
        else:
            total += path.stat().st_size
            keep.append((path, name))
    if not keep:
        return result
    index_dir = Path(qa.settings.index_dir).absolute()
    progress = PageProgress(report) if report else Progress.silent()
    notify = (lambda message: report(None, message)) if report else (lambda message: None)
    try:
        with (
            waiting_for_writers(qa.settings.upload_wait_seconds, notify),
            writer_lock(index_dir),  # no other writer may swap the folder while it is saved
        ):
            folder = (
                index_dir / UPLOADS / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
            )
            folder.mkdir(parents=True, exist_ok=True)
            try:
                saved: dict[str, str] = {}
                for path, name in keep:
                    target = _unique(folder / safe_name(name))
                    shutil.copyfile(path, target)
                    saved[str(target)] = name
                result.report = _add_saved(qa, list(map(Path, saved)), details, progress, result)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)  # nothing of it was added
                raise
            _discard_refused(folder, saved, result.report.rejected)
    except IndexUnavailable as exc:
        result.error = str(exc)
        return result
    result.rejected = [(_shown(r.path, saved), r.reason) for r in result.report.rejected]
    return result


def _add_saved(
    qa: NewsQA,
    saved: list[Path],
    details: UploadDetails | None,
    progress: Progress,
    result: UploadResult,
) -> BuildReport:
    """Add the saved files; the form's outlet, date and link go to articles that lack them."""
    if not details:
        return qa.add(saved, progress=progress)
    read = load_paths(saved, progress=progress, limits=IngestLimits.from_settings(qa.settings))
    articles, note = details.apply(read.articles)
    result.notes += [note] if note else []
    report = qa.add(articles, progress=progress)
    report.rejected = [*read.rejected, *report.rejected]
    return report


def _refusal(path: Path, name: str, position: int, total: int, limits: Limits) -> str:
    """Why one uploaded file is refused before it is read ("" when it is not)."""
    if position >= limits.files:
        return f"over the limit of {limits.files} files per upload"
    if suffix_of(Path(name)) not in FORMATS_BY_SUFFIX and not name.lower().endswith(".gz"):
        return f"not a type newsqa reads ({', '.join(ACCEPTED)})"
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if size > limits.file_bytes:
        return f"{_mb(size)} is over the limit of {_mb(limits.file_bytes)} per file"
    if total + size > limits.total_bytes:
        return f"the upload is over the limit of {_mb(limits.total_bytes)} in all"
    return ""


def _discard_refused(folder: Path, saved: dict[str, str], rejected: Iterable[Rejection]) -> None:
    """Remove the saved copies of files rejected whole (a gzip bomb, a binary file): only
    files that were read are kept. Runs under the writer lock."""
    whole = {r.path for r in rejected}
    for path in saved:
        if path in whole:
            Path(path).unlink(missing_ok=True)
    if not any(folder.iterdir()):
        folder.rmdir()


def _shown(where: str, saved: dict[str, str]) -> str:
    """A rejection's place ("saved path" or "saved path:line") under the uploaded name."""
    for path, name in saved.items():
        if where == path or where.startswith(path + ":"):
            return name + where[len(path) :]
    return Path(where).name


def _unique(target: Path) -> Path:
    stem, suffix, n = target.name.split(".", 1)[0], "".join(target.suffixes), 1
    while target.exists():
        n += 1
        target = target.with_name(f"{stem}-{n}{suffix}")
    return target


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def summary_html(result: UploadResult) -> str:
    """The CLI's summary as a small table, then each refused or rejected file with why."""
    rows: list[tuple[str, int]] = []
    footer = ""
    r = result.report
    if r is not None:
        rows = [
            ("added", r.added),
            ("updated", r.updated),
            ("unchanged", r.unchanged),
            ("skipped as duplicate", r.duplicates),
            ("recorded as another outlet's copy", r.syndicated),
            ("rejected", len(result.rejected)),
            ("chunks embedded", r.embedded),
        ]
        footer = f"<p>The index now holds {r.articles:,} articles.</p>" if r.articles else ""
    table = "".join(
        f"<tr data-count='{escape(label)}'><td>{escape(label)}</td><td>{value}</td></tr>"
        for label, value in rows
    )
    problems = "".join(
        f"<li><strong>{escape(name)}</strong>: {escape(reason)}</li>"
        for name, reason in [*result.refused, *result.rejected]
    )
    error = f"<p class='newsqa-upload-error'>{escape(result.error)}</p>" if result.error else ""
    return (
        "<div class='newsqa-upload-summary'>"
        + error
        + (f"<table>{table}</table>" if table else "<p>Nothing was added.</p>")
        + (f"<ul class='newsqa-rejected'>{problems}</ul>" if problems else "")
        + "".join(f"<p class='newsqa-note'>{escape(note)}</p>" for note in result.notes)
        + footer
        + "</div>"
    )
