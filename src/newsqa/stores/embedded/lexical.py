"""BM25 of OR-ed phrases as sums of each phrase's own FTS5 scores, read once and kept.

FTS5's `bm25()` adds, phrase by phrase in query order, the phrase's IDF times its saturated
frequency in the row; one phrase's term does not depend on the others. So the scores of
`"a" OR "b" OR "c"` are the sums, in that order, of the scores of `"a"`, `"b"` and `"c"`
queried alone: the same double-precision additions, so the same scores and ranking as the
OR query. Questions share most of their words, so each phrase is read from SQLite once
per index generation instead of in every question's query.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

KeepIds = Callable[[np.ndarray], np.ndarray]  # chunk ids -> which of them may be returned
POSTINGS_BUDGET = 4_000_000  # (chunk id, score) pairs kept across phrases, ~64 MB
_PHRASE = re.compile(r'"[^"]*"')
_OR_OF_PHRASES = re.compile(r'"[^"]*"(?: OR "[^"]*")*')


class PhraseScores:
    """Per-phrase BM25 scores of an FTS5 table over chunks, most recently used kept."""

    def __init__(self, db: sqlite3.Connection, budget: int = POSTINGS_BUDGET) -> None:
        self._db = db
        self._budget = budget
        self._kept: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def ranked(
        self, match: str, n: int, keep: KeepIds | None = None
    ) -> list[tuple[int, float]] | None:
        """The top `n` (chunk id, score) of `match` among the ids `keep` allows, as
        `ORDER BY bm25(chunks_fts) LIMIT n` gives them (higher is better); None when
        `match` is not a plain OR of quoted phrases or a phrase is not valid FTS5."""
        if not _OR_OF_PHRASES.fullmatch(match):
            return None
        try:
            parts = [self._phrase(p) for p in _PHRASE.findall(match)]
        except sqlite3.OperationalError:
            return None
        ids = np.concatenate([p[0] for p in parts])
        if not len(ids) or n <= 0:
            return []
        chunks, slot = np.unique(ids, return_inverse=True)
        totals = np.zeros(len(chunks), dtype=np.float64)
        np.add.at(totals, slot, np.concatenate([p[1] for p in parts]))  # phrase order kept
        if keep is not None:
            allowed = keep(chunks)
            chunks, totals = chunks[allowed], totals[allowed]
        return _top(chunks, totals, n)

    def _phrase(self, phrase: str) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            found = self._kept.get(phrase)
            if found is not None:
                self._kept.move_to_end(phrase)
                return found
        rows = self._db.execute(
            "SELECT rowid, -bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH ?", (phrase,)
        ).fetchall()
        found = (
            np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
            np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows)),
        )
        with self._lock:
            if phrase not in self._kept:
                self._kept[phrase] = found
                self._size += len(rows)
            while self._size > self._budget and len(self._kept) > 1:
                _, (dropped, _) = self._kept.popitem(last=False)
                self._size -= len(dropped)
        return found


def _top(chunks: np.ndarray, totals: np.ndarray, n: int) -> list[tuple[int, float]]:
    """Highest totals first, equal totals by ascending chunk id (as SQLite returns them)."""
    if len(totals) > n:
        threshold = np.partition(totals, len(totals) - n)[len(totals) - n]
        near = totals >= threshold  # every tie at the threshold stays a candidate
        chunks, totals = chunks[near], totals[near]
    order = np.lexsort((chunks, -totals))[:n]
    return [(int(chunks[i]), float(totals[i])) for i in order]
