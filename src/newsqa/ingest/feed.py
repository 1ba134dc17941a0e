"""RSS and Atom feed files: one article per entry (content, else summary), via feedparser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsqa.articles import Article, make_article, normalise_date
from newsqa.ingest.errors import IngestError, Rejection
from newsqa.ingest.markup import fragment_text


def load_feed(path: Path, text: str) -> tuple[list[Article], list[Rejection]]:
    """Every entry with text becomes an Article; a feed without entries is an IngestError."""
    import feedparser

    parsed = feedparser.parse(text, sanitize_html=True, resolve_relative_uris=False)
    entries = list(parsed.entries)
    if not entries:
        if parsed.bozo:
            raise IngestError(path, f"malformed feed: {parsed.get('bozo_exception')}")
        raise IngestError(path, "feed has no entries")
    feed_title = parsed.feed.get("title") or ""
    articles: list[Article] = []
    rejected: list[Rejection] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}:entry {number}"
        try:
            articles.append(_entry_article(entry, feed_title, where))
        except ValueError as exc:
            rejected.append(Rejection(where, f"{exc} (no content or summary in the entry)"))
    return articles, rejected


def _entry_article(entry: Any, feed_title: str, origin: str) -> Article:
    contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    body = max(contents, key=len) if contents else entry.get("summary", "")
    summary = entry.get("summary") if contents else None
    source = entry.get("source", {}).get("title") or feed_title
    return make_article(
        title=fragment_text(entry.get("title", "")),
        body=fragment_text(body),
        source=source,
        published_at=_entry_date(entry),
        url=entry.get("link"),
        author=entry.get("author"),
        category=", ".join(t.get("term", "") for t in entry.get("tags", []) if t.get("term"))
        or None,
        summary=fragment_text(summary) if summary else None,
        origin=origin,
    )


def _entry_date(entry: Any) -> str | None:
    """The entry's own date string keeps its zone; feedparser's parsed tuple is the fallback."""
    for key in ("published", "updated", "created"):
        if entry.get(key) and (moment := normalise_date(entry[key])):
            return moment
    for key in ("published_parsed", "updated_parsed"):
        if entry.get(key):
            return normalise_date(entry[key])
    return None
