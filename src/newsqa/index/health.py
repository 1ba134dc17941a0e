"""Quick checks an index must pass before it is read or built on, and the one sentence that
reports a damaged index with the command that repairs it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from newsqa.index.manifest import (
    DATABASE,
    FORMAT_VERSION,
    MANIFEST,
    VECTORS,
    IndexUnavailable,
    Manifest,
    identity,
    sha256_of,
)
from newsqa.index.salvage import held_count

REQUIRED_TABLES = ("articles", "chunks", "chunks_fts")
CHECKED_FILES = (DATABASE, VECTORS)
SWAP_RETRIES = 5  # a writer's swap landing mid-check: check the new index instead


def checksum_problems(index_dir: Path, manifest: Manifest) -> Iterable[str]:
    """Each index file that is missing or changed since the manifest was written."""
    for name in CHECKED_FILES:
        path = index_dir / name
        expected = manifest.checksums.get(name) if isinstance(manifest.checksums, dict) else None
        if not path.is_file():
            yield f"{name}: the file is missing"
        elif not expected:
            yield f"{name}: {MANIFEST} records no checksum for it"
        elif sha256_of(path) != expected:
            yield (
                f"{name}: checksum does not match {MANIFEST} (the file was changed or damaged "
                "after the index was written)"
            )


def catalogue_problems(db: sqlite3.Connection) -> list[str]:
    """The catalogue's tables are all there and its full-text table answers (a few
    milliseconds; raises sqlite3.Error when the file is no database at all)."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [name for name in REQUIRED_TABLES if name not in tables]
    if missing:
        return [f"{DATABASE} has no {' or '.join(missing)} table"]
    try:
        db.execute("SELECT rowid FROM chunks_fts LIMIT 1").fetchall()
    except sqlite3.Error as exc:
        return [f"{DATABASE}: the full-text table cannot be read ({exc})"]
    return []


def repair_advice(index_dir: Path) -> str:
    """The command that repairs the index: `repair` while its catalogue holds the articles,
    else a rebuild from the article files."""
    held = held_count(index_dir)
    if held:
        articles = "article" if held == 1 else "articles"
        return (
            f"`newsqa repair --index {index_dir}` rebuilds it from the {held:,} {articles} "
            "it still holds"
        )
    return f"`newsqa build PATH... --index {index_dir}` rebuilds it from your article files"


def damaged(index_dir: Path, problem: str) -> IndexUnavailable:
    """The error for a damaged index: what is wrong and what repairs it, in one sentence."""
    return IndexUnavailable(
        f"index at {index_dir} is damaged: {problem}; {repair_advice(index_dir)}"
    )


def unreadable(index_dir: Path, error: sqlite3.Error) -> IndexUnavailable:
    """The error for an SQLite failure met while answering: the catalogue's fault by name
    when the quick checks find one."""
    path = Path(index_dir) / DATABASE
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            problems = catalogue_problems(db)
        finally:
            db.close()
    except sqlite3.Error:
        problems = []
    return damaged(index_dir, problems[0] if problems else f"{DATABASE} cannot be read: {error}")


def refuse_damaged(index_dir: Path) -> None:
    """Raise IndexUnavailable unless the index may be built on: written by this format,
    its files as they were written (checksums). A writer that built on a damaged index
    would stamp fresh checksums over the damage and hide it from `stats --check`.

    Hashing reads the whole index (~2.5 s per GB on a 2-core machine): files this process
    has verified and that have not changed since (same inode, size and time) are not
    hashed again, so `NewsQA.add` checking before it reads files and its writer checking
    under the lock cost one pass."""
    index_dir = Path(index_dir)
    for _ in range(SWAP_RETRIES):
        before = _signature(index_dir)
        if before is not None and _verified.get(index_dir.absolute()) == before:
            return
        manifest = Manifest.read(index_dir)
        if manifest.format_version != FORMAT_VERSION:
            raise IndexUnavailable(
                f"index at {index_dir} has format version {manifest.format_version}, this newsqa "
                f"writes version {FORMAT_VERSION}; it was left as it is: use the newsqa that "
                f"wrote it, or rebuild it with `newsqa build PATH... --index {index_dir}`"
            )
        problems = list(checksum_problems(index_dir, manifest))
        if _signature(index_dir) == before:
            break
    if problems:
        more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
        raise IndexUnavailable(
            f"index at {index_dir} is damaged: {problems[0]}{more}; it is left as it is (a "
            f"damaged index is not written to): {repair_advice(index_dir)}"
        )
    if before is not None:
        _verified[index_dir.absolute()] = before


_verified: dict[Path, tuple[object, ...]] = {}  # index folder -> files as last verified


def _signature(index_dir: Path) -> tuple[object, ...] | None:
    """The manifest in place and each checked file's inode, size and modification time."""
    try:
        stats = [(index_dir / name).stat() for name in CHECKED_FILES]
    except OSError:
        return None
    files = tuple((s.st_ino, s.st_size, s.st_mtime_ns) for s in stats)
    return (identity(index_dir), *files)
