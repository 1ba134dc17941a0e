"""MilvusChunks: one Milvus collection of chunks — dense vector, BM25 over title and text,
outlet and date fields for filters, and what a citation needs — written by id or by article.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from newsqa.index.reader import StoredChunk
from newsqa.stores.milvus.filters import outlet_list, strings
from newsqa.stores.protocol import ChunkRow

TEXT_BYTES = 65_535  # Milvus VARCHAR limit
SHORT_BYTES = 4_096
OUTLETS = 64  # outlets recorded per chunk (a story carried by more is still found by source)
BATCH = 500  # rows per insert
ANALYZER = {"tokenizer": "standard", "filter": ["lowercase"]}
BM25_K1, BM25_B = 1.2, 0.75  # FTS5's constants (Milvus's server defaults; milvus-lite's k1 is 1.5)
READ_BATCH = 4_000  # rows per page when listing every chunk

FIELDS = [
    "chunk_id",
    "article_id",
    "position",
    "text",
    "start",
    "end",
    "title",
    "source",
    "published_at",
    "url",
    "outlets",
]


class MilvusChunks:
    """The chunk collection; `name` is the collection, created on first use."""

    def __init__(self, client: Any, name: str, dimension: int, uri: str = "") -> None:
        self.client = client
        self.uri = uri
        self.name = name
        self.dimension = dimension

    def ensure(self) -> None:
        """Create the collection (schema, BM25 function, indexes) if missing; load it."""
        if not self.client.has_collection(self.name):
            schema, indexes = _schema(self.client, self.dimension)
            self.client.create_collection(self.name, schema=schema, index_params=indexes)
        self.client.load_collection(self.name)  # needed again after every reconnect

    def exists(self) -> bool:
        return bool(self.client.has_collection(self.name))

    def drop(self) -> None:
        if self.client.has_collection(self.name):
            self.client.drop_collection(self.name)

    # -- ChunkSink -------------------------------------------------------------------------

    def upsert(self, rows: Sequence[ChunkRow]) -> None:
        for start in range(0, len(rows), BATCH):
            self.client.upsert(self.name, [_entity(r) for r in rows[start : start + BATCH]])

    def delete_articles(self, article_ids: Sequence[str]) -> None:
        ids = list(article_ids)
        for start in range(0, len(ids), BATCH):
            self.client.delete(
                self.name, filter=f"article_id in {strings(ids[start : start + BATCH])}"
            )

    def fingerprints(self) -> dict[str, str]:
        return {
            row["article_id"]: row["fingerprint"]
            for row in self._all(["article_id", "fingerprint"])
        }

    def chunk_ids(self) -> set[int]:
        return {int(row["chunk_id"]) for row in self._all(["chunk_id"])}

    def count(self) -> int:
        rows = self.client.query(self.name, filter="", output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    # -- reading ---------------------------------------------------------------------------

    def stored(self, chunk_ids: Sequence[int]) -> dict[int, StoredChunk]:
        if not chunk_ids:
            return {}
        rows = self.client.query(self.name, ids=[int(i) for i in chunk_ids], output_fields=FIELDS)
        return {int(r["chunk_id"]): _stored(r) for r in rows}

    def vectors(self, chunk_ids: Sequence[int]) -> dict[int, np.ndarray]:
        if not chunk_ids:
            return {}
        rows = self.client.query(
            self.name, ids=[int(i) for i in chunk_ids], output_fields=["chunk_id", "vector"]
        )
        return {int(r["chunk_id"]): np.asarray(r["vector"], dtype=np.float32) for r in rows}

    def _all(self, fields: list[str]) -> Iterable[dict[str, Any]]:
        iterator = self.client.query_iterator(
            self.name, batch_size=READ_BATCH, filter="", output_fields=fields
        )
        try:
            while page := iterator.next():
                yield from page
        finally:
            iterator.close()


def _schema(client: Any, dimension: int) -> tuple[Any, Any]:
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False)
    schema.add_field("chunk_id", DataType.INT64, is_primary=True)
    schema.add_field("article_id", DataType.VARCHAR, max_length=512)
    schema.add_field("position", DataType.INT64)
    schema.add_field("start", DataType.INT64)
    schema.add_field("end", DataType.INT64)
    schema.add_field("text", DataType.VARCHAR, max_length=TEXT_BYTES)
    schema.add_field("title", DataType.VARCHAR, max_length=SHORT_BYTES)
    # BM25 reads `terms`: title and text as the index's FTS5 tokenizer (porter unicode61) cut
    # them, so both stores count the same words; Milvus only splits them again at spaces
    schema.add_field(
        "terms",
        DataType.VARCHAR,
        max_length=TEXT_BYTES,
        enable_analyzer=True,
        analyzer_params=ANALYZER,
    )
    schema.add_field("source", DataType.VARCHAR, max_length=512)
    schema.add_field(
        "outlets",
        DataType.ARRAY,
        element_type=DataType.VARCHAR,
        max_capacity=OUTLETS,
        max_length=512,
    )
    schema.add_field("outlet_list", DataType.VARCHAR, max_length=TEXT_BYTES)
    schema.add_field("published_at", DataType.VARCHAR, max_length=64)
    schema.add_field("day", DataType.VARCHAR, max_length=16)
    schema.add_field("url", DataType.VARCHAR, max_length=SHORT_BYTES)
    schema.add_field("fingerprint", DataType.VARCHAR, max_length=64)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(
        Function(
            name="terms_bm25",
            function_type=FunctionType.BM25,
            input_field_names=["terms"],
            output_field_names=["sparse"],
        )
    )
    indexes = client.prepare_index_params()
    indexes.add_index("vector", index_type="AUTOINDEX", metric_type="IP")
    indexes.add_index(
        "sparse",
        index_type="SPARSE_INVERTED_INDEX",
        metric_type="BM25",
        params={"bm25_k1": BM25_K1, "bm25_b": BM25_B},
    )
    return schema, indexes


def _entity(row: ChunkRow) -> dict[str, Any]:
    chunk = row.chunk
    published = chunk.published_at or ""
    return {
        "chunk_id": int(chunk.chunk_id),
        "article_id": chunk.article_id,
        "position": int(chunk.position),
        "start": int(chunk.start),
        "end": int(chunk.end),
        "text": _cut(chunk.text, TEXT_BYTES),
        "title": _cut(chunk.title, SHORT_BYTES),
        "source": _cut(chunk.source or "", 512),
        "outlets": [_cut(o, 512) for o in chunk.outlets[:OUTLETS]],
        "outlet_list": _cut(outlet_list(chunk.source or "", chunk.outlets), TEXT_BYTES),
        "published_at": published,
        "day": published[:10],
        "url": _cut(chunk.url or "", SHORT_BYTES),
        "terms": _cut(row.terms, TEXT_BYTES),
        "fingerprint": row.fingerprint,
        "vector": np.asarray(row.vector, dtype=np.float32).tolist(),
    }


def _stored(row: dict[str, Any]) -> StoredChunk:
    return StoredChunk(
        chunk_id=int(row["chunk_id"]),
        article_id=row["article_id"],
        position=int(row["position"]),
        text=row["text"],
        start=int(row["start"]),
        end=int(row["end"]),
        title=row["title"],
        source=row["source"],
        published_at=row["published_at"] or None,
        url=row["url"] or None,
        outlets=tuple(row["outlets"] or ()),
    )


def _cut(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-8 bytes (Milvus counts VARCHAR length in bytes)."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", errors="ignore")
