"""The index folder's manifest: format version, model, store placement, counts, checksums."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
DATABASE = "newsqa.sqlite"


class IndexUnavailable(RuntimeError):
    """The index is missing, damaged, or was built with other settings."""


@dataclass(frozen=True)
class Manifest:
    """What an index was built with; a mismatch with the running settings is an error."""

    format_version: int
    model: str
    dimension: int
    vector_layout: str  # the FAISS version and index type (see index/vectors.py `describe`)
    chunk_tokens: int
    chunk_overlap: int
    articles: int
    chunks: int
    built_at: str
    checksums: dict[str, str] = field(default_factory=dict)
    # how the vectors were made; indexes from before this field were made by torch fp32
    embedding_backend: str = "torch-fp32"
    vector_index: str = "flat"  # "flat" (exact) or "ivf" (approximate, see index/vectors.py)
    # where questions are searched: "embedded" (this folder) or "milvus" (chunks mirrored into
    # the collection below, at a milvus-lite path or a server address)
    store: str = "embedded"
    milvus_uri: str = ""
    milvus_collection: str = ""

    @classmethod
    def read(cls, index_dir: Path) -> Manifest:
        path = index_dir / MANIFEST
        if not path.exists():
            raise IndexUnavailable(
                f"no index in the folder '{index_dir}' (it has no {MANIFEST}); build one with "
                f"`newsqa build PATH... --index {index_dir}`"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**_renamed(data))
        except (json.JSONDecodeError, TypeError) as exc:
            raise IndexUnavailable(
                f"{path} is damaged ({exc}); rebuild with `newsqa build PATH... --index {index_dir}`"
            ) from exc


RENAMED = {"backend": "vector_layout"}  # keys of older manifests: their names now


def _renamed(data: Any) -> Any:
    """A manifest's keys as this newsqa names them (older ones called the layout `backend`)."""
    if not isinstance(data, dict):
        return data
    return {RENAMED.get(key, key): value for key, value in data.items()}


def identity(index_dir: Path) -> tuple[int, int] | None:
    """Which manifest file is in place (inode, mtime): it changes with every swap."""
    try:
        info = (index_dir / MANIFEST).stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


def sha256_of(path: Path) -> str:
    """The file's sha256, as the manifest records it."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


EMBEDDED = "embedded"
MILVUS = "milvus"
STORES = (EMBEDDED, MILVUS)


@dataclass(frozen=True)
class StorePlacement:
    """Where an index's chunks are searched; recorded in its manifest (all but the token)
    at every write. `stores.placement.new_placement` makes one from the settings."""

    kind: str = EMBEDDED
    milvus_uri: str = ""
    milvus_collection: str = ""
    milvus_token: str = ""  # credentials stay in settings / the environment

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
