"""What the upload form says about uploaded articles that do not say it themselves: their
outlet, date and link (a plain .txt file names none of them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsqa.articles import Article, make_article, normalise_date, normalise_outlet

LINK_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class UploadDetails:
    """Outlet, date (ISO 8601) and link from the form; '' or None where left empty."""

    outlet: str = ""
    published_at: str | None = None
    link: str | None = None

    @classmethod
    def read(cls, outlet: str | None, date: str | None, link: str | None) -> UploadDetails:
        """The form's fields checked; ValueError says which one cannot be used and why."""
        date = (date or "").strip()
        published_at = normalise_date(date) if date else None
        if date and published_at is None:
            raise ValueError(f"cannot read the date {date!r}; write it like 2024-03-01")
        link = (link or "").strip()
        parts = urlsplit(link)
        if link and (parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc):
            raise ValueError(f"the link {link!r} is not an http(s) address")
        return cls(normalise_outlet(outlet or ""), published_at, link or None)

    def __bool__(self) -> bool:
        return bool(self.outlet or self.published_at or self.link)

    def apply(self, articles: Sequence[Article]) -> tuple[list[Article], str]:
        """The articles with the missing outlet, date and link filled in, and a note when the
        link was left out: one link can only belong to one article."""
        unlinked = [a for a in articles if not a.url]
        link = self.link if len(unlinked) == 1 else None
        note = ""
        if self.link and len(unlinked) > 1:
            note = (
                f"The link was not used: {len(unlinked)} of the uploaded articles have none, "
                "and one link can only belong to one article."
            )
        return [self._filled(a, link) for a in articles], note

    def _filled(self, article: Article, link: str | None) -> Article:
        source = article.source or self.outlet
        published_at = article.published_at or self.published_at
        url = article.url or link
        if (source, published_at, url) == (article.source, article.published_at, article.url):
            return article
        return make_article(  # the id follows the link, as it does for articles read with one
            title=article.title,
            body=article.body,
            source=source,
            published_at=published_at,
            url=url,
            author=article.author,
            category=article.category,
            summary=article.summary,
            origin=article.origin,
        )
