"""IndexStore: FAISS vectors + SQLite (articles, chunks, FTS5) + manifest, written atomically."""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import faiss

from newsqa.articles import Article, Outlet

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
DATABASE = "newsqa.sqlite"

SCHEMA = """
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
# Tables for updates and syndication; `IF NOT EXISTS` upgrades indexes built before them.
UPDATE_SCHEMA = """
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


class IndexUnavailable(RuntimeError):
    """The index is missing, damaged, or was built with other settings."""


@dataclass(frozen=True)
class Manifest:
    """What an index was built with; a mismatch with the running settings is an error."""

    format_version: int
    model: str
    dimension: int
    backend: str
    chunk_tokens: int
    chunk_overlap: int
    articles: int
    chunks: int
    built_at: str
    checksums: dict[str, str] = field(default_factory=dict)
    # how the vectors were made; indexes from before this field were made by torch fp32
    embedding_backend: str = "torch-fp32"
    vector_index: str = "flat"  # "flat" (exact) or "ivf" (approximate, see index/vectors.py)
    # where questions are searched: "embedded" (this folder) or "milvus" (chunks mirrored into
    # the collection below, at a milvus-lite path or a server address)
    store: str = "embedded"
    milvus_uri: str = ""
    milvus_collection: str = ""

    @classmethod
    def read(cls, index_dir: Path) -> Manifest:
        path = index_dir / MANIFEST
        if not path.exists():
            raise IndexUnavailable(
                f"no index at {index_dir} (missing {MANIFEST}); build one with `newsqa build PATH...`"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (json.JSONDecodeError, TypeError) as exc:
            raise IndexUnavailable(
                f"{path} is damaged ({exc}); rebuild with `newsqa build PATH... --index {index_dir}`"
            ) from exc


@dataclass(frozen=True)
class StoredChunk:
    """A chunk row joined with its article's metadata."""

    chunk_id: int
    article_id: str
    position: int
    text: str
    start: int
    end: int
    title: str
    source: str
    published_at: str | None
    url: str | None
    outlets: tuple[str, ...] = ()


class IndexStore:
    """Read access to one built index folder."""

    def __init__(
        self, index_dir: Path, manifest: Manifest, vectors: faiss.Index, db: sqlite3.Connection
    ):
        self.index_dir = index_dir
        self.manifest = manifest
        self.vectors = vectors
        self.db = db
        self._df: dict[str, int] = {}

    @classmethod
    def open(
        cls, index_dir: Path | str, model: str | None = None, load_vectors: bool = True
    ) -> IndexStore:
        """Open the index; a swap that lands while the files are opened is retried. Without
        `load_vectors` only the SQLite catalogue is opened (a store searching elsewhere)."""
        index_dir = Path(index_dir)
        for _ in range(5):
            before = _identity(index_dir)
            store = cls._open_once(index_dir, model, load_vectors)
            if _identity(index_dir) == before:
                return store
            store.close()  # a writer swapped in a new index meanwhile: open that one
        return cls._open_once(index_dir, model, load_vectors)

    @classmethod
    def _open_once(cls, index_dir: Path, model: str | None, load_vectors: bool) -> IndexStore:
        manifest = Manifest.read(index_dir)
        if manifest.format_version != FORMAT_VERSION:
            raise IndexUnavailable(
                f"index at {index_dir} has format version {manifest.format_version}, this newsqa "
                f"reads version {FORMAT_VERSION}; rebuild it with `newsqa build PATH... --index {index_dir}`"
            )
        if model is not None and model != manifest.model:
            raise IndexUnavailable(
                f"index at {index_dir} was built with model {manifest.model!r}, not {model!r}; "
                f"rebuild it with `newsqa build PATH... --model {model} --index {index_dir}`"
            )
        try:
            vectors = (
                faiss.read_index(str(index_dir / VECTORS))
                if load_vectors
                else faiss.IndexIDMap2(faiss.IndexFlatIP(max(manifest.dimension, 1)))
            )
            db = sqlite3.connect(
                f"file:{index_dir / DATABASE}?mode=ro", uri=True, check_same_thread=False
            )
            db.execute("SELECT 1 FROM chunks LIMIT 1")
        except (RuntimeError, sqlite3.Error) as exc:
            raise IndexUnavailable(
                f"index at {index_dir} is damaged ({exc}); `newsqa stats --check --index "
                f"{index_dir}` names the fault, `newsqa build PATH... --index {index_dir}` rebuilds"
            ) from exc
        return cls(index_dir, manifest, vectors, db)

    def close(self) -> None:
        self.db.close()

    def lexical_search(self, match: str, n: int) -> list[tuple[int, float]]:
        """FTS5 BM25 over chunk text and title; scores are positive, higher is better."""
        if not match:
            return []
        rows = self.db.execute(
            "SELECT rowid, -bm25(chunks_fts, 1.0, 1.0) FROM chunks_fts WHERE chunks_fts MATCH ? "
            "ORDER BY bm25(chunks_fts, 1.0, 1.0) LIMIT ?",
            (match, n),
        ).fetchall()
        return [(int(r), float(s)) for r, s in rows]

    def word_texts(self, word: str, n: int) -> list[str]:
        """Up to `n` chunk texts holding `word` (its stem), to see how the archive writes it."""
        if not word.isalnum():
            return []
        try:
            rows = self.db.execute(
                "SELECT text FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?",
                (f'text:"{word}"', n),
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        return [str(r[0]) for r in rows]

    def match_count(self, match: str) -> int:
        """How many chunks an FTS5 MATCH expression finds (0 for an empty expression)."""
        if not match:
            return 0
        try:
            row = self.db.execute(
                "SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH ?", (match,)
            ).fetchone()
        except sqlite3.OperationalError:
            return 0
        return int(row[0])

    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, StoredChunk]:
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        rows = self.db.execute(
            "SELECT c.chunk_id, c.article_id, c.position, c.text, c.start, c.end, a.title, "
            "a.source, a.published_at, a.url, a.outlets FROM chunks c JOIN articles a "
            f"USING (article_id) WHERE c.chunk_id IN ({marks})",
            list(chunk_ids),
        ).fetchall()
        return {row[0]: StoredChunk(*row[:10], tuple(json.loads(row[10]))) for row in rows}

    def idf(self, words: Iterable[str]) -> dict[str, float]:
        """BM25-style inverse document frequency of each word over the chunks (cached)."""
        if "" not in self._df:
            self._df[""] = max(1, self.chunk_count())  # the number of chunks, looked up once
        chunks = self._df[""]
        out: dict[str, float] = {}
        for word in words:
            if word not in self._df:
                self._df[word] = self.match_count('"' + word.replace('"', "") + '"')
            df = self._df[word]
            out[word] = math.log(1 + (chunks - df + 0.5) / (df + 0.5))
        return out

    def body_span(self, article_id: str, start: int, end: int) -> str:
        row = self.db.execute(
            "SELECT substr(body, ?, ?) FROM articles WHERE article_id = ?",
            (start + 1, end - start, article_id),
        ).fetchone()
        return row[0] if row else ""

    def neighbours(
        self, article_id: str, positions: Sequence[int]
    ) -> list[tuple[int, str, int, int]]:
        """(position, text, start, end) of the given chunk positions of one article."""
        marks = ",".join("?" * len(positions))
        return self.db.execute(
            f"SELECT position, text, start, end FROM chunks WHERE article_id = ? AND position IN ({marks}) "
            "ORDER BY position",
            (article_id, *positions),
        ).fetchall()

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute(
            "SELECT article_id, title, body, source, published_at, url, author, category, summary, "
            "origin, outlets FROM articles WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        return Article(
            *row[:10], outlets=tuple(json.loads(row[10])), syndication=self.syndication(article_id)
        )

    def syndication(self, article_id: str) -> tuple[Outlet, ...]:
        """The other outlets that ran this story, each with its own link and date."""
        try:
            rows = self.db.execute(
                "SELECT source, url, published_at, article_id FROM syndication "
                "WHERE story_id = ? ORDER BY seq",
                (article_id,),
            ).fetchall()
        except sqlite3.OperationalError:  # an index built before syndication was recorded
            return ()
        return tuple(Outlet(r[0] or "", r[1], r[2], r[3]) for r in rows)

    def article_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def chunk_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def sources(self) -> list[tuple[str, int]]:
        rows = self.db.execute(
            "SELECT source, COUNT(*) FROM articles GROUP BY source ORDER BY COUNT(*) DESC, source"
        ).fetchall()
        return [(r[0] or "", int(r[1])) for r in rows]

    def outlet_names(self) -> list[str]:
        """Every outlet in the collection: article sources and the outlets that carried them."""
        names: dict[str, None] = {}
        for source, outlets in self.db.execute("SELECT source, outlets FROM articles"):
            for name in [source, *json.loads(outlets or "[]")]:
                if name:
                    names.setdefault(name, None)
        return list(names)

    def recent_headlines(self, n: int) -> list[tuple[str, str]]:
        """Title and summary ('' when none) of the `n` most recently published articles."""
        rows = self.db.execute(
            "SELECT title, COALESCE(summary, '') FROM articles WHERE title != '' "
            "ORDER BY published_at IS NULL, published_at DESC, rowid DESC LIMIT ?",
            (n,),
        ).fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    def article_ids_of(self, keys: Sequence[str]) -> set[str]:
        """Ids of the stories named by id, URL or exact title (a syndicated copy's URL names
        its story)."""
        found: set[str] = set()
        for key in keys:
            row = self.db.execute(
                "SELECT article_id FROM articles WHERE article_id = ? OR url = ? OR title = ?",
                (key, key, key),
            ).fetchone()
            if row is None:
                try:
                    row = self.db.execute(
                        "SELECT story_id FROM syndication WHERE url = ?", (key,)
                    ).fetchone()
                except sqlite3.OperationalError:
                    row = None
            if row is not None:
                found.add(row[0])
        return found

    def date_range(self) -> tuple[str | None, str | None]:
        row = self.db.execute(
            "SELECT MIN(published_at), MAX(published_at) FROM articles"
        ).fetchone()
        return row[0], row[1]


def _identity(index_dir: Path) -> tuple[int, int] | None:
    """Which manifest file is in place (inode, mtime): it changes with every swap."""
    try:
        info = (index_dir / MANIFEST).stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


def sha256_of(path: Path) -> str:
    """The file's sha256, as the manifest records it."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
