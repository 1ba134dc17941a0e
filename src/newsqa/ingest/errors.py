"""Errors and outcome records of ingestion."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newsqa.articles import Article


class IngestError(Exception):
    """A file (or one record in it) that cannot be turned into articles, with the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True)
class Rejection:
    """A file or record that was skipped, and why."""

    path: str
    reason: str


@dataclass
class IngestReport:
    """Articles read from a batch of paths, plus every rejection."""

    articles: list[Article] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    files_read: int = 0
