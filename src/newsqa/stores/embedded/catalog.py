"""ChunkCatalog: the index's vectors and chunk metadata in memory, for filtered search."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

import numpy as np

from newsqa.index.reader import IndexReader
from newsqa.index.vectors import IVF, kind_of, vector_ids
from newsqa.stores.embedded.dense import ApproximateScores, DenseScores, ExactScores, SelectorCache
from newsqa.stores.embedded.lexical import PhraseScores
from newsqa.stores.scope import Scope, near_days


class ChunkCatalog:
    """Per-chunk article, outlet and date, loaded once per index, and the vectors: one exact
    matrix for a flat index, the FAISS index itself for an approximate one."""

    def __init__(self, store: IndexReader) -> None:
        assert store.vectors is not None, "opened without its vectors"
        self.store = store
        self.vectors = store.vectors
        total = self.vectors.ntotal
        self.approximate = kind_of(self.vectors) == IVF
        self.ids = vector_ids(self.vectors) if total else np.zeros(0, np.int64)
        self.matrix = (
            self.vectors.index.reconstruct_n(0, total)
            if total and not self.approximate
            else np.zeros((0, 1), np.float32)
        )
        self._selectors = SelectorCache()
        self._id_order = np.argsort(self.ids, kind="stable")
        # article metadata once per article, and each chunk row's article as an index into it
        # (at a million chunks: ~4 MB of codes instead of ~350 MB of per-chunk Python strings)
        articles = store.db.execute(
            "SELECT rowid, article_id, source, outlets, published_at FROM articles"
        ).fetchall()
        slot = {rowid: i for i, (rowid, *_) in enumerate(articles)}
        self.article_ids = np.array([a[1] for a in articles] + [""], dtype=object)
        self.article_outlets = [
            frozenset(n for n in {a[2], *json.loads(a[3] or "[]")} if n) for a in articles
        ] + [frozenset()]
        self.article_published = np.array([a[4] or "" for a in articles] + [""], dtype=object)
        self.article_day = np.array([p[:10] for p in self.article_published], dtype=object)
        del articles
        missing = len(self.article_ids) - 1  # rows whose chunk has no article row
        self.article_of_row = np.full(len(self.ids), missing, dtype=np.int32)
        pairs = np.array(
            store.db.execute(
                "SELECT c.chunk_id, a.rowid FROM chunks c JOIN articles a USING (article_id)"
            ).fetchall()
            or np.zeros((0, 2)),
            dtype=np.int64,
        )
        if len(pairs):
            rows = self.rows(pairs[:, 0])
            held = rows >= 0
            codes = np.array([slot[int(r)] for r in pairs[held, 1]], dtype=np.int32)
            self.article_of_row[rows[held]] = codes
        del pairs
        self._masks: dict[Scope, np.ndarray] = {}
        self._phrases = PhraseScores(store.db)

    def rows(self, chunk_ids: Sequence[int]) -> np.ndarray:
        """The catalog rows of chunk ids, at once (-1 where the vectors do not hold one)."""
        wanted = np.asarray(chunk_ids, dtype=np.int64)
        if not len(self.ids) or not len(wanted):
            return np.full(len(wanted), -1, dtype=np.int64)
        order = self._id_order
        at = np.minimum(np.searchsorted(self.ids, wanted, sorter=order), len(order) - 1)
        found = order[at]
        return np.where(self.ids[found] == wanted, found, -1)

    def mask(self, scope: Scope) -> np.ndarray | None:
        """Rows allowed by `scope` (None: all rows); remembered per scope."""
        if scope.unrestricted:
            return None
        found = self._masks.get(scope)  # one lookup: another question may clear the dict
        if found is None:
            if len(self._masks) > 256:
                self._masks.clear()
            found = self._masks[scope] = self._mask(scope)
        return found

    def _mask(self, scope: Scope) -> np.ndarray:
        """Each article is judged once, then its verdict is spread over its chunk rows."""
        keep = np.ones(len(self.article_ids), dtype=bool)
        if scope.sources is not None:
            keep &= np.array([bool(o & scope.sources) for o in self.article_outlets], dtype=bool)
        if scope.days:
            keep &= np.isin(self.article_day, sorted(near_days(scope.days)))
        if scope.since:
            keep &= self.article_published >= scope.since
        if scope.until:
            keep &= self.article_published <= scope.until
        if scope.excluded:
            keep &= ~np.isin(self.article_ids, sorted(scope.excluded))
        if scope.within is not None:
            keep &= np.isin(self.article_ids, sorted(scope.within))
        keep[-1] = False  # a chunk row without its article is never in a filtered search
        return keep[self.article_of_row]

    def similarities(self, query: np.ndarray) -> DenseScores:
        """The question's dense scores: exact below the approximate-index threshold."""
        if self.approximate:
            return ApproximateScores(self.vectors, self.ids, query, self._selectors)
        return ExactScores(self.ids, self.matrix, self.rows, query)

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
