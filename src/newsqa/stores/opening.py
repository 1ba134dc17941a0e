"""Opening an index's store: its folder as the catalogue, its chunks searched in memory or in
Milvus, as its manifest says."""

from __future__ import annotations

from pathlib import Path

from newsqa.config import Settings
from newsqa.index.manifest import Manifest, StorePlacement
from newsqa.index.reader import IndexReader
from newsqa.stores.embedded.store import EmbeddedChunks
from newsqa.stores.protocol import NewsStore


def open_store(settings: Settings, model: str | None = None) -> NewsStore:
    """The store the index at `settings.index_dir` was built with (its manifest says which);
    `settings.milvus_uri` / `milvus_token` reach the same collection at another address."""
    index_dir = Path(settings.index_dir)
    placement = StorePlacement.of(
        Manifest.read(index_dir), settings.milvus_uri, settings.milvus_token
    )
    if not placement.remote:
        reader = IndexReader.open(index_dir, model)
        return NewsStore(reader, EmbeddedChunks(reader))
    from newsqa.stores.milvus.store import MilvusChunkSearch

    reader = IndexReader.open(index_dir, model, load_vectors=False)
    try:
        search = MilvusChunkSearch.open(
            index_dir, reader.manifest, placement.milvus_uri, placement.milvus_token
        )
    except BaseException:
        reader.close()
        raise
    return NewsStore(reader, search)
