"""Field names that news exports use for each Article field, and record → Article mapping."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsqa.articles import Article, make_article

ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "body": ("body", "text", "content", "article", "full_text", "description"),
    "source": ("source", "outlet", "publisher", "site", "site_name", "source_name"),
    "published_at": (
        "published_at",
        "publishedAt",
        "publishedat",
        "date",
        "published",
        "pubDate",
        "pubdate",
        "datetime",
    ),
    "url": ("url", "link", "href", "permalink"),
    "author": ("author", "byline", "authors", "creator"),
    "category": ("category", "section", "topic"),
    "summary": ("summary", "abstract", "dek", "subtitle"),
}


def record_to_article(
    record: Any, origin: str, columns: Mapping[str, str] | None = None
) -> Article:
    """Map one record (JSON object, CSV row) onto an Article; ValueError if unusable.

    `columns` maps an Article field to the record's own key and wins over the aliases.
    """
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    values = {name: _first(record, keys_for(name, columns)) for name in ALIASES}
    if not values["body"]:
        raise ValueError("no body text (looked for " + ", ".join(keys_for("body", columns)) + ")")
    if not isinstance(values["body"], str):
        raise ValueError(f"the body is a {type(values['body']).__name__}, not text")
    for name, value in values.items():  # a number as a title or outlet is read as text
        if name != "published_at" and value is not None and not isinstance(value, str):
            values[name] = str(value)
    return make_article(origin=origin, **values)


def keys_for(name: str, columns: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The keys tried for Article field `name`: the explicit mapping first, then the aliases."""
    mapped = (columns or {}).get(name)
    return (mapped, *ALIASES[name]) if mapped else ALIASES[name]


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
