"""IndexWriter: every change (build, add, update, remove) goes to a staged copy, then one swap."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

import faiss
import numpy as np

from newsqa.articles import Article, Chunk, Outlet
from newsqa.embedding import compatible
from newsqa.index import schema
from newsqa.index.health import refuse_damaged
from newsqa.index.manifest import (
    DATABASE,
    FORMAT_VERSION,
    MANIFEST,
    VECTORS,
    IndexUnavailable,
    Manifest,
    StorePlacement,
    sha256_of,
)
from newsqa.index.staging import fsync_tree, new_staging, remove_stale, swap_into_place, writer_lock
from newsqa.index.vectors import (
    APPROXIMATE_FROM,
    describe,
    kind_of,
    maybe_approximate,
    new_flat,
    vector_ids,
)
from newsqa.text.shingles import band_keys, shingles

_ARTICLE_COLUMNS = (
    "article_id, title, body, source, published_at, url, author, category, summary, origin, "
    "outlets, content_hash"
)


# After a commit, still under the writer lock: keeps a store outside the folder in step
Mirror = Callable[[Path, "Manifest", StorePlacement], None]


@dataclass(frozen=True)
class WriterSpec:
    """What an index write is made with: the one way every build, add and remove opens an
    `IndexWriter`. For an existing index its manifest's model, chunking and store win."""

    index_dir: Path
    model: str
    dimension: int
    chunk_tokens: int
    chunk_overlap: int
    embedding_backend: str = "torch-fp32"
    approximate_from: int = APPROXIMATE_FROM
    placement: StorePlacement = field(default_factory=StorePlacement)  # a new index's store
    mirror: Mirror | None = None

    def open(self, fresh: bool) -> IndexWriter:
        return IndexWriter(self, fresh=fresh)


