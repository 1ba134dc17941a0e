"""A new build's store, from the settings, and the mirror that keeps a remote store in step."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsqa.config import Settings
from newsqa.index.manifest import EMBEDDED, MILVUS, STORES, Manifest, StorePlacement
from newsqa.stores.milvus.client import lite_uri, require_milvus


@dataclass(frozen=True)
class StoreSettings:
    """The store section of the settings: where a new build's chunks are searched
    (env `NEWSQA_STORE`, `NEWSQA_MILVUS_*`), and the token that signs in to Milvus."""

    store: str = Settings.store
    milvus_uri: str = Settings.milvus_uri
    milvus_token: str = Settings.milvus_token
    milvus_collection: str = Settings.milvus_collection

    @classmethod
    def from_settings(cls, settings: Settings) -> StoreSettings:
        return cls(
            settings.store, settings.milvus_uri, settings.milvus_token, settings.milvus_collection
        )


def new_placement(stores: StoreSettings, index_dir: Path) -> StorePlacement:
    """A new build's store for the index at `index_dir`; ValueError for an unknown one,
    `MilvusMissing` (one line with the install command) when Milvus is asked for without
    its extra."""
    kind = (stores.store or EMBEDDED).strip().lower()
    if kind not in STORES:
        raise ValueError(f"unknown store {stores.store!r}: use one of {', '.join(STORES)}")
    if kind == EMBEDDED:
        return StorePlacement()
    uri = stores.milvus_uri or lite_uri(index_dir)
    if "://" not in uri:
        uri = str(Path(uri).absolute())
    require_milvus(uri)
    return StorePlacement(MILVUS, uri, stores.milvus_collection, stores.milvus_token)


def mirror_chunks(index_dir: Path, manifest: Manifest, placement: StorePlacement) -> None:
    """After a write (still under the writer lock): a remote store gets the folder's chunks."""
    if placement.remote:
        from newsqa.stores.milvus.sync import sync_milvus

        sync_milvus(index_dir, manifest, placement)
