"""Articles as Ray Data columns and back: the scalar fields plus where each one was read."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from newsqa.articles import Article

# The Article fields a reader fills; outlets and syndication are the index's own records.
ARTICLE_FIELDS = (
    "article_id",
    "title",
    "body",
    "source",
    "published_at",
    "url",
    "author",
    "category",
    "summary",
    "origin",
)


@dataclass(frozen=True, order=True)
class ReadKey:
    """Where an article was read: the file's place among the input files, then the record's."""

    file: int
    record: int


def article_columns(keyed: Sequence[tuple[ReadKey, Article]]) -> dict[str, list[Any]]:
    """Columns of `keyed` articles, in their order (Ray Data batches are dicts of columns)."""
    columns: dict[str, list[Any]] = {"file": [], "record": []}
    columns.update({name: [] for name in ARTICLE_FIELDS})
    for key, article in keyed:
        columns["file"].append(key.file)
        columns["record"].append(key.record)
        for name in ARTICLE_FIELDS:
            columns[name].append(getattr(article, name))
    return columns


def keyed_articles(batch: Mapping[str, Sequence[Any]]) -> Iterator[tuple[ReadKey, Article]]:
    """The (key, article) rows of a batch of `article_columns`."""
    for i in range(len(batch["article_id"])):
        key = ReadKey(int(batch["file"][i]), int(batch["record"][i]))
        fields = {name: _plain(batch[name][i]) for name in ARTICLE_FIELDS}
        yield key, Article(**fields)


def _plain(value: Any) -> str | None:
    """numpy/arrow scalars and missing values back to str or None. Every field is text or
    missing, so a number is a missing value: pandas gives float NaN for one, and a column
    with no value at all (no article has an author) comes back as numpy float32 NaN."""
    if value is None or isinstance(value, (float, np.floating)):
        return None
    return str(value)
