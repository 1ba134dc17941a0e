"""A new build's store, from the settings, and the mirror that keeps a remote store in step."""

from __future__ import annotations

from pathlib import Path

from newsqa.config import Settings
from newsqa.index.manifest import EMBEDDED, MILVUS, STORES, Manifest, StorePlacement
from newsqa.stores.milvus.client import lite_uri, require_milvus


def new_placement(settings: Settings) -> StorePlacement:
    """A new build's store; ValueError for an unknown one, `MilvusMissing` (one line with
    the install command) when Milvus is asked for without its extra."""
    kind = (settings.store or EMBEDDED).strip().lower()
    if kind not in STORES:
        raise ValueError(f"unknown store {settings.store!r}: use one of {', '.join(STORES)}")
    if kind == EMBEDDED:
        return StorePlacement()
    uri = settings.milvus_uri or lite_uri(settings.index_dir)
    if "://" not in uri:
        uri = str(Path(uri).absolute())
    require_milvus(uri)
    return StorePlacement(MILVUS, uri, settings.milvus_collection, settings.milvus_token)


def mirror_chunks(index_dir: Path, manifest: Manifest, placement: StorePlacement) -> None:
    """After a write (still under the writer lock): a remote store gets the folder's chunks."""
    if placement.remote:
        from newsqa.stores.milvus.sync import sync_milvus

        sync_milvus(index_dir, manifest, placement)
