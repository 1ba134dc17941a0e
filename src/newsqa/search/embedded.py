"""EmbeddedStore: the index folder (FAISS + SQLite/FTS5) as a `NewsStore`, searched in memory."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from newsqa.index.scope import Scope
from newsqa.index.store import IndexStore, Manifest
from newsqa.index.stores.protocol import Prefetched, Ranked
from newsqa.search.catalog import ChunkCatalog
from newsqa.search.dense import DenseScores

LEXICAL_POOL = 300  # unfiltered BM25 hits kept per claim, filtered per outlet/date scope
MIN_SCOPED_HITS = 20


class EmbeddedStore(IndexStore):
    """The default store: exact (or IVF) dense scores over every chunk at once, filter masks
    from the in-memory catalog, and one unfiltered FTS5 query per claim reused by every scope."""

    def __init__(
        self, index_dir: Path, manifest: Manifest, vectors: faiss.Index, db: sqlite3.Connection
    ) -> None:
        super().__init__(index_dir, manifest, vectors, db)
        self._catalog: ChunkCatalog | None = None
        self._catalog_lock = threading.Lock()

    @classmethod
    def open(cls, index_dir: Path | str, model: str | None = None) -> EmbeddedStore:
        store = super().open(index_dir, model)
        assert isinstance(store, EmbeddedStore)
        return store

    @property
    def catalog(self) -> ChunkCatalog:
        """Chunk metadata and vectors in memory, loaded at the first question."""
        with self._catalog_lock:
            if self._catalog is None:
                self._catalog = ChunkCatalog(self)
            return self._catalog

    def prefetch(self, matches: Sequence[str]) -> Prefetched:
        catalog = self.catalog  # BM25 from the kept per-word FTS5 scores (search/lexical.py)
        return {m: catalog.lexical_search(m, LEXICAL_POOL) for m in matches}

    def question_search(self, vector: np.ndarray, prefetched: Prefetched) -> EmbeddedSearch:
        catalog = self.catalog
        return EmbeddedSearch(self, catalog, catalog.similarities(vector), dict(prefetched))


class EmbeddedSearch:
    """One question's dense scores (computed once) and its BM25 lists, cut to each scope."""

    def __init__(
        self,
        store: IndexStore,
        catalog: ChunkCatalog,
        scores: DenseScores,
        lexical_cache: dict[str, Ranked],
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.scores = scores
        self.cache = lexical_cache

    def any_in(self, scope: Scope) -> bool:
        allowed = self.catalog.mask(scope)
        return allowed is None or bool(allowed.any())

    def dense(self, n: int, scope: Scope) -> Ranked:
        return self.catalog.dense(self.scores, n, self.catalog.mask(scope))

    def lexical(self, match: str, n: int, scope: Scope) -> Ranked:
        """BM25 on the claim's words (`match`). One unfiltered FTS5 query per claim serves every
        outlet/date scope; a scope it leaves nearly empty is queried again inside SQL."""
        if match not in self.cache:
            self.cache[match] = self.catalog.lexical_search(match, LEXICAL_POOL)
        ranked = self.cache[match]
        allowed = self.catalog.mask(scope)
        if allowed is None:
            return ranked[:n]
        rows = self.catalog.rows([cid for cid, _ in ranked])
        kept = [hit for hit, r in zip(ranked, rows, strict=True) if r >= 0 and allowed[r]]
        if len(kept) >= min(n, MIN_SCOPED_HITS) or len(ranked) < LEXICAL_POOL:
            return kept[:n]
        return self.catalog.lexical(match, n, scope)

    def similarity(self, chunk_ids: Sequence[int]) -> dict[int, float]:
        return self.scores.of(chunk_ids)
