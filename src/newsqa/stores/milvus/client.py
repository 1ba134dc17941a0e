"""Connecting to Milvus: milvus-lite for a local `.db` path, a server or cluster for `http(s)://`.

pymilvus is an optional extra; without it the user gets one line naming the install command.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Any

from newsqa.index.manifest import IndexUnavailable

INSTALL = "pip install 'newsqa[milvus]'"


class MilvusMissing(IndexUnavailable):
    """The Milvus store was asked for, but the milvus extra is not installed."""


_clients: dict[tuple[str, str], Any] = {}
_clients_lock = threading.Lock()


def is_local(uri: str) -> bool:
    """A milvus-lite file (a path), rather than a server address."""
    return "://" not in uri


def lite_uri(index_dir: Path) -> str:
    """Where a build keeps its milvus-lite data when no `--milvus-uri` is given: beside the
    index folder (not inside it: the folder is swapped whole on every write)."""
    folder = Path(index_dir).absolute()
    return str(folder.parent / f"{folder.name}.milvus.db")


def require_milvus(uri: str = "") -> None:
    """Raise `MilvusMissing` (one line, with the install command) when the extra is absent."""
    needed = ["pymilvus"] + (["milvus_lite"] if is_local(uri) else [])
    missing = [name for name in needed if importlib.util.find_spec(name) is None]
    if missing:
        raise MilvusMissing(
            f"the Milvus store needs {' and '.join(missing)}, which is not installed: {INSTALL}"
        )


def milvus_client(uri: str, token: str = "") -> Any:
    """One shared `MilvusClient` per address (milvus-lite runs one server per file)."""
    require_milvus(uri)
    from pymilvus import MilvusClient

    key = (uri, token)
    with _clients_lock:
        if key not in _clients:
            if is_local(uri):
                Path(uri).parent.mkdir(parents=True, exist_ok=True)
            _clients[key] = MilvusClient(uri=uri, token=token)
        return _clients[key]
