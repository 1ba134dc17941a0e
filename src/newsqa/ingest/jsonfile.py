"""JSON and JSONL articles: one object, a list, or {"articles": [...]}, with field aliases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsqa.articles import Article, make_article
from newsqa.ingest.errors import IngestError, Rejection

ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "body": ("body", "text", "content", "article", "full_text", "description"),
    "source": ("source", "outlet", "publisher", "site", "site_name", "source_name"),
    "published_at": ("published_at", "publishedAt", "date", "published", "pubDate", "datetime"),
    "url": ("url", "link", "href", "permalink"),
    "author": ("author", "byline", "authors", "creator"),
    "category": ("category", "section", "topic"),
    "summary": ("summary", "abstract", "dek", "subtitle"),
}


def record_to_article(record: Any, origin: str) -> Article:
    """Map one JSON object onto an Article using the field aliases; ValueError if unusable."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    values = {name: _first(record, keys) for name, keys in ALIASES.items()}
    if not values["body"]:
        raise ValueError("no body text (looked for " + ", ".join(ALIASES["body"]) + ")")
    return make_article(origin=origin, **values)


def load_json(path: Path, text: str) -> tuple[list[Article], list[Rejection]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(path, f"malformed JSON: {exc.msg} (line {exc.lineno})") from exc
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    records = data if isinstance(data, list) else [data]
    return _records(path, records, label="item")


def load_jsonl(path: Path, text: str) -> tuple[list[Article], list[Rejection]]:
    records: list[Any] = []
    rejected: list[Rejection] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            rejected.append(Rejection(f"{path}:{number}", f"malformed JSON line: {exc.msg}"))
            records.append(None)
    articles, bad = _records(path, records, label="line", skip_none=True)
    return articles, rejected + bad


def _records(
    path: Path, records: list[Any], label: str, skip_none: bool = False
) -> tuple[list[Article], list[Rejection]]:
    articles: list[Article] = []
    rejected: list[Rejection] = []
    for number, record in enumerate(records, start=1):
        if record is None and skip_none:
            continue
        where = f"{path}:{label} {number}" if len(records) > 1 else str(path)
        try:
            articles.append(record_to_article(record, origin=where))
        except ValueError as exc:
            rejected.append(Rejection(where, str(exc)))
    if not articles and rejected and len(records) == 1:
        raise IngestError(path, rejected[0].reason)
    return articles, rejected


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = record.get(key)
        if isinstance(value, dict):
            value = value.get("name") or value.get("title") or value.get("href")
        if isinstance(value, list):
            value = ", ".join(
                str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in value
            )
        if value not in (None, ""):
            return value
    return None
