"""What retrieval, answering and the faces ask of a store: a `NewsStore` is the index's
`ArticleCatalogue` (always the folder) and a `ChunkSearch`.

Two chunk searches exist: the embedded one (FAISS + SQLite/FTS5 in the index folder, the
default, `stores/embedded/`) and the Milvus one (`stores/milvus/`). Code above the stores
talks to `NewsStore` only and never learns which one searches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from newsqa.articles import Article
from newsqa.index.manifest import Manifest
from newsqa.index.reader import StoredChunk
from newsqa.stores.scope import Scope

Ranked = list[tuple[int, float]]  # (chunk id, score), best first
# a store's own unfiltered BM25 hits per FTS5 MATCH expression, handed back to its searches
Prefetched = Mapping[str, Sequence[Any]]


class QuestionSearch(Protocol):
    """One question's searches: its vector is fixed, the scope changes per claim and outlet.
    Filters apply before ranking, so a narrow scope still fills its top n."""

    def any_in(self, scope: Scope) -> bool:
        """Whether any chunk is inside `scope`."""
        ...

    def dense(self, n: int, scope: Scope) -> Ranked:
        """Top-n chunks in `scope` by inner product with the question's vector."""
        ...

    def lexical(self, match: str, n: int, scope: Scope) -> Ranked:
        """Top-n chunks in `scope` by BM25 on the words of an FTS5 MATCH expression."""
        ...

    def similarity(self, chunk_ids: Sequence[int]) -> dict[int, float]:
        """Inner product of the question's vector with each given chunk's vector."""
        ...


class ArticleCatalogue(Protocol):
    """The catalogue of one index: its articles, chunk texts and word statistics. It is
    always the index folder (`index.reader.IndexReader`), whichever store searches chunks."""

    manifest: Manifest

    def neighbours(
        self, article_id: str, positions: Sequence[int]
    ) -> list[tuple[int, str, int, int]]:
        """(position, text, start, end) of the given chunk positions of one article."""
        ...

    def body_span(self, article_id: str, start: int, end: int) -> str: ...

    def article(self, article_id: str) -> Article | None: ...

    def idf(self, words: Sequence[str] | set[str]) -> dict[str, float]:
        """BM25-style inverse document frequency of each word over the chunks."""
        ...

    def match_count(self, match: str) -> int:
        """How many chunks an FTS5 MATCH expression finds (0 for an empty expression)."""
        ...

    def match_outlets(self, match: str) -> list[tuple[str, ...]]:
        """The outlets of each article with a chunk an FTS5 MATCH expression finds."""
        ...

    def word_texts(self, word: str, n: int) -> list[str]:
        """Up to `n` chunk texts holding `word`, to see how the archive writes it."""
        ...

    def article_count(self) -> int: ...

    def chunk_count(self) -> int: ...

    def sources(self) -> list[tuple[str, int]]: ...

    def outlet_names(self) -> list[str]: ...

    def recent_headlines(self, n: int) -> list[tuple[str, str]]: ...

    def article_ids_of(self, keys: Sequence[str]) -> set[str]: ...

    def date_range(self) -> tuple[str | None, str | None]: ...

    def close(self) -> None: ...


class ChunkSearch(Protocol):
    """Where one index's chunks are searched: in memory from the folder, or in Milvus."""

    def prefetch(self, matches: Sequence[str]) -> Prefetched:
        """BM25 hits of the question's searches, run while the question is being encoded."""
        ...

    def question_search(self, vector: np.ndarray, prefetched: Prefetched) -> QuestionSearch: ...

    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, StoredChunk]:
        """The chunks with these ids, each with its article's metadata for citations."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class NewsStore:
    """One opened index: its catalogue (always the folder) and its chunk search."""

    catalogue: ArticleCatalogue
    search: ChunkSearch

    @property
    def manifest(self) -> Manifest:
        return self.catalogue.manifest

    def close(self) -> None:
        self.search.close()
        self.catalogue.close()


@dataclass(frozen=True)
class ChunkRow:
    """One chunk as a remote store holds it: the cited text, its article's metadata (for
    filters and citations), its vector and its BM25 terms (title and text as the index's
    tokenizer cuts them); `fingerprint` changes when any of them does."""

    chunk: StoredChunk
    vector: np.ndarray
    terms: str
    fingerprint: str


class ChunkSink(Protocol):
    """Where a store's searchable chunks are written (the embedded store writes through
    `IndexWriter`; a remote store is kept in step with the index folder through this)."""

    def upsert(self, rows: Sequence[ChunkRow]) -> None: ...

    def delete_articles(self, article_ids: Sequence[str]) -> None: ...

    def fingerprints(self) -> dict[str, str]:
        """Article id → fingerprint of the chunks stored for it."""
        ...

    def chunk_ids(self) -> set[int]: ...

    def count(self) -> int: ...
