"""IndexStore: FAISS vectors + SQLite (articles, chunks, FTS5) + manifest, written atomically."""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import faiss
import numpy as np

from newsqa.articles import Article
from newsqa.chunking import Chunk

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

    @classmethod
    def open(cls, index_dir: Path | str, model: str | None = None) -> IndexStore:
        index_dir = Path(index_dir)
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
            vectors = faiss.read_index(str(index_dir / VECTORS))
            db = sqlite3.connect(
                f"file:{index_dir / DATABASE}?mode=ro", uri=True, check_same_thread=False
            )
            db.execute("SELECT 1 FROM chunks LIMIT 1")
        except (RuntimeError, sqlite3.Error) as exc:
            raise IndexUnavailable(f"index at {index_dir} is damaged ({exc}); rebuild it") from exc
        return cls(index_dir, manifest, vectors, db)

    def close(self) -> None:
        self.db.close()

    def dense_search(self, query_vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        if self.vectors.ntotal == 0:
            return []
        scores, ids = self.vectors.search(query_vector.reshape(1, -1).astype(np.float32), n)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

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

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute(
            "SELECT article_id, title, body, source, published_at, url, author, category, summary, "
            "origin, outlets FROM articles WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        return Article(*row[:10], outlets=tuple(json.loads(row[10])))

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

    def date_range(self) -> tuple[str | None, str | None]:
        row = self.db.execute(
            "SELECT MIN(published_at), MAX(published_at) FROM articles"
        ).fetchone()
        return row[0], row[1]


def write_index(
    index_dir: Path | str,
    articles: Iterable[Article],
    chunks: Sequence[Chunk],
    vectors: np.ndarray,
    *,
    model: str,
    chunk_tokens: int,
    chunk_overlap: int,
) -> Manifest:
    """Write a complete index into a sibling temp folder, fsync it, then swap it into place."""
    index_dir = Path(index_dir).absolute()
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.building-", dir=index_dir.parent))
    try:
        articles = list(articles)
        _write_database(staging / DATABASE, articles, chunks)
        _write_vectors(
            staging / VECTORS, vectors, dimension=vectors.shape[1] if vectors.ndim == 2 else 0
        )
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            model=model,
            dimension=int(vectors.shape[1]) if vectors.ndim == 2 else 0,
            backend=f"faiss-{faiss.__version__}:IndexIDMap2(IndexFlatIP)",
            chunk_tokens=chunk_tokens,
            chunk_overlap=chunk_overlap,
            articles=len(articles),
            chunks=len(chunks),
            built_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            checksums={name: _sha256(staging / name) for name in (DATABASE, VECTORS)},
        )
        (staging / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2), encoding="utf-8")
        _keep_extra_files(index_dir, staging)
        _fsync_tree(staging)
        _swap_into_place(staging, index_dir)
        return manifest
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_database(path: Path, articles: list[Article], chunks: Sequence[Chunk]) -> None:
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        db.executemany(
            "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    a.article_id,
                    a.title,
                    a.body,
                    a.source,
                    a.published_at,
                    a.url,
                    a.author,
                    a.category,
                    a.summary,
                    a.origin,
                    json.dumps(list(a.outlets)),
                    a.content_hash,
                )
                for a in articles
            ],
        )
        titles = {a.article_id: a.title for a in articles}
        db.executemany(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?)",
            [
                (i, c.article_id, c.position, c.text, c.start, c.end, c.tokens)
                for i, c in enumerate(chunks)
            ],
        )
        db.executemany(
            "INSERT INTO chunks_fts(rowid, title, text) VALUES (?,?,?)",
            [(i, titles[c.article_id], c.text) for i, c in enumerate(chunks)],
        )
        db.commit()
    finally:
        db.close()


def _write_vectors(path: Path, vectors: np.ndarray, dimension: int) -> None:
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(max(dimension, 1)))
    if len(vectors):
        index.add_with_ids(
            np.ascontiguousarray(vectors, dtype=np.float32), np.arange(len(vectors), dtype=np.int64)
        )
    faiss.write_index(index, str(path))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _keep_extra_files(index_dir: Path, staging: Path) -> None:
    """Files a user keeps in the index folder (e.g. its README) survive a rebuild."""
    if not index_dir.is_dir():
        return
    for item in index_dir.iterdir():
        if (
            item.is_file()
            and item.name not in {MANIFEST, VECTORS, DATABASE}
            and not item.name.startswith(".")
        ):
            shutil.copy2(item, staging / item.name)


def _fsync_tree(folder: Path) -> None:
    for item in folder.iterdir():
        with item.open("rb") as handle:
            os.fsync(handle.fileno())
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_into_place(staging: Path, index_dir: Path) -> None:
    """Atomic exchange of the two folders where the OS allows it, else two quick renames."""
    if index_dir.exists() and _rename_exchange(staging, index_dir):
        return  # staging now holds the old index and is removed by the caller
    if index_dir.exists():
        retired = index_dir.with_name(f".{index_dir.name}.retired-{os.getpid()}")
        os.replace(index_dir, retired)
        os.replace(staging, index_dir)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, index_dir)
    fd = os.open(index_dir.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _rename_exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0
