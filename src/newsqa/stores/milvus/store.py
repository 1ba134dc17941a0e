"""MilvusChunkSearch: an index's chunks searched in a Milvus collection (dense + BM25, filtered
before ranking); the catalogue stays the index folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from newsqa.index.manifest import IndexUnavailable, Manifest
from newsqa.index.reader import StoredChunk
from newsqa.stores.milvus.chunks import MilvusChunks
from newsqa.stores.milvus.client import milvus_client
from newsqa.stores.milvus.search import MilvusQueries, MilvusSearch
from newsqa.stores.protocol import Prefetched
from newsqa.stores.scope import LEXICAL_POOL


class MilvusChunkSearch:
    """A `ChunkSearch` over the Milvus collection an index was built for."""

    def __init__(self, chunks: MilvusChunks) -> None:
        self.collection = chunks
        self.queries = MilvusQueries(chunks)

    @classmethod
    def open(
        cls, index_dir: Path, manifest: Manifest, uri: str = "", token: str = ""
    ) -> MilvusChunkSearch:
        """The collection of `manifest`; `uri` (settings) overrides the address recorded at
        build time."""
        address = uri or manifest.milvus_uri
        chunks = MilvusChunks(
            milvus_client(address, token), manifest.milvus_collection, manifest.dimension, address
        )
        if not chunks.exists():
            raise IndexUnavailable(
                f"Milvus at {address} has no collection {manifest.milvus_collection!r}; rebuild "
                f"with `newsqa build PATH... --store milvus --index {index_dir}`"
            )
        chunks.ensure()
        return cls(chunks)

    def prefetch(self, matches: Sequence[str]) -> Prefetched:
        return {m: self.queries.bm25(m, LEXICAL_POOL, "") for m in matches}

    def question_search(self, vector: np.ndarray, prefetched: Prefetched) -> MilvusSearch:
        return MilvusSearch(self.queries, vector, dict(prefetched))

    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, StoredChunk]:
        return self.collection.stored(chunk_ids)

    def close(self) -> None:
        """The Milvus client is shared per address and stays open."""
