"""BM25 of OR-ed phrases from kept per-phrase scores equals FTS5's own OR query, exactly."""

from __future__ import annotations

import random
import sqlite3

import numpy as np

from newsqa.stores.embedded.lexical import PhraseScores

WORDS = [
    "market",
    "shares",
    "fell",
    "rose",
    "bank",
    "rates",
    "court",
    "trial",
    "fraud",
    "chip",
    "maker",
    "storm",
    "rain",
    "city",
]


def _table(rows: int = 400, seed: int = 7) -> sqlite3.Connection:
    rng = random.Random(seed)
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE chunks_fts USING fts5(title, text, tokenize='porter unicode61')"
    )
    for rowid in range(1, rows + 1):
        title = " ".join(rng.choices(WORDS, k=rng.randint(2, 5)))
        text = " ".join(rng.choices(WORDS, k=rng.randint(5, 60)))
        db.execute(
            "INSERT INTO chunks_fts(rowid, title, text) VALUES (?, ?, ?)", (rowid, title, text)
        )
    return db


def _fts5(db: sqlite3.Connection, match: str, n: int) -> list[tuple[int, float]]:
    rows = db.execute(
        "SELECT rowid, -bm25(chunks_fts, 1.0, 1.0) FROM chunks_fts WHERE chunks_fts MATCH ? "
        "ORDER BY bm25(chunks_fts, 1.0, 1.0) LIMIT ?",
        (match, n),
    ).fetchall()
    return [(int(r), float(s)) for r, s in rows]


def test_sums_of_phrase_scores_rank_as_fts5_does() -> None:
    db = _table()
    scores = PhraseScores(db)
    rng = random.Random(3)
    for _ in range(40):
        phrases = [*rng.sample(WORDS, rng.randint(1, 8)), "absentword"]
        match = " OR ".join(f'"{w}"' for w in phrases)
        for n in (5, 50, 1000):
            assert scores.ranked(match, n) == _fts5(db, match, n)


def test_filtered_ranking_keeps_only_allowed_ids_before_the_limit() -> None:
    db = _table()
    scores = PhraseScores(db, budget=50)  # a small budget: phrases are read again, same answers
    match = '"court" OR "fraud" OR "trial"'
    odd = scores.ranked(match, 10, keep=lambda ids: ids % 2 == 1)
    everything = _fts5(db, match, 1000)
    assert odd == [(i, s) for i, s in everything if i % 2 == 1][:10]
    assert np.all([i % 2 == 1 for i, _ in odd])


def test_other_match_syntax_is_left_to_sqlite() -> None:
    db = _table(20)
    scores = PhraseScores(db)
    assert scores.ranked('"court" AND "fraud"', 10) is None
    assert scores.ranked('"cour"*', 10) is None
