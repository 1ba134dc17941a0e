"""Ingestion: turn files and folders into Articles, one loader per format, with clear errors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from newsqa.ingest.errors import IngestError, IngestReport, Rejection
from newsqa.ingest.jsonfile import load_json, load_jsonl
from newsqa.ingest.reading import decode_text, read_bytes
from newsqa.ingest.text import load_text

__all__ = ["IngestError", "IngestReport", "Rejection", "iter_files", "load_file", "load_paths"]

SUPPORTED_SUFFIXES = {".txt", ".text", ".md", ".json", ".jsonl", ".ndjson"}


def iter_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Files named directly, and supported files found recursively in folders (sorted)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and not child.name.startswith(".")
                    and _suffix(child) in SUPPORTED_SUFFIXES
                ):
                    yield child
        else:
            yield path


def load_file(path: Path) -> tuple[list, list[Rejection]]:
    """Articles and per-record rejections of one file; IngestError when the whole file fails."""
    if not path.exists():
        raise IngestError(path, "no such file or folder")
    text = decode_text(path, read_bytes(path))
    kind = detect_format(path, text)
    if kind == "json":
        return load_json(path, text)
    if kind == "jsonl":
        return load_jsonl(path, text)
    return load_text(path, text), []


def detect_format(path: Path, text: str) -> str:
    """'json', 'jsonl' or 'text', by extension first and content second."""
    suffix = _suffix(path)
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix == ".json":
        return "json"
    head = text.lstrip()[:1]
    if head in {"[", "{"}:
        first_line = text.lstrip().split("\n", 1)[0].strip()
        if head == "{" and first_line.endswith("}") and "\n" in text.strip():
            return "jsonl"
        return "json"
    return "text"


def load_paths(paths: Iterable[Path | str]) -> IngestReport:
    """Read every path; bad files are recorded as rejections and the rest proceeds."""
    report = IngestReport()
    for path in iter_files(paths):
        try:
            articles, rejected = load_file(path)
        except IngestError as exc:
            report.rejected.append(Rejection(exc.path, exc.reason))
            continue
        report.files_read += 1
        report.articles.extend(articles)
        report.rejected.extend(rejected)
    return report


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""
