"""Text as the index's own FTS5 tokenizer sees it (porter unicode61), for stores that bring
their own BM25: given these terms, their BM25 counts the same words and lengths as FTS5."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence

TOKENIZER = "porter unicode61"  # as in index/store.py's chunks_fts


class Fts5Terms:
    """An in-memory FTS5 table used only to tokenise: rows in, stemmed terms out."""

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        self._db.executescript(
            f"CREATE VIRTUAL TABLE scratch USING fts5(title, text, tokenize='{TOKENIZER}');"
            "CREATE VIRTUAL TABLE scratch_terms USING fts5vocab(scratch, instance);"
        )
        self._words: dict[str, str] = {}

    def documents(self, rows: Sequence[tuple[int, str, str]]) -> dict[int, str]:
        """(id, title, text) → id: the row's terms in order, title first (as FTS5 counts a
        row: one bag of words over both columns)."""
        with self._lock:
            self._db.executemany("INSERT INTO scratch(rowid, title, text) VALUES (?, ?, ?)", rows)
            found = self._db.execute(
                "SELECT doc, term FROM scratch_terms ORDER BY doc, col, offset"
            ).fetchall()
            self._db.execute("DELETE FROM scratch")
        terms: dict[int, list[str]] = {row[0]: [] for row in rows}
        for doc, term in found:
            terms[doc].append(term)
        return {doc: " ".join(words) for doc, words in terms.items()}

    def words(self, words: Sequence[str]) -> str:
        """Query words as terms (each word's terms, remembered)."""
        out = []
        for word in words:
            if word not in self._words:
                if len(self._words) > 50_000:
                    self._words.clear()
                self._words[word] = self.documents([(1, "", word)]).get(1, "")
            out.append(self._words[word])
        return " ".join(t for t in out if t)
