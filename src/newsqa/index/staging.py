"""Atomic index folders: a writer lock, sibling staging folders, fsync, and the final swap."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

INDEX_FILES = ("manifest.json", "vectors.faiss", "newsqa.sqlite")


@contextlib.contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """One writer per index folder at a time (a `flock` on a sibling `.NAME.lock` file)."""
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = index_dir.parent / f".{index_dir.name}.lock"
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another newsqa writer on {index_dir}…", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_stale(index_dir: Path) -> list[Path]:
    """Staging folders left by a killed writer; call only while holding the writer lock.

    A writer killed between the two renames of a swap without `renameat2` leaves no index
    folder, only the retired one: that previous index is put back first.
    """
    retired = retired_indexes(index_dir)
    if retired and not index_dir.exists():
        os.replace(retired[-1], index_dir)
        _fsync_dir(index_dir.parent)
    stale = [
        p
        for pattern in (f".{index_dir.name}.building-*", f".{index_dir.name}.retired-*")
        for p in index_dir.parent.glob(pattern)
    ]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale


def retired_indexes(index_dir: Path) -> list[Path]:
    """Previous indexes moved aside by a two-rename swap, oldest first."""
    found = index_dir.parent.glob(f".{index_dir.name}.retired-*")
    return sorted((p for p in found if p.is_dir()), key=lambda p: p.stat().st_mtime_ns)


def new_staging(index_dir: Path, copy_current: bool) -> Path:
    """A sibling temp folder holding the user's extra files and folders (such as the chat
    page's uploads, hard-linked, not copied), plus the current index if asked."""
    staging = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.building-", dir=index_dir.parent))
    if index_dir.is_dir():
        for item in index_dir.iterdir():
            if item.name.startswith(".") or item.is_symlink():
                continue
            if item.is_dir():
                shutil.copytree(item, staging / item.name, copy_function=_link_or_copy)
            elif copy_current or item.name not in INDEX_FILES:
                shutil.copy2(item, staging / item.name)
    return staging


def _link_or_copy(source: str, target: str) -> None:
    """A hard link where the file system allows one (same folder tree), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def fsync_tree(folder: Path) -> None:
    for item in folder.iterdir():
        if item.is_dir():
            fsync_tree(item)
            continue
        with item.open("rb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(folder)


def swap_into_place(staging: Path, index_dir: Path) -> None:
    """Atomic exchange of the two folders where the OS allows it, else two quick renames."""
    if index_dir.exists() and _rename_exchange(staging, index_dir):
        _fsync_dir(index_dir.parent)
        return  # staging now holds the old index and is removed by the caller
    if index_dir.exists():
        retired = index_dir.with_name(f".{index_dir.name}.retired-{os.getpid()}")
        os.replace(index_dir, retired)
        os.replace(staging, index_dir)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, index_dir)
    _fsync_dir(index_dir.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _rename_exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0
