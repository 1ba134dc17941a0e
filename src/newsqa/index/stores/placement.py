"""StorePlacement: which store an index's chunks are searched in, as settings and manifest say."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsqa.config import Settings
from newsqa.index.store import Manifest
from newsqa.index.stores.milvus_client import lite_uri, require_milvus

EMBEDDED = "embedded"
MILVUS = "milvus"
STORES = (EMBEDDED, MILVUS)


@dataclass(frozen=True)
class StorePlacement:
    """The store of one index; recorded in its manifest (all but the token) at every write."""

    kind: str = EMBEDDED
    milvus_uri: str = ""
    milvus_collection: str = ""
    milvus_token: str = ""  # credentials stay in settings / the environment

    @classmethod
    def from_settings(cls, settings: Settings) -> StorePlacement:
        """A new build's store; ValueError for an unknown one, `MilvusMissing` (one line with
        the install command) when Milvus is asked for without its extra."""
        kind = (settings.store or EMBEDDED).strip().lower()
        if kind not in STORES:
            raise ValueError(f"unknown store {settings.store!r}: use one of {', '.join(STORES)}")
        if kind == EMBEDDED:
            return cls()
        uri = settings.milvus_uri or lite_uri(settings.index_dir)
        if "://" not in uri:
            uri = str(Path(uri).absolute())
        require_milvus(uri)
        return cls(MILVUS, uri, settings.milvus_collection, settings.milvus_token)

    @classmethod
    def of(cls, manifest: Manifest, uri: str = "", token: str = "") -> StorePlacement:
        """The store an existing index was built with; `uri` may point it at another address
        (the same collection served elsewhere), `token` signs in."""
        if manifest.store != MILVUS:
            return cls()
        return cls(MILVUS, uri or manifest.milvus_uri, manifest.milvus_collection, token)

    @property
    def remote(self) -> bool:
        return self.kind == MILVUS
