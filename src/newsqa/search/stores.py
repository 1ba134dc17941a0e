"""Opening an index's store: the embedded one, or Milvus when the index was built for it."""

from __future__ import annotations

from pathlib import Path

from newsqa.config import Settings
from newsqa.index.store import Manifest
from newsqa.index.stores.milvus_store import MilvusStore
from newsqa.index.stores.placement import StorePlacement
from newsqa.index.stores.protocol import NewsStore
from newsqa.search.embedded import EmbeddedStore


def open_store(settings: Settings, model: str | None = None) -> NewsStore:
    """The store the index at `settings.index_dir` was built with (its manifest says which);
    `settings.milvus_uri` / `milvus_token` reach the same collection at another address."""
    index_dir = Path(settings.index_dir)
    placement = StorePlacement.of(
        Manifest.read(index_dir), settings.milvus_uri, settings.milvus_token
    )
    if placement.remote:
        return MilvusStore.open(index_dir, model, placement.milvus_uri, placement.milvus_token)
    return EmbeddedStore.open(index_dir, model)
