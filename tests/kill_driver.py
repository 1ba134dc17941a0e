"""Runs `newsqa build|add` (the CLI) with the hashed-words embedder and SIGKILLs itself just
before its Nth write step, counted across file copies, SQLite writes, FAISS and manifest
writes, fsyncs, renames and removals.

usage: python kill_driver.py STEP (0: never) [--no-exchange] newsqa-arguments...
With --no-exchange the swap takes the two-rename path used where renameat2 is missing.
Prints `steps=N` when it was not killed.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import signal
import sys
from collections.abc import Callable
from typing import Any

import faiss

import newsqa.api
from hashed_embedder import HashedEmbedder
from newsqa.cli import app
from newsqa.index import staging
from newsqa.index.writer import IndexWriter

WRITE_STEPS: list[tuple[Any, str]] = [
    (os, "replace"),
    (os, "fsync"),
    (shutil, "copy2"),
    (shutil, "rmtree"),
    (faiss, "write_index"),
    (pathlib.Path, "write_text"),
    (staging, "_rename_exchange"),
    (IndexWriter, "put_article"),
    (IndexWriter, "remove_chunks"),
    (IndexWriter, "add_chunks"),
    (IndexWriter, "commit"),
]
count = 0


def counted(original: Callable[..., Any], kill_at: int) -> Callable[..., Any]:
    def step(*args: Any, **kwargs: Any) -> Any:
        global count
        count += 1
        if count == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)

    return step


def main(argv: list[str]) -> None:
    kill_at = int(argv[0])
    args = argv[1:]
    if args and args[0] == "--no-exchange":
        args = args[1:]
        staging._rename_exchange = lambda a, b: False  # type: ignore[assignment]
    for owner, name in WRITE_STEPS:
        setattr(owner, name, counted(getattr(owner, name), kill_at))
    newsqa.api.make_embedder = HashedEmbedder  # type: ignore[assignment]
    try:
        app(args, standalone_mode=False)
    finally:
        print(f"steps={count}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
