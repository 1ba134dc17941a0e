"""Reading article files on Ray workers: one row per article, or per file or record refused."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from newsqa.articles import Article
from newsqa.build.distributed.rows import ReadKey, article_columns, keyed_articles
from newsqa.ingest import IngestError, IngestLimits, Rejection, iter_files, load_file

REJECTION = "rejection"  # the column holding why a row was refused (None for an article)


def file_rows(paths: Iterable[Path | str]) -> list[dict[str, Any]]:
    """The input files in the local build's reading order, one row each."""
    return [{"file": i, "path": str(path)} for i, path in enumerate(iter_files(paths))]


def read_files(
    batch: Mapping[str, Sequence[Any]],
    columns: Mapping[str, str] | None,
    limits: IngestLimits,
) -> dict[str, list[Any]]:
    """A Ray Data batch function: file rows in, article rows (and refusal rows) out."""
    keyed: list[tuple[ReadKey, Article]] = []
    reasons: list[str | None] = []
    for file_index, raw_path in zip(batch["file"], batch["path"], strict=True):
        path = Path(str(raw_path))
        try:
            articles, rejected = load_file(path, columns, limits)
        except IngestError as exc:
            articles, rejected = [], [Rejection(exc.path, exc.reason)]
        for record, article in enumerate(articles):
            keyed.append((ReadKey(int(file_index), record), article))
            reasons.append(None)
        for record, refusal in enumerate(rejected, start=len(articles)):
            keyed.append((ReadKey(int(file_index), record), _refusal_row(refusal)))
            reasons.append(refusal.reason)
    out = article_columns(keyed)
    out[REJECTION] = reasons
    return out


def rejection_of(row: Mapping[str, Any]) -> Rejection:
    return Rejection(str(row["origin"]), str(row[REJECTION]))


def articles_of(batch: Mapping[str, Sequence[Any]]) -> list[tuple[ReadKey, Article]]:
    return list(keyed_articles(batch))


def _refusal_row(rejection: Rejection) -> Article:
    """A placeholder article that carries a refusal through the article columns."""
    return Article(article_id="", title="", body="", origin=rejection.path)
