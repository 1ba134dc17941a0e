"""The index database's schema and its numbered migrations (SQLite `user_version`)."""

from __future__ import annotations

import sqlite3

BASE_SCHEMA = """
CREATE TABLE articles (
    article_id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, source TEXT,
    published_at TEXT, url TEXT, author TEXT, category TEXT, summary TEXT, origin TEXT,
    outlets TEXT NOT NULL DEFAULT '[]', content_hash TEXT NOT NULL
);
CREATE TABLE chunks (
    chunk_id INTEGER PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(article_id),
    position INTEGER NOT NULL, text TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
    tokens INTEGER NOT NULL
);
CREATE INDEX chunks_by_article ON chunks(article_id, position);
CREATE INDEX articles_by_date ON articles(published_at);
CREATE VIRTUAL TABLE chunks_fts USING fts5(title, text, tokenize='porter unicode61');
"""
STORY_TABLES = """
CREATE TABLE IF NOT EXISTS syndication (
    article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL, source TEXT, url TEXT,
    published_at TEXT, content_hash TEXT NOT NULL, seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS syndication_by_story ON syndication(story_id, seq);
CREATE INDEX IF NOT EXISTS syndication_by_url ON syndication(url);
CREATE TABLE IF NOT EXISTS story_bands (band TEXT NOT NULL, article_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS story_bands_by_band ON story_bands(band);
CREATE INDEX IF NOT EXISTS story_bands_by_article ON story_bands(article_id);
CREATE INDEX IF NOT EXISTS articles_by_hash ON articles(content_hash);
CREATE INDEX IF NOT EXISTS articles_by_url ON articles(url);
"""


# Each migration brings the database from the version before it to its number; indexes
# written before versions were recorded hold 0 and the base schema (version 1). Statements
# are idempotent (`IF NOT EXISTS`): such indexes may already have the later tables.
MIGRATIONS: tuple[tuple[int, str], ...] = ((2, STORY_TABLES),)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def version(db: sqlite3.Connection) -> int:
    """The schema version recorded in the database (0: from before versions were recorded)."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def create(db: sqlite3.Connection) -> None:
    """A new, empty index database at the newest schema version."""
    db.executescript(BASE_SCHEMA)
    migrate(db)


def migrate(db: sqlite3.Connection) -> list[int]:
    """Apply, once each, the migrations newer than the database; returns those applied."""
    current = max(version(db), 1)
    applied = []
    for number, statements in MIGRATIONS:
        if number > current:
            db.executescript(statements)
            applied.append(number)
    if version(db) != SCHEMA_VERSION:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return applied


def has_table(db: sqlite3.Connection, name: str) -> bool:
    """Whether the database holds table `name` (read-only indexes cannot be migrated)."""
    row = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    return row.fetchone() is not None
