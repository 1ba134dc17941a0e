"""Format detection: by file extension first, by the content's first bytes second."""

from __future__ import annotations

import re
from pathlib import Path

FORMATS_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".rss": "feed",
    ".atom": "feed",
    ".rdf": "feed",
    ".xml": "xml",
}
_PREAMBLE = re.compile(r"^(\s|<\?xml[^>]*\?>|<!--.*?-->)*", re.S)
_FEED_ROOT = re.compile(r"^<(rss|feed|rdf:RDF)\b", re.I)
_HTML_ROOT = re.compile(r"^<(!doctype\s+html|html|head|body)\b", re.I)


def suffix_of(path: Path) -> str:
    """The format-bearing extension, looking through a trailing `.gz`."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def detect_format(path: Path, text: str) -> str:
    """One of 'text', 'json', 'jsonl', 'csv', 'html', 'feed'."""
    kind = FORMATS_BY_SUFFIX.get(suffix_of(path))
    if kind in {"json", "jsonl", "csv"}:
        return kind
    head = _PREAMBLE.sub("", text[:4096], count=1)
    if _FEED_ROOT.match(head):
        return "feed"
    if _HTML_ROOT.match(head) or kind == "html":
        return "html"
    if kind == "feed":
        return "feed"
    if kind == "text":
        return "text"
    first = head[:1]
    if first in {"[", "{"}:
        first_line = text.lstrip().split("\n", 1)[0].strip()
        if first == "{" and first_line.endswith("}") and "\n" in text.strip():
            return "jsonl"
        return "json"
    return "text"
