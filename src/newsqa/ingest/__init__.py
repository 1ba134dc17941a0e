"""Ingest stage: takes files and folders (txt, json, csv, html, feeds, .gz), gives Articles and rejections."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from newsqa.articles import Article
from newsqa.ingest.csvfile import load_csv
from newsqa.ingest.detect import FORMATS_BY_SUFFIX, detect_format, suffix_of
from newsqa.ingest.errors import IngestError, IngestReport, Rejection
from newsqa.ingest.feed import load_feed
from newsqa.ingest.htmlpage import load_html
from newsqa.ingest.jsonfile import load_json, load_jsonl
from newsqa.ingest.limits import IngestLimits
from newsqa.ingest.reading import decode_text, read_bytes
from newsqa.ingest.text import load_text
from newsqa.progress import Progress

__all__ = [
    "IngestError",
    "IngestLimits",
    "IngestReport",
    "Rejection",
    "detect_format",
    "iter_files",
    "load_file",
    "load_paths",
]

Columns = Mapping[str, str]


def iter_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Files named directly, and supported files found recursively in folders (sorted)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and not child.name.startswith(".")
                    and suffix_of(child) in FORMATS_BY_SUFFIX
                ):
                    yield child
        else:
            yield path


def load_file(
    path: Path, columns: Columns | None = None, limits: IngestLimits | None = None
) -> tuple[list[Article], list[Rejection]]:
    """Articles and per-record rejections of one file; IngestError when the whole file fails."""
    limits = limits or IngestLimits()
    if not path.exists():
        raise IngestError(path, "no such file or folder")
    text = decode_text(path, read_bytes(path, limits.file_bytes))
    kind = detect_format(path, text)
    try:
        articles, rejected = _read_format(kind, path, text, columns)
    except ImportError as exc:  # an optional reader's package is missing or broken
        raise IngestError(
            path,
            f"the {kind} reader cannot run: {exc} (reinstall newsqa's locked dependencies, "
            "e.g. `make clean run`)",
        ) from exc
    except RecursionError as exc:  # e.g. JSON nested thousands of levels deep
        raise IngestError(path, f"nested too deeply to read as {kind.upper()}") from exc
    limits.check_count(path, len(articles) + len(rejected))
    articles, too_long = limits.within(articles, str(path))
    return articles, rejected + too_long


def _read_format(
    kind: str, path: Path, text: str, columns: Columns | None
) -> tuple[list[Article], list[Rejection]]:
    if kind == "json":
        return load_json(path, text)
    if kind == "jsonl":
        return load_jsonl(path, text)
    if kind == "csv":
        return load_csv(path, text, columns)
    if kind == "html":
        return load_html(path, text), []
    if kind == "feed":
        return load_feed(path, text)
    return load_text(path, text), []


def load_paths(
    paths: Iterable[Path | str],
    columns: Columns | None = None,
    progress: Progress | None = None,
    limits: IngestLimits | None = None,
) -> IngestReport:
    """Read every path; bad files are recorded as rejections and the rest proceeds."""
    report = IngestReport()
    files = list(iter_files(paths))
    for path in (progress or Progress.silent()).track(files, "Reading files", unit="files"):
        try:
            articles, rejected = load_file(path, columns, limits)
        except IngestError as exc:
            report.rejected.append(Rejection(exc.path, exc.reason))
            continue
        report.files_read += 1
        report.articles.extend(articles)
        report.rejected.extend(rejected)
    return report
