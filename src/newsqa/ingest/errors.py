"""Errors and outcome records of ingestion."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newsqa.articles import Article, clean_line


class IngestError(Exception):
    """A file (or one record in it) that cannot be turned into articles, with the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True)
class Rejection:
    """A file or record that was skipped, and why; both safe to print (a file name may hold
    escape sequences or line breaks: they are removed here, where the name enters)."""

    path: str
    reason: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", clean_line(self.path))
        object.__setattr__(self, "reason", clean_line(self.reason))


@dataclass
class IngestReport:
    """Articles read from a batch of paths, plus every rejection."""

    articles: list[Article] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    files_read: int = 0
