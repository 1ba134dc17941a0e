"""IndexReader: the index folder read back — articles, chunks, FTS5 word statistics, FAISS vectors."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss

from newsqa.articles import Article, Outlet
from newsqa.index import schema
from newsqa.index.health import catalogue_problems, damaged
from newsqa.index.manifest import (
    DATABASE,
    FORMAT_VERSION,
    VECTORS,
    IndexUnavailable,
    Manifest,
    identity,
)


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


class IndexReader:
    """Read access to one built index folder: the catalogue of articles, chunks and word
    statistics that every store reads, and (unless opened without) its FAISS vectors."""

    def __init__(
        self,
        index_dir: Path,
        manifest: Manifest,
        vectors: faiss.Index | None,
        db: sqlite3.Connection,
    ):
        self.index_dir = index_dir
        self.manifest = manifest
        self.vectors = vectors
        self.db = db
        self._df: dict[str, int] = {}
        # same-story tables arrived with schema version 2; a read-only index is never migrated
        self.has_stories = schema.has_table(db, "syndication")

    @classmethod
    def open(
        cls, index_dir: Path | str, model: str | None = None, load_vectors: bool = True
    ) -> IndexReader:
        """Open the index; a swap that lands while the files are opened is retried. Without
        `load_vectors` only the SQLite catalogue is opened (`vectors` is None: chunks are
        searched elsewhere)."""
        index_dir = Path(index_dir)
        for _ in range(5):
            before = identity(index_dir)
            store = cls._open_once(index_dir, model, load_vectors)
            if identity(index_dir) == before:
                return store
            store.close()  # a writer swapped in a new index meanwhile: open that one
        return cls._open_once(index_dir, model, load_vectors)

    @classmethod
    def _open_once(cls, index_dir: Path, model: str | None, load_vectors: bool) -> IndexReader:
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
        vectors = _read_vectors(index_dir) if load_vectors else None
        db = _open_catalogue(index_dir)
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

    def match_outlets(self, match: str) -> list[tuple[str, ...]]:
        """The outlets (its source first, then those that carried it) of each article with a
        chunk an FTS5 MATCH expression finds."""
        if not match:
            return []
        try:
            rows = self.db.execute(
                "SELECT source, outlets FROM articles WHERE article_id IN (SELECT article_id "
                "FROM chunks WHERE chunk_id IN (SELECT rowid FROM chunks_fts WHERE chunks_fts "
                "MATCH ?))",
                (match,),
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        return [
            tuple(dict.fromkeys(o for o in [source or "", *json.loads(outlets or "[]")] if o))
            for source, outlets in rows
        ]

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
        if not self.has_stories:
            return ()
        rows = self.db.execute(
            "SELECT source, url, published_at, article_id FROM syndication "
            "WHERE story_id = ? ORDER BY seq",
            (article_id,),
        ).fetchall()
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
            if row is None and self.has_stories:
                row = self.db.execute(
                    "SELECT story_id FROM syndication WHERE url = ?", (key,)
                ).fetchone()
            if row is not None:
                found.add(row[0])
        return found

    def stored_ids(self) -> set[str]:
        """Ids of every article held: stories and their recorded copies from other outlets."""
        ids = {str(row[0]) for row in self.db.execute("SELECT article_id FROM articles")}
        if self.has_stories:
            ids |= {str(row[0]) for row in self.db.execute("SELECT article_id FROM syndication")}
        return ids

    def date_range(self) -> tuple[str | None, str | None]:
        row = self.db.execute(
            "SELECT MIN(published_at), MAX(published_at) FROM articles"
        ).fetchone()
        return row[0], row[1]


def _read_vectors(index_dir: Path) -> faiss.Index:
    path = index_dir / VECTORS
    if not path.is_file():
        raise damaged(index_dir, f"{VECTORS} is missing")
    try:
        return faiss.read_index(str(path))
    except RuntimeError as exc:
        raise damaged(index_dir, f"{VECTORS} cannot be read, it is truncated or damaged") from exc


def _open_catalogue(index_dir: Path) -> sqlite3.Connection:
    """The SQLite catalogue, read-only, once its quick checks pass."""
    path = index_dir / DATABASE
    if not path.is_file():
        raise damaged(index_dir, f"{DATABASE} is missing")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.Error as exc:
        raise damaged(index_dir, f"{DATABASE} cannot be opened ({exc})") from exc
    try:
        problems = catalogue_problems(db)
    except sqlite3.Error as exc:
        db.close()
        raise damaged(index_dir, f"{DATABASE} cannot be read ({exc})") from exc
    if problems:
        db.close()
        raise damaged(index_dir, problems[0])
    return db
