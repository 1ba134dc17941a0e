"""What the index holds, for the page: the status strip (articles, outlets, dates, model)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from newsqa.api import NewsQA
from newsqa.index.manifest import IndexUnavailable


@dataclass(frozen=True)
class IndexStatus:
    articles: int
    outlets: list[str]
    first: str | None
    last: str | None
    model: str
    updated: str

    @classmethod
    def read(cls, qa: NewsQA) -> IndexStatus:
        store = qa.store
        first, last = store.catalogue.date_range()
        return cls(
            store.catalogue.article_count(),
            sorted(store.catalogue.outlet_names(), key=str.casefold),
            first,
            last,
            store.manifest.model,
            store.manifest.built_at,
        )

    def html(self) -> str:
        span = f"{(self.first or '?')[:10]} – {(self.last or '?')[:10]}"
        items = [
            ("articles", f"{self.articles:,}"),
            ("outlets", f"{len(self.outlets):,}"),
            ("dates", span if self.first or self.last else "undated"),
            ("model", self.model),
            ("last update", self.updated[:16].replace("T", " ")),
        ]
        cells = "".join(
            f"<span class='newsqa-stat' data-stat='{name.replace(' ', '-')}'><small>{name}</small> "
            f"<strong>{escape(value)}</strong></span>"
            for name, value in items
        )
        return f"<div class='newsqa-status'>{cells}</div>"


def status_html(qa: NewsQA) -> str:
    try:
        return IndexStatus.read(qa).html()
    except IndexUnavailable as exc:
        return f"<div class='newsqa-status'>{escape(str(exc))}</div>"
