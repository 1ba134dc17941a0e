"""Saved HTML pages: main text, title, date, author, site and link via trafilatura."""

from __future__ import annotations

from pathlib import Path

from newsqa.articles import Article, make_article, normalise_date
from newsqa.ingest.errors import IngestError

_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dcterms.created",
)


def load_html(path: Path, text: str) -> list[Article]:
    """One article per page; a page with no extractable main text is an IngestError."""
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            text, with_metadata=True, include_comments=False, include_images=False
        )
    except Exception as exc:  # trafilatura raises a variety of parser errors
        raise IngestError(path, f"cannot parse HTML: {exc}") from exc
    body = (getattr(document, "text", None) or "").strip() if document is not None else ""
    if not body:
        raise IngestError(path, "no main article text found in the HTML page")
    title = (document.title or "").strip()
    first, _, rest = body.partition("\n")
    if title and first.strip() == title and rest.strip():
        body = rest  # trafilatura repeats the headline as the first line
    try:
        return [
            make_article(
                title=title,
                body=body,
                source=document.sitename or document.hostname,
                published_at=normalise_date(_published_time(text)) or document.date,
                url=document.url,
                author=document.author,
                category=", ".join(document.categories or []) or None,
                summary=document.description,
                origin=str(path),
            )
        ]
    except ValueError as exc:
        raise IngestError(path, str(exc)) from exc


def _published_time(text: str) -> str | None:
    """The page's own publication time from its meta tags (trafilatura keeps only the day)."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"))
    except (etree.ParserError, ValueError):
        return None
    metas = {
        (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower(): meta.get(
            "content"
        )
        for meta in root.iter("meta")
    }
    for key in _DATE_META:
        if metas.get(key.lower()):
            return metas[key.lower()]
    for node in root.iter("time"):
        if node.get("datetime"):
            return node.get("datetime")
    return None
