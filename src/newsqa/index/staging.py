"""Atomic index folders: a writer lock, sibling staging folders, fsync, and the final swap."""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newsqa.index.manifest import IndexUnavailable

INDEX_FILES = ("manifest.json", "vectors.faiss", "newsqa.sqlite")
_POLL_SECONDS = 0.2


class WriterLockError(IndexUnavailable):
    """The writer lock's path is not a plain file newsqa may open (a folder, a link, ...)."""


class IndexBusy(IndexUnavailable):
    """Another writer held the index for longer than this writer was willing to wait."""


@dataclass(frozen=True)
class LockWait:
    """How a writer waits for another one: at most `limit` seconds (None: as long as it
    takes), telling `notify` once that it is waiting (None: a line on stderr)."""

    limit: float | None = None
    notify: Callable[[str], object] | None = None


_held = threading.local()  # lock paths this thread holds, with how often it took each
_lock_wait: contextvars.ContextVar[LockWait | None] = contextvars.ContextVar(
    "newsqa_lock_wait", default=None
)


@contextlib.contextmanager
def waiting_for_writers(limit: float | None, notify: Callable[[str], object]) -> Iterator[None]:
    """Writers started inside this block wait at most `limit` seconds for the lock, saying so
    (the chat page's uploads: a person is watching, and a silent wait looks like a hang)."""
    token = _lock_wait.set(LockWait(limit, notify))
    try:
        yield
    finally:
        _lock_wait.reset(token)


def lock_path_of(index_dir: Path) -> Path:
    """The writer lock of an index folder: a sibling `.NAME.lock` file."""
    return index_dir.parent / f".{index_dir.name}.lock"


@contextlib.contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """One writer per index folder at a time (a `flock` on a sibling `.NAME.lock` file).

    The lock file is opened without following a symbolic link and must be a plain file:
    anything else is refused with `WriterLockError` naming the path and what to do. A thread
    that holds the lock may take it again (the chat page saves its uploads and adds them
    under one lock), and releases it when it leaves the outermost block.
    """
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = lock_path_of(index_dir)
    held: dict[str, int] = _held.__dict__.setdefault("paths", {})
    key = os.path.abspath(lock_path)
    if held.get(key):
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    fd = _open_lock_file(lock_path)
    try:
        _acquire(fd, index_dir, _lock_wait.get() or LockWait())
        held[key] = 1
        try:
            yield
        finally:
            del held[key]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _open_lock_file(lock_path: Path) -> int:
    """The lock file opened for locking; created when missing, never through a link."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    remove = f"remove it (`rm -r {lock_path}`) and run the command again; newsqa makes it anew"
    try:
        fd = os.open(lock_path, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP or lock_path.is_symlink():
            raise WriterLockError(
                f"the writer lock {lock_path} is a symbolic link, which newsqa does not "
                f"follow; {remove}"
            ) from exc
        if exc.errno == errno.EISDIR:
            raise WriterLockError(
                f"the writer lock {lock_path} is a folder, not a file; {remove}"
            ) from exc
        raise WriterLockError(
            f"cannot open the writer lock {lock_path}: {exc.strerror or exc}; check the "
            f"folder's permissions, or {remove}"
        ) from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise WriterLockError(f"the writer lock {lock_path} is not a plain file; {remove}")
    return fd


def _acquire(fd: int, index_dir: Path, wait: LockWait) -> None:
    """Take the lock at once, or say that another writer holds it and wait for it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    if wait.limit is None:
        message = f"waiting for another newsqa writer on {index_dir}…"
    else:
        message = (
            f"waiting for another writer (a build, add or remove) on {index_dir}; "
            f"giving up after {wait.limit:g} s…"
        )
    if wait.notify is None:
        print(message, file=sys.stderr)
    else:
        wait.notify(message)
    if wait.limit is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + wait.limit
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise IndexBusy(
                    f"another newsqa writer (a build, add or remove) held the index at "
                    f"{index_dir} for over {wait.limit:g} s, so nothing was added; try again "
                    "when it has finished"
                ) from None
            time.sleep(_POLL_SECONDS)


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
