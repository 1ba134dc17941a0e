"""Keep a Milvus collection in step with its index folder, and check that it is.

The folder stays the record of what is indexed (articles, syndication, dedup); after every
write its chunks are mirrored: articles whose fingerprint changed are re-sent, removed ones
deleted. Mirroring is idempotent, so a sync interrupted by a crash is completed by the next.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from newsqa.index.manifest import DATABASE, VECTORS, Manifest, StorePlacement
from newsqa.index.reader import StoredChunk
from newsqa.index.vectors import FLAT, kind_of, vector_ids
from newsqa.stores.milvus.chunks import MilvusChunks
from newsqa.stores.milvus.client import milvus_client
from newsqa.stores.milvus.fts_terms import Fts5Terms
from newsqa.stores.protocol import ChunkRow, ChunkSink

ARTICLES_PER_BATCH = 200


@dataclass(frozen=True)
class SyncReport:
    """Articles whose chunks were (re)sent to, or deleted from, the remote store."""

    sent: int
    deleted: int


def milvus_chunks(placement: StorePlacement, dimension: int) -> MilvusChunks:
    client = milvus_client(placement.milvus_uri, placement.milvus_token)
    return MilvusChunks(client, placement.milvus_collection, dimension, placement.milvus_uri)


def sync_milvus(index_dir: Path, manifest: Manifest, placement: StorePlacement) -> SyncReport:
    """Mirror the index folder's chunks into its Milvus collection."""
    chunks = milvus_chunks(placement, manifest.dimension)
    chunks.ensure()
    return mirror(index_dir, chunks)


def mirror(index_dir: Path, sink: ChunkSink) -> SyncReport:
    db = sqlite3.connect(f"file:{index_dir / DATABASE}?mode=ro", uri=True)
    try:
        wanted = fingerprints(db)
        stored = sink.fingerprints()
        changed = [a for a, print_ in wanted.items() if stored.get(a) != print_]
        gone = [a for a in stored if a not in wanted]
        sink.delete_articles(gone + [a for a in changed if a in stored])
        if changed:
            vectors = _VectorReader(faiss.read_index(str(index_dir / VECTORS)))
            for start in range(0, len(changed), ARTICLES_PER_BATCH):
                batch = changed[start : start + ARTICLES_PER_BATCH]
                sink.upsert(_rows(db, batch, wanted, vectors))
    finally:
        db.close()
    return SyncReport(len(changed), len(gone))


def fingerprints(db: sqlite3.Connection) -> dict[str, str]:
    """Article id → hash of everything its chunk rows carry (text, metadata, chunk ids)."""
    rows = db.execute(
        "SELECT a.article_id, a.title, a.source, a.published_at, a.url, a.outlets, "
        "a.content_hash, group_concat(c.chunk_id) FROM articles a JOIN chunks c "
        "USING (article_id) GROUP BY a.article_id"
    ).fetchall()
    out: dict[str, str] = {}
    for row in rows:
        ids = sorted(int(i) for i in str(row[7]).split(","))
        text = json.dumps([*row[1:7], ids], ensure_ascii=False)
        out[row[0]] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    return out


def milvus_problems(manifest: Manifest, placement: StorePlacement, index_dir: Path) -> list[str]:
    """Where the Milvus collection disagrees with the folder (empty: in step)."""
    where = f"Milvus collection {placement.milvus_collection!r} at {placement.milvus_uri}"
    try:
        chunks = milvus_chunks(placement, manifest.dimension)
        if not chunks.exists():
            return [f"{where}: the collection is missing"]
        chunks.ensure()
        held = chunks.fingerprints()
        ids = chunks.chunk_ids()
    except Exception as exc:  # an unreachable server or a missing extra is a finding here
        return [f"{where}: cannot be read ({str(exc).splitlines()[0] if str(exc) else exc!r})"]
    db = sqlite3.connect(f"file:{index_dir / DATABASE}?mode=ro", uri=True)
    try:
        wanted = fingerprints(db)
        chunk_ids = {int(r[0]) for r in db.execute("SELECT chunk_id FROM chunks")}
    finally:
        db.close()
    problems = []
    if ids != chunk_ids:
        problems.append(
            f"{where}: holds {len(ids)} chunks, the index {len(chunk_ids)} "
            f"({len(chunk_ids - ids)} missing, {len(ids - chunk_ids)} extra)"
        )
    stale = sorted(a for a in wanted if held.get(a) != wanted[a])
    if stale and not problems:
        problems.append(f"{where}: {len(stale)} articles are out of date (e.g. {stale[0]})")
    return problems


class _VectorReader:
    """Vectors by chunk id from the folder's FAISS index (flat: one bulk read)."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index
        self.row_of: dict[int, int] = {}
        self.matrix: np.ndarray | None = None
        if kind_of(index) == FLAT and index.ntotal:
            self.matrix = index.index.reconstruct_n(0, index.ntotal)
            self.row_of = {int(c): r for r, c in enumerate(vector_ids(index))}

    def get(self, chunk_id: int) -> np.ndarray:
        if self.matrix is not None:
            return self.matrix[self.row_of[chunk_id]]
        return self.index.reconstruct(int(chunk_id))


def _rows(
    db: sqlite3.Connection,
    article_ids: Sequence[str],
    prints: dict[str, str],
    vectors: _VectorReader,
) -> list[ChunkRow]:
    marks = ",".join("?" * len(article_ids))
    found = db.execute(
        "SELECT c.chunk_id, c.article_id, c.position, c.text, c.start, c.end, a.title, "
        "a.source, a.published_at, a.url, a.outlets FROM chunks c JOIN articles a "
        f"USING (article_id) WHERE c.article_id IN ({marks}) ORDER BY c.chunk_id",
        list(article_ids),
    ).fetchall()
    terms = Fts5Terms().documents([(row[0], row[6], row[3]) for row in found])
    rows = []
    for row in found:
        chunk = StoredChunk(*row[:10], tuple(json.loads(row[10] or "[]")))
        rows.append(
            ChunkRow(
                chunk, vectors.get(chunk.chunk_id), terms[chunk.chunk_id], prints[chunk.article_id]
            )
        )
    return rows
