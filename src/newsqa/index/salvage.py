"""The articles a damaged index still holds in its SQLite catalogue, read back for a repair."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from newsqa.articles import Article, Outlet
from newsqa.index import schema
from newsqa.index.manifest import DATABASE, IndexUnavailable

_STORY_COLUMNS = (
    "article_id, title, body, source, published_at, url, author, category, summary, origin"
)


@dataclass(frozen=True)
class RecordedCopy:
    """Another outlet's copy of a story, as the index recorded it (no text of its own)."""

    story_id: str
    outlet: Outlet
    content_hash: str


@dataclass
class HeldArticles:
    """Every story the catalogue holds, with the other outlets' copies recorded on them."""

    stories: list[Article] = field(default_factory=list)
    copies: list[RecordedCopy] = field(default_factory=list)


def held_articles(index_dir: Path) -> HeldArticles:
    """The stories and recorded copies in `index_dir`'s catalogue, in the order they were
    stored; IndexUnavailable (naming the rebuild from files) when they cannot be read."""
    path = Path(index_dir) / DATABASE
    if not path.is_file():
        raise _unsalvageable(index_dir, f"{DATABASE} is missing")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _unsalvageable(index_dir, f"{DATABASE} cannot be opened ({exc})") from exc
    try:
        held = HeldArticles(
            [
                Article(*row)
                for row in db.execute(f"SELECT {_STORY_COLUMNS} FROM articles ORDER BY rowid")
            ]
        )
        if schema.has_table(db, "syndication"):
            held.copies = [
                RecordedCopy(row[0], Outlet(row[1] or "", row[2], row[3], row[4]), row[5])
                for row in db.execute(
                    "SELECT story_id, source, url, published_at, article_id, content_hash "
                    "FROM syndication ORDER BY story_id, seq"
                )
            ]
    except sqlite3.Error as exc:
        reason = f"its articles cannot be read from {DATABASE} ({exc})"
        raise _unsalvageable(index_dir, reason) from exc
    finally:
        db.close()
    if not held.stories:
        raise _unsalvageable(index_dir, f"{DATABASE} holds no articles")
    return held


def held_count(index_dir: Path) -> int:
    """How many stories the catalogue still holds (0 when it cannot be read)."""
    path = Path(index_dir) / DATABASE
    if not path.is_file():
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def _unsalvageable(index_dir: Path, reason: str) -> IndexUnavailable:
    return IndexUnavailable(
        f"cannot repair the index at {index_dir}: {reason}; rebuild it from your article "
        f"files with `newsqa build PATH... --index {index_dir}`"
    )
