"""Integrity check of an index folder: checksums, FAISS ids == chunk ids, FTS rows, articles
(a Milvus collection is compared with the folder by `stores.checking.check_store`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import faiss

from newsqa.index.health import checksum_problems
from newsqa.index.manifest import (
    DATABASE,
    FORMAT_VERSION,
    MANIFEST,
    VECTORS,
    IndexUnavailable,
    Manifest,
)
from newsqa.index.salvage import held_count
from newsqa.index.staging import retired_indexes
from newsqa.index.vectors import vector_ids


@dataclass(frozen=True)
class IntegrityReport:
    """What `newsqa stats --check` found: problems make the index unsound; notes do not."""

    index_dir: Path
    problems: tuple[str, ...]
    notes: tuple[str, ...] = ()
    repair: str = ""  # what to run, e.g. "rebuild it with `newsqa build PATH... --index index`"
    articles: int = 0
    chunks: int = 0

    @property
    def sound(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        return {
            "index_dir": str(self.index_dir),
            "sound": self.sound,
            "problems": list(self.problems),
            "notes": list(self.notes),
            "repair": self.repair,
            "articles": self.articles,
            "chunks": self.chunks,
        }


def check_index(index_dir: Path | str, model: str | None = None) -> IntegrityReport:
    """Verify every part of the index at `index_dir`; never raises for a damaged index.

    `model`, when given, is the embedding model the caller will query with: an index built
    with another one is reported. A remote store's collection is compared with the folder
    by `stores.checking.check_store`.
    """
    index_dir = Path(index_dir)
    notes = tuple(_leftovers(index_dir))
    rebuild = f"rebuild it with `newsqa build PATH... --index {index_dir}`"
    try:
        manifest = Manifest.read(index_dir)
    except IndexUnavailable as exc:
        problem = str(exc)
        retired = retired_indexes(index_dir)
        if retired and not index_dir.exists():
            problem = (
                f"no index in the folder '{index_dir}': a write was interrupted mid-swap and "
                f"{retired[-1].name} holds the previous index"
            )
            rebuild = f"run `newsqa add PATH... --index {index_dir}`: it puts that index back first"
        return IntegrityReport(index_dir, (problem,), notes, rebuild)
    if manifest.format_version != FORMAT_VERSION:
        problem = (
            f"{MANIFEST}: format version {manifest.format_version}, this newsqa reads "
            f"version {FORMAT_VERSION}"
        )
        return IntegrityReport(index_dir, (problem,), notes, rebuild)
    problems: list[str] = []
    if model is not None and model != manifest.model:
        problems.append(f"{MANIFEST}: built with model {manifest.model!r}, not {model!r}")
        rebuild = f"rebuild it with `newsqa build PATH... --model {model} --index {index_dir}`"
    problems.extend(checksum_problems(index_dir, manifest))
    vector_ids, vector_problems = _vector_ids(index_dir, manifest)
    problems.extend(vector_problems)
    database = _DatabaseCheck(index_dir / DATABASE)
    problems.extend(database.problems(manifest, vector_ids))
    held = held_count(index_dir)
    if problems and held and rebuild.endswith(f"`newsqa build PATH... --index {index_dir}`"):
        rebuild = (
            f"rebuild it from the {held:,} article(s) it still holds with `newsqa repair "
            f"--index {index_dir}`, or from your article files with `newsqa build PATH... "
            f"--index {index_dir}`"
        )
    return IntegrityReport(
        index_dir,
        tuple(problems),
        notes,
        rebuild if problems else "",
        database.articles,
        database.chunks,
    )


def _vector_ids(index_dir: Path, manifest: Manifest) -> tuple[set[int] | None, list[str]]:
    path = index_dir / VECTORS
    if not path.is_file():
        return None, []
    try:
        vectors = faiss.read_index(str(path))
    except RuntimeError as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else "unreadable"
        return None, [f"{VECTORS}: cannot be read, it is truncated or damaged ({reason})"]
    problems = []
    if vectors.d != manifest.dimension:
        problems.append(
            f"{VECTORS}: vectors have {vectors.d} dimensions, {MANIFEST} says "
            f"{manifest.dimension} (model {manifest.model!r})"
        )
    try:
        ids = vector_ids(vectors)  # flat: its id map; IVF: the ids in its inverted lists
    except (AttributeError, RuntimeError):
        return None, [*problems, f"{VECTORS}: holds no chunk ids (not an id-mapped index)"]
    return {int(i) for i in ids}, problems


class _DatabaseCheck:
    """The SQLite half: readable, chunk ids, FTS rows, articles, counts, verbatim offsets."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.articles = 0
        self.chunks = 0

    def problems(self, manifest: Manifest, vector_ids: set[int] | None) -> list[str]:
        if not self.path.is_file():
            return []
        try:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            return [f"{DATABASE}: cannot be opened ({exc})"]
        try:
            return self._problems(db, manifest, vector_ids)
        except sqlite3.Error as exc:
            return [f"{DATABASE}: cannot be read, it is damaged ({exc})"]
        finally:
            db.close()

    def _problems(
        self, db: sqlite3.Connection, manifest: Manifest, vector_ids: set[int] | None
    ) -> list[str]:
        verdict = [row[0] for row in db.execute("PRAGMA quick_check")]
        if verdict != ["ok"]:
            return [f"{DATABASE}: SQLite reports damage ({'; '.join(verdict[:3])})"]
        chunk_ids = {int(r[0]) for r in db.execute("SELECT chunk_id FROM chunks")}
        fts_ids = {int(r[0]) for r in db.execute("SELECT rowid FROM chunks_fts")}
        self.articles = int(db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        self.chunks = len(chunk_ids)
        problems = []
        if vector_ids is not None:
            problems.extend(
                _id_mismatch("chunks in SQLite", "vectors in FAISS", chunk_ids, vector_ids)
            )
        problems.extend(
            _id_mismatch("chunks in SQLite", "rows in the FTS5 table", chunk_ids, fts_ids)
        )
        orphans = db.execute(
            "SELECT COUNT(*), MIN(chunk_id) FROM chunks "
            "WHERE article_id NOT IN (SELECT article_id FROM articles)"
        ).fetchone()
        if orphans[0]:
            problems.append(
                f"{DATABASE}: {orphans[0]} chunk(s) belong to no stored article (e.g. chunk {orphans[1]})"
            )
        misplaced = db.execute(
            "SELECT COUNT(*), MIN(c.chunk_id) FROM chunks c JOIN articles a USING (article_id) "
            "WHERE substr(a.body, c.start + 1, c.end - c.start) != c.text"
        ).fetchone()
        if misplaced[0]:
            problems.append(
                f"{DATABASE}: {misplaced[0]} chunk(s) are not verbatim at their offsets in the "
                f"article body (e.g. chunk {misplaced[1]})"
            )
        for label, counted, recorded in (
            ("articles", self.articles, manifest.articles),
            ("chunks", self.chunks, manifest.chunks),
        ):
            if counted != recorded:
                problems.append(f"{DATABASE}: holds {counted} {label}, {MANIFEST} says {recorded}")
        return problems


def _id_mismatch(name: str, other: str, ours: set[int], theirs: set[int]) -> list[str]:
    problems = []
    missing, extra = sorted(ours - theirs), sorted(theirs - ours)
    if missing:
        problems.append(f"{len(missing)} {name} have no matching {other} (e.g. id {missing[0]})")
    if extra:
        problems.append(f"{len(extra)} {other} have no matching {name} (e.g. id {extra[0]})")
    return problems


def _leftovers(index_dir: Path) -> Iterable[str]:
    """Staging folders of an interrupted write: harmless, the next writer removes them."""
    parent = index_dir.parent
    if not parent.is_dir():
        return
    for pattern in (f".{index_dir.name}.building-*", f".{index_dir.name}.retired-*"):
        for path in sorted(parent.glob(pattern)):
            yield (
                f"{path.name}: left by an interrupted write; the next build, add or remove "
                "clears it"
            )
