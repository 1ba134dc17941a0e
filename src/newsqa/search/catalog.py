"""ChunkCatalog: the index's vectors and chunk metadata in memory, for filtered search."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from newsqa.index.store import IndexStore
from newsqa.index.vectors import IVF, kind_of, vector_ids
from newsqa.search.dense import ApproximateScores, DenseScores, ExactScores, SelectorCache
from newsqa.search.lexical import PhraseScores

DAY_TOLERANCE = 1  # a day named in a question matches articles dated ±1 day (time zones)


@dataclass(frozen=True)
class Scope:
    """Which articles a search may return; filters apply before ranking."""

    sources: frozenset[str] | None = None
    days: tuple[date, ...] = ()
    since: str | None = None
    until: str | None = None
    excluded: frozenset[str] = frozenset()  # article ids never returned

    def sql(self) -> tuple[str, list[str]]:
        """A WHERE fragment over `articles a`, with its parameters."""
        clauses: list[str] = []
        params: list[str] = []
        if self.sources is not None:
            marks = ",".join("?" * len(self.sources))
            clauses.append(
                f"(a.source IN ({marks}) OR EXISTS "
                f"(SELECT 1 FROM json_each(a.outlets) WHERE json_each.value IN ({marks})))"
            )
            params.extend(sorted(self.sources) * 2)
        if self.days:
            near = sorted(_near_days(self.days))
            clauses.append(f"substr(a.published_at, 1, 10) IN ({','.join('?' * len(near))})")
            params.extend(near)
        if self.since:
            clauses.append("a.published_at >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("a.published_at <= ?")
            params.append(self.until)
        if self.excluded:
            clauses.append(f"a.article_id NOT IN ({','.join('?' * len(self.excluded))})")
            params.extend(sorted(self.excluded))
        return " AND ".join(clauses), params

    @property
    def unrestricted(self) -> bool:
        return self == Scope()


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
        self.chunk_count = max(1, len(rows))
        self._df: dict[str, int] = {}
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
            allowed &= np.isin(self.day, sorted(_near_days(scope.days)))
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

    def idf(self, words: Iterable[str]) -> dict[str, float]:
        """BM25-style inverse document frequency of each word over the chunks (cached)."""
        out: dict[str, float] = {}
        for word in words:
            if word not in self._df:
                self._df[word] = self._count(word)
            df = self._df[word]
            out[word] = math.log(1 + (self.chunk_count - df + 0.5) / (df + 0.5))
        return out

    def _count(self, word: str) -> int:
        term = '"' + word.replace('"', "") + '"'
        try:
            return int(
                self.store.db.execute(
                    "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH ?", (term,)
                ).fetchone()[0]
            )
        except sqlite3.OperationalError:
            return 0

    def body_span(self, article_id: str, start: int, end: int) -> str:
        row = self.store.db.execute(
            "SELECT substr(body, ?, ?) FROM articles WHERE article_id = ?",
            (start + 1, end - start, article_id),
        ).fetchone()
        return row[0] if row else ""

    def neighbours(
        self, article_id: str, positions: Sequence[int]
    ) -> list[tuple[int, str, int, int]]:
        """(position, text, start, end) of the given chunk positions of one article."""
        marks = ",".join("?" * len(positions))
        return self.store.db.execute(
            f"SELECT position, text, start, end FROM chunks WHERE article_id = ? AND position IN ({marks}) "
            "ORDER BY position",
            (article_id, *positions),
        ).fetchall()


def _near_days(days: Iterable[date]) -> set[str]:
    return {
        (day + timedelta(days=delta)).isoformat()
        for day in days
        for delta in range(-DAY_TOLERANCE, DAY_TOLERANCE + 1)
    }
