"""Plain-text articles: the sample layout (summary, headline, body), header blocks, free text."""

from __future__ import annotations

import re
from pathlib import Path

from newsqa.articles import Article, make_article
from newsqa.ingest.errors import IngestError

_HEADER = re.compile(
    r"^(title|headline|source|outlet|date|published|published_at|url|link|author|by|category)\s*:\s*(.*)$",
    re.I,
)
_DATELINE = re.compile(r"^[A-Z][A-Z .,'’()-]{1,40}\s*(\([^)]{1,30}\))?\s*[-—–:]\s+\S")
_FIELD = {
    "title": "title",
    "headline": "title",
    "source": "source",
    "outlet": "source",
    "date": "published_at",
    "published": "published_at",
    "published_at": "published_at",
    "url": "url",
    "link": "url",
    "author": "author",
    "by": "author",
    "category": "category",
}


def parse_text_article(text: str, origin: str) -> Article:
    """Turn one text file into an Article.

    Layouts, tried in order: a `Key: value` header block (Title, Source, Date, URL, Author)
    ended by a blank line; the sample layout (line 1 summary, line 2 headline, then the body,
    which opens with a dateline); otherwise free text whose first line is the title.
    """
    lines = [line.strip() for line in text.strip().splitlines()]
    fields: dict[str, str] = {}
    index = 0
    while index < len(lines) and (match := _HEADER.match(lines[index])):
        fields[_FIELD[match.group(1).lower()]] = match.group(2).strip()
        index += 1
    if fields and "title" in fields:
        body = "\n".join(lines[index:])
        return make_article(body=body, origin=origin, **fields)  # type: ignore[arg-type]
    content = [line for line in lines if line]
    if len(content) >= 3 and _looks_like_sample(content):
        return make_article(
            summary=content[0], title=content[1], body="\n".join(content[2:]), origin=origin
        )
    if len(content) >= 2:
        return make_article(title=content[0], body="\n".join(content[1:]), origin=origin)
    return make_article(title="", body="\n".join(content), origin=origin)


def load_text(path: Path, text: str) -> list[Article]:
    try:
        return [parse_text_article(text, origin=str(path))]
    except ValueError as exc:
        raise IngestError(path, str(exc)) from exc


def _looks_like_sample(content: list[str]) -> bool:
    summary, headline, first_body = content[0], content[1], content[2]
    if _DATELINE.match(first_body):
        return True
    return (
        summary.endswith((".", "!", "?"))
        and not headline.endswith(".")
        and len(headline) < min(len(summary), 200)
    )
