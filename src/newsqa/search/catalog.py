"""ChunkCatalog: the index's vectors and chunk metadata in memory, for filtered search."""

from __future__ import annotations

import json
import sqlite3

import numpy as np

from newsqa.index.scope import Scope, near_days
from newsqa.index.store import IndexStore
from newsqa.index.vectors import IVF, kind_of, vector_ids
from newsqa.search.dense import ApproximateScores, DenseScores, ExactScores, SelectorCache
from newsqa.search.lexical import PhraseScores


class ChunkCatalog:
    """Per-chunk article, outlet and date, loaded once per index, and the vectors: one exact
    matrix for a flat index, the FAISS index itself for an approximate one."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        total = store.vectors.ntotal
        self.approximate = kind_of(store.vectors) == IVF
        self.ids = vector_ids(store.vectors) if total else np.zeros(0, np.int64)
        self.matrix = (
            store.vectors.index.reconstruct_n(0, total)
            if total and not self.approximate
            else np.zeros((0, 1), np.float32)
        )
        self._selectors = SelectorCache()
        rows = store.db.execute(
            "SELECT c.chunk_id, a.source, a.outlets, a.published_at, a.article_id "
            "FROM chunks c JOIN articles a USING (article_id)"
        ).fetchall()
        meta = {r[0]: r[1:] for r in rows}
        empty = ("", "[]", "", "")
        self._rows_of_outlet: dict[str, list[int]] = {}
        for row, chunk_id in enumerate(self.ids):
            source, outlets, _, _ = meta.get(int(chunk_id), empty)
            for name in {source, *json.loads(outlets or "[]")}:
                if name:
                    self._rows_of_outlet.setdefault(name, []).append(row)
        self.published = np.array(
            [meta.get(int(i), empty)[2] or "" for i in self.ids], dtype=object
        )
        self.day = np.array([p[:10] for p in self.published], dtype=object)
        self.article = np.array([meta.get(int(i), empty)[3] for i in self.ids], dtype=object)
        self.row_of = {int(chunk_id): row for row, chunk_id in enumerate(self.ids)}
        self._masks: dict[Scope, np.ndarray] = {}
        self._phrases = PhraseScores(store.db)
        self._id_order = np.argsort(self.ids, kind="stable")

    def mask(self, scope: Scope) -> np.ndarray | None:
        """Rows allowed by `scope` (None: all rows); remembered per scope."""
        if scope.unrestricted:
            return None
        if scope not in self._masks:
            if len(self._masks) > 256:
                self._masks.clear()
            self._masks[scope] = self._mask(scope)
        return self._masks[scope]

    def _mask(self, scope: Scope) -> np.ndarray:
        allowed = np.ones(len(self.ids), dtype=bool)
        if scope.sources is not None:
            by_outlet = np.zeros(len(self.ids), dtype=bool)
            for name in scope.sources:
                by_outlet[self._rows_of_outlet.get(name, [])] = True
            allowed &= by_outlet
        if scope.days:
            allowed &= np.isin(self.day, sorted(near_days(scope.days)))
        if scope.since:
            allowed &= self.published >= scope.since
        if scope.until:
            allowed &= self.published <= scope.until
        if scope.excluded:
            allowed &= ~np.isin(self.article, sorted(scope.excluded))
        return allowed

    def similarities(self, query: np.ndarray) -> DenseScores:
        """The question's dense scores: exact below the approximate-index threshold."""
        if self.approximate:
            return ApproximateScores(self.store.vectors, self.ids, query, self._selectors)
        return ExactScores(self.ids, self.matrix, self.row_of, query)

    def dense(
        self, scores: DenseScores, n: int, allowed: np.ndarray | None
    ) -> list[tuple[int, float]]:
        """Top-n over the allowed rows (filters before ranking), from `similarities()`."""
        return scores.top(n, allowed)

    def lexical_search(self, match: str, n: int) -> list[tuple[int, float]]:
        """FTS5 BM25 top-n over all chunks, from the kept per-phrase scores when it can."""
        found = self._phrases.ranked(match, n) if match else []
        return found if found is not None else self.store.lexical_search(match, n)

    def lexical(self, match: str, n: int, scope: Scope) -> list[tuple[int, float]]:
        """FTS5 BM25 restricted to the scope before ranking (so a filter never empties the
        list): the kept per-phrase scores of the allowed chunks, or the scope in SQL."""
        if not match:
            return []
        where, params = scope.sql()
        if not where:
            return self.lexical_search(match, n)
        allowed = self.mask(scope)
        assert allowed is not None  # a scope with a WHERE clause is restricted
        found = self._phrases.ranked(match, n, lambda ids: self._allows(ids, allowed))
        if found is not None:
            return found
        try:
            rows = self.store.db.execute(
                "SELECT f.rowid, -bm25(chunks_fts) FROM chunks_fts f "
                "JOIN chunks c ON c.chunk_id = f.rowid JOIN articles a USING (article_id) "
                f"WHERE chunks_fts MATCH ? AND {where} ORDER BY bm25(chunks_fts) LIMIT ?",
                (match, *params, n),
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        return [(int(r), float(s)) for r, s in rows]

    def _allows(self, chunk_ids: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        """Which of `chunk_ids` are catalog rows that `allowed` keeps."""
        if not len(self.ids):
            return np.zeros(len(chunk_ids), dtype=bool)
        order = self._id_order
        at = np.searchsorted(self.ids, chunk_ids, sorter=order)
        rows = order[np.minimum(at, len(order) - 1)]
        return (self.ids[rows] == chunk_ids) & allowed[rows]


__all__ = ["ChunkCatalog", "Scope"]
