"""Limits on what one file may hold: bytes, articles, characters per article."""

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

    @classmethod
    def from_settings(cls, settings: Settings) -> IngestLimits:
        return cls(
            settings.max_file_bytes, settings.max_article_chars, settings.max_articles_per_file
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
        """Articles within the character limit, and a rejection for each one over it."""
        kept: list[Article] = []
        rejected: list[Rejection] = []
        for article in articles:
            size = len(article.body)
            if size <= self.article_chars:
                kept.append(article)
                continue
            rejected.append(
                Rejection(
                    article.origin or where,
                    f"article body is {size:,} characters, over the limit of "
                    f"{self.article_chars:,} (NEWSQA_MAX_ARTICLE_CHARS); split it into "
                    "separate articles or raise the limit",
                )
            )
        return kept, rejected
