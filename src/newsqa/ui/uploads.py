"""Adding articles from the page: uploaded files are checked against limits, saved with safe
names in a folder under the index, given the form's outlet, date and link where they name
none, and added through `NewsQA.add`; a summary says what happened to each."""

from __future__ import annotations

import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TypeVar

from newsqa.api import NewsQA
from newsqa.build.updates import BuildReport
from newsqa.ingest import IngestLimits, load_paths
from newsqa.ingest.detect import FORMATS_BY_SUFFIX
from newsqa.progress import Progress, Weight, counted
from newsqa.ui.upload_details import UploadDetails

T = TypeVar("T")

UPLOADS = "uploads"  # the folder under the index that keeps every uploaded file
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
            done += weight(item) if weight else 1
        self.report(1.0 if total else None, f"{label}: done")


def _base(name: str) -> str:
    """The last part of a name given with any folder separators."""
    return re.split(r"[\\/]", name)[-1]


def safe_name(name: str) -> str:
    """A file name with no folder part, no leading dot and only plain characters."""
    clean = _UNSAFE.sub("_", _base(name)).lstrip("._")[-120:]
    return clean or "upload"


def add_uploads(
    qa: NewsQA,
    files: Sequence[str | Path],
    limits: Limits = Limits(),
    report: Callable[[float | None, str], object] | None = None,
    names: Sequence[str] | None = None,
    details: UploadDetails | None = None,
) -> UploadResult:
    """Save `files` (their display `names`, by default their own) under the index's uploads
    folder and add them, with the outlet, date and link of `details` where an article has
    none; files over the limits are refused with the reason."""
    result = UploadResult()
    names = [_base(n) for n in names] if names is not None else [Path(f).name for f in files]
    keep: list[tuple[Path, str]] = []
    total = 0
    for i, (path, name) in enumerate(zip(map(Path, files), names, strict=True)):
        size = path.stat().st_size
        if i >= limits.files:
            result.refused.append((name, f"over the limit of {limits.files} files per upload"))
        elif size > limits.file_bytes:
            result.refused.append(
                (name, f"{_mb(size)} is over the limit of {_mb(limits.file_bytes)} per file")
            )
        elif total + size > limits.total_bytes:
            result.refused.append(
                (name, f"the upload is over the limit of {_mb(limits.total_bytes)} in all")
            )
        else:
            total += size
            keep.append((path, name))
    if not keep:
        return result
    folder = (
        qa.settings.index_dir / UPLOADS / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    )
    folder.mkdir(parents=True, exist_ok=True)
    saved: dict[str, str] = {}
    for path, name in keep:
        target = _unique(folder / safe_name(name))
        shutil.copyfile(path, target)
        saved[str(target)] = name
    progress = PageProgress(report) if report else Progress.silent()
    if details:
        limits_read = IngestLimits.from_settings(qa.settings)
        read = load_paths(list(map(Path, saved)), progress=progress, limits=limits_read)
        articles, note = details.apply(read.articles)
        result.notes += [note] if note else []
        result.report = qa.add(articles, progress=progress)
        result.report.rejected = [*read.rejected, *result.report.rejected]
    else:
        result.report = qa.add(list(map(Path, saved)), progress=progress)
    result.rejected = [(_shown(r.path, saved), r.reason) for r in result.report.rejected]
    return result


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
    return (
        "<div class='newsqa-upload-summary'>"
        + (f"<table>{table}</table>" if table else "<p>Nothing was added.</p>")
        + (f"<ul class='newsqa-rejected'>{problems}</ul>" if problems else "")
        + "".join(f"<p class='newsqa-note'>{escape(note)}</p>" for note in result.notes)
        + footer
        + "</div>"
    )
