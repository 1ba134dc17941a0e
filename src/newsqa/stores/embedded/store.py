"""EmbeddedChunks: the index folder's chunks (FAISS + SQLite/FTS5) searched in memory."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from newsqa.index.reader import IndexReader, StoredChunk
from newsqa.stores.embedded.catalog import ChunkCatalog
from newsqa.stores.embedded.dense import DenseScores
from newsqa.stores.protocol import Prefetched, Ranked
from newsqa.stores.scope import LEXICAL_POOL, Scope, scoped_hits


class EmbeddedChunks:
    """The default chunk search: exact (or IVF) dense scores over every chunk at once, filter
    masks from the in-memory catalog, and one unfiltered FTS5 query per claim reused by
    every scope. Reads the folder through the `IndexReader` it is given (vectors loaded)."""

    def __init__(self, reader: IndexReader) -> None:
        if reader.vectors is None:
            raise ValueError("the embedded store needs the index opened with its vectors")
        self.reader = reader
        self._catalog: ChunkCatalog | None = None
        self._catalog_lock = threading.Lock()

    @property
    def catalog(self) -> ChunkCatalog:
        """Chunk metadata and vectors in memory, loaded at the first question."""
        with self._catalog_lock:
            if self._catalog is None:
                self._catalog = ChunkCatalog(self.reader)
            return self._catalog

    def prefetch(self, matches: Sequence[str]) -> Prefetched:
        catalog = self.catalog  # BM25 from the kept per-word FTS5 scores (lexical.py)
        return {m: catalog.lexical_search(m, LEXICAL_POOL) for m in matches}

    def question_search(self, vector: np.ndarray, prefetched: Prefetched) -> EmbeddedSearch:
        catalog = self.catalog
        return EmbeddedSearch(catalog, catalog.similarities(vector), dict(prefetched))

    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, StoredChunk]:
        return self.reader.chunks(chunk_ids)

    def close(self) -> None:
        """The reader is the store's catalogue: `NewsStore.close` closes it."""


class EmbeddedSearch:
    """One question's dense scores (computed once) and its BM25 lists, cut to each scope."""

    def __init__(
        self, catalog: ChunkCatalog, scores: DenseScores, lexical_cache: dict[str, Ranked]
    ) -> None:
        self.catalog = catalog
        self.scores = scores
        self.cache = lexical_cache

    def any_in(self, scope: Scope) -> bool:
        allowed = self.catalog.mask(scope)
        return allowed is None or bool(allowed.any())

    def dense(self, n: int, scope: Scope) -> Ranked:
        return self.catalog.dense(self.scores, n, self.catalog.mask(scope))

    def lexical(self, match: str, n: int, scope: Scope) -> Ranked:
        """BM25 on the claim's words (`match`), cut to `scope` by the stores' shared policy."""
        if match not in self.cache:
            self.cache[match] = self.catalog.lexical_search(match, LEXICAL_POOL)
        ranked = self.cache[match]
        allowed = self.catalog.mask(scope)
        admitted = None
        if allowed is not None:
            rows = self.catalog.rows([cid for cid, _ in ranked])
            admitted = [bool(r >= 0 and allowed[r]) for r in rows]
        return scoped_hits(ranked, n, admitted, lambda: self.catalog.lexical(match, n, scope))

    def similarity(self, chunk_ids: Sequence[int]) -> dict[int, float]:
        return self.scores.of(chunk_ids)