class IndexWriter:
    """Stages changes to one index folder; `commit()` makes them visible all at once.

    Use as a context manager: it takes the writer lock, clears staging folders left by a
    killed writer, and removes its own staging folder on the way out, so a crash at any
    point leaves the previous index untouched.
    """

    def __init__(self, spec: WriterSpec, *, fresh: bool) -> None:
        self.spec = spec
        self.index_dir = Path(spec.index_dir).absolute()
        self.placement = spec.placement
        self.approximate_from = spec.approximate_from
        self.embedding_backend = spec.embedding_backend
        self.fresh = fresh
        self.model = spec.model
        self.dimension = spec.dimension
        self.chunk_tokens = spec.chunk_tokens
        self.chunk_overlap = spec.chunk_overlap
        self.changed = fresh
        self._lock = writer_lock(self.index_dir)
        self.staging: Path | None = None
        self.db: sqlite3.Connection
        self.vectors: faiss.Index
        self._next_chunk_id = 0
        self._removed_ids: list[int] = []

    def __enter__(self) -> IndexWriter:
        self._lock.__enter__()
        try:
            remove_stale(self.index_dir)
            existing = (self.index_dir / MANIFEST).exists()
            if not self.fresh and existing:
                refuse_damaged(self.index_dir)  # never stamp fresh checksums over damage
                self._check_manifest(Manifest.read(self.index_dir))
            self.fresh = self.fresh or not existing
            self.changed = self.fresh
            self.staging = new_staging(self.index_dir, copy_current=not self.fresh)
            self._open_staged()
        except BaseException:
            self._cleanup()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._cleanup()

    # -- reading the staged index -------------------------------------------------------------

    def stored_hash(self, article_id: str) -> str | None:
        row = self.db.execute(
            "SELECT content_hash FROM articles WHERE article_id = ?", (article_id,)
        ).fetchone()
        return row[0] if row else None

    def stored_article(self, article_id: str) -> Article | None:
        row = self.db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE article_id = ?", (article_id,)
        ).fetchone()
        return Article(*row[:10], outlets=tuple(json.loads(row[10]))) if row else None

    def syndicated(self, article_id: str) -> tuple[str, str] | None:
        """(story id, content hash) when this article is recorded as another outlet's copy."""
        row = self.db.execute(
            "SELECT story_id, content_hash FROM syndication WHERE article_id = ?", (article_id,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def story_with_hash(self, content_hash: str) -> str | None:
        row = self.db.execute(
            "SELECT article_id FROM articles WHERE content_hash = ? LIMIT 1", (content_hash,)
        ).fetchone()
        return row[0] if row else None

    def candidate_stories(self, bands: Sequence[str]) -> list[tuple[str, str]]:
        """(article id, body) of stories sharing at least one LSH band."""
        marks = ",".join("?" * len(bands))
        return self.db.execute(
            "SELECT article_id, body FROM articles WHERE article_id IN "
            f"(SELECT article_id FROM story_bands WHERE band IN ({marks}))",
            list(bands),
        ).fetchall()

    def resolve(self, key: str, url: str | None) -> tuple[str, str] | None:
        """('story', id) or ('copy', id) for an article id or URL; None when unknown."""
        for kind, table in (("story", "articles"), ("copy", "syndication")):
            row = self.db.execute(
                f"SELECT article_id FROM {table} WHERE article_id = ? OR url = ? LIMIT 1",
                (key, url or key),
            ).fetchone()
            if row:
                return kind, row[0]
        return None

    # -- staging changes ----------------------------------------------------------------------

    def put_article(self, article: Article) -> None:
        """Insert or replace an article row (its chunks are left alone) and its story bands."""
        self.db.execute(
            f"INSERT OR REPLACE INTO articles ({_ARTICLE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                article.article_id,
                article.title,
                article.body,
                *article.metadata,
                article.origin,
                json.dumps(self._merge_outlets(article.source, ())),
                article.content_hash,
            ),
        )
        self._refresh_outlets(article.article_id)
        self.db.execute("DELETE FROM story_bands WHERE article_id = ?", (article.article_id,))
        self._insert_bands(article.article_id, article.body)
        self.changed = True

    def remove_chunks(self, article_id: str) -> int:
        ids = [
            r[0]
            for r in self.db.execute(
                "SELECT chunk_id FROM chunks WHERE article_id = ?", (article_id,)
            )
        ]
        if ids:
            marks = ",".join("?" * len(ids))
            self.db.execute(f"DELETE FROM chunks_fts WHERE rowid IN ({marks})", ids)
            self.db.execute(f"DELETE FROM chunks WHERE chunk_id IN ({marks})", ids)
            self._removed_ids.extend(ids)
            self.changed = True
        return len(ids)

    def add_chunks(self, title: str, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Store chunks and their vectors under fresh ids (never reused within an index)."""
        if not chunks:
            return
        ids = list(range(self._next_chunk_id, self._next_chunk_id + len(chunks)))
        self._next_chunk_id += len(chunks)
        self.db.executemany(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?)",
            [
                (i, c.article_id, c.position, c.text, c.start, c.end, c.tokens)
                for i, c in zip(ids, chunks, strict=True)
            ],
        )
        self.db.executemany(
            "INSERT INTO chunks_fts(rowid, title, text) VALUES (?,?,?)",
            [(i, title, c.text) for i, c in zip(ids, chunks, strict=True)],
        )
        self.vectors.add_with_ids(
            np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
        )
        self.changed = True

    def remove_story(self, article_id: str) -> int:
        """Remove an article, its chunks and its syndicated copies; returns copies removed."""
        self.remove_chunks(article_id)
        copies = self.db.execute(
            "DELETE FROM syndication WHERE story_id = ?", (article_id,)
        ).rowcount
        self.db.execute("DELETE FROM story_bands WHERE article_id = ?", (article_id,))
        self.db.execute("DELETE FROM articles WHERE article_id = ?", (article_id,))
        self.changed = True
        return copies

    def add_copy(self, story_id: str, article: Article) -> None:
        """Record `article` as the same story run by another outlet (or at another URL)."""
        outlet = Outlet(article.source, article.url, article.published_at, article.article_id)
        self.record_copy(story_id, outlet, article.content_hash)

    def record_copy(self, story_id: str, outlet: Outlet, content_hash: str) -> None:
        """Record another outlet's copy of a story: its outlet, link, date and text hash."""
        seq = self.db.execute(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM syndication WHERE story_id = ?", (story_id,)
        ).fetchone()[0]
        self.db.execute(
            "INSERT OR REPLACE INTO syndication VALUES (?,?,?,?,?,?,?)",
            (
                outlet.article_id,
                story_id,
                outlet.source,
                outlet.url,
                outlet.published_at,
                content_hash,
                seq,
            ),
        )
        self._refresh_outlets(story_id)

    def remove_copy(self, article_id: str) -> None:
        found = self.syndicated(article_id)
        self.db.execute("DELETE FROM syndication WHERE article_id = ?", (article_id,))
        if found:
            self._refresh_outlets(found[0])

    def commit(self) -> Manifest:
        """Write vectors and manifest, fsync, and swap the staged index into place."""
        assert self.staging is not None
        if self._removed_ids:
            self.vectors.remove_ids(np.asarray(self._removed_ids, dtype=np.int64))
            self._removed_ids = []
        self.vectors = maybe_approximate(self.vectors, self.approximate_from)
        self.db.commit()
        articles = self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        chunks = self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        self.db.close()
        faiss.write_index(self.vectors, str(self.staging / VECTORS))
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            model=self.model,
            dimension=self.dimension,
            vector_layout=describe(self.vectors),
            vector_index=kind_of(self.vectors),
            chunk_tokens=self.chunk_tokens,
            chunk_overlap=self.chunk_overlap,
            embedding_backend=self.embedding_backend,
            articles=int(articles),
            chunks=int(chunks),
            built_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            checksums={name: sha256_of(self.staging / name) for name in (DATABASE, VECTORS)},
            store=self.placement.kind,
            milvus_uri=self.placement.milvus_uri,
            milvus_collection=self.placement.milvus_collection,
        )
        (self.staging / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2), "utf-8")
        fsync_tree(self.staging)
        swap_into_place(self.staging, self.index_dir)
        self.changed = False
        if self.spec.mirror is not None:  # still under the writer lock: one mirror at a time
            self.spec.mirror(self.index_dir, manifest, self.placement)
        return manifest

    # -- internals ----------------------------------------------------------------------------

    def _check_manifest(self, manifest: Manifest) -> None:
        if manifest.format_version != FORMAT_VERSION:
            raise IndexUnavailable(
                f"index at {self.index_dir} has format version {manifest.format_version}, this "
                f"newsqa writes version {FORMAT_VERSION}; adding to it is not possible — "
                f"rebuild it with `newsqa build PATH... --index {self.index_dir}`"
            )
        if manifest.model != self.model:
            raise IndexUnavailable(
                f"index at {self.index_dir} was built with model {manifest.model!r}; adding "
                f"with {self.model!r} is not possible — add with the index's own model (leave "
                f"NEWSQA_MODEL unset), or rebuild it with "
                f"`newsqa build PATH... --model {self.model} --index {self.index_dir}`"
            )
        if not compatible(manifest.embedding_backend, self.embedding_backend):
            raise IndexUnavailable(
                f"index at {self.index_dir} was built with the {manifest.embedding_backend} "
                f"embedding backend; {self.embedding_backend} vectors do not match it — add with "
                f"`--backend {manifest.embedding_backend}` or rebuild with "
                f"`newsqa build PATH... --backend {self.embedding_backend} --index {self.index_dir}`"
            )
        self.embedding_backend = manifest.embedding_backend
        self.placement = StorePlacement.of(manifest, token=self.placement.milvus_token)
        self.dimension = manifest.dimension
        self.chunk_tokens = manifest.chunk_tokens
        self.chunk_overlap = manifest.chunk_overlap

    def _open_staged(self) -> None:
        assert self.staging is not None
        self.db = sqlite3.connect(self.staging / DATABASE)
        if self.fresh:
            schema.create(self.db)
            self.vectors = new_flat(self.dimension)
        else:
            schema.migrate(self.db)
            self.vectors = faiss.read_index(str(self.staging / VECTORS))
        self._backfill_bands()
        stored_max = self.db.execute("SELECT COALESCE(MAX(chunk_id), -1) FROM chunks").fetchone()
        stored_ids = vector_ids(self.vectors)
        vector_max = int(stored_ids.max()) if len(stored_ids) else -1
        self._next_chunk_id = max(int(stored_max[0]), vector_max) + 1

    def _backfill_bands(self) -> None:
        """Indexes built before story bands were recorded get them on their first update."""
        rows = self.db.execute(
            "SELECT article_id, body FROM articles WHERE article_id NOT IN "
            "(SELECT article_id FROM story_bands)"
        ).fetchall()
        for article_id, body in rows:
            self._insert_bands(article_id, body)

    def _insert_bands(self, article_id: str, body: str) -> None:
        self.db.executemany(
            "INSERT INTO story_bands VALUES (?, ?)",
            [(band, article_id) for band in band_keys(shingles(body))],
        )

    def _refresh_outlets(self, story_id: str) -> None:
        row = self.db.execute(
            "SELECT source FROM articles WHERE article_id = ?", (story_id,)
        ).fetchone()
        if row is None:
            return
        copies = [
            r[0]
            for r in self.db.execute(
                "SELECT source FROM syndication WHERE story_id = ? ORDER BY seq", (story_id,)
            )
        ]
        self.db.execute(
            "UPDATE articles SET outlets = ? WHERE article_id = ?",
            (json.dumps(self._merge_outlets(row[0], copies)), story_id),
        )
        self.changed = True

    @staticmethod
    def _merge_outlets(first: str, others: Iterable[str]) -> list[str]:
        merged: list[str] = []
        for name in (first, *others):
            if name and name not in merged:
                merged.append(name)
        return merged

    def _cleanup(self) -> None:
        try:
            if self.staging is not None:
                if hasattr(self, "db"):
                    self.db.close()
                shutil.rmtree(self.staging, ignore_errors=True)
                self.staging = None
        finally:
            self._lock.__exit__(None, None, None)


def write_index(
    index_dir: Path | str,
    articles: Iterable[Article],
    chunks: Sequence[Chunk],
    vectors: np.ndarray,
    *,
    model: str,
    chunk_tokens: int,
    chunk_overlap: int,
    embedding_backend: str = "torch-fp32",
    approximate_from: int = APPROXIMATE_FROM,
) -> Manifest:
    """Write a complete index (articles as given, no story matching) and swap it into place."""
    dimension = int(vectors.shape[1]) if vectors.ndim == 2 else 0
    by_article: dict[str, list[int]] = {}
    for i, chunk in enumerate(chunks):
        by_article.setdefault(chunk.article_id, []).append(i)
    spec = WriterSpec(
        Path(index_dir),
        model,
        dimension,
        chunk_tokens,
        chunk_overlap,
        embedding_backend,
        approximate_from,
    )
    with spec.open(fresh=True) as writer:
        for article in articles:
            writer.put_article(article)
            rows = by_article.get(article.article_id, [])
            writer.add_chunks(article.title, [chunks[i] for i in rows], vectors[rows])
        return writer.commit()


__all__ = ["IndexWriter", "Outlet", "WriterSpec", "write_index"]
