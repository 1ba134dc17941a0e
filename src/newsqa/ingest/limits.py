"""Limits on what one file may hold: bytes, articles, characters per article and per title,
outlet, author and link."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newsqa.articles import Article
from newsqa.config import Settings
from newsqa.ingest.errors import IngestError, Rejection


@dataclass(frozen=True)
class IngestLimits:
    """The input limits of `Settings` that ingestion enforces (env `NEWSQA_MAX_*`)."""

    file_bytes: int = Settings.max_file_bytes
    article_chars: int = Settings.max_article_chars
    articles_per_file: int = Settings.max_articles_per_file
    title_chars: int = Settings.max_title_chars
    source_chars: int = Settings.max_source_chars
    author_chars: int = Settings.max_author_chars
    url_chars: int = Settings.max_url_chars

    @classmethod
    def from_settings(cls, settings: Settings) -> IngestLimits:
        return cls(
            file_bytes=settings.max_file_bytes,
            article_chars=settings.max_article_chars,
            articles_per_file=settings.max_articles_per_file,
            title_chars=settings.max_title_chars,
            source_chars=settings.max_source_chars,
            author_chars=settings.max_author_chars,
            url_chars=settings.max_url_chars,
        )

    def check_count(self, path: Path, count: int) -> None:
        """A file with more records than the limit is refused whole (nothing from it is added)."""
        if count > self.articles_per_file:
            raise IngestError(
                path,
                f"file holds {count:,} articles, over the limit of {self.articles_per_file:,} "
                "per file (NEWSQA_MAX_ARTICLES_PER_FILE); split the file or raise the limit",
            )

    def within(
        self, articles: Iterable[Article], where: str
    ) -> tuple[list[Article], list[Rejection]]:
        """Articles within the character limits, and a rejection for each one over one."""
        kept: list[Article] = []
        rejected: list[Rejection] = []
        for article in articles:
            reason = self.over(article)
            if reason is None:
                kept.append(article)
            else:
                rejected.append(Rejection(article.origin or where, reason))
        return kept, rejected

    def over(self, article: Article) -> str | None:
        """Why `article` is over a limit (the first field over one, named), or None."""
        size = len(article.body)
        if size > self.article_chars:
            return (
                f"article body is {size:,} characters, over the limit of "
                f"{self.article_chars:,} (NEWSQA_MAX_ARTICLE_CHARS); split it into "
                "separate articles or raise the limit"
            )
        fields = (
            ("title", article.title, self.title_chars),
            ("outlet", article.source, self.source_chars),
            ("author", article.author, self.author_chars),
            ("url", article.url, self.url_chars),
        )
        for name, value, limit in fields:
            if value and len(value) > limit:
                setting = "SOURCE" if name == "outlet" else name.upper()
                return (
                    f"article {name} is {len(value):,} characters, over the limit of "
                    f"{limit:,} (NEWSQA_MAX_{setting}_CHARS); shorten it or raise the limit"
                )
        return None
