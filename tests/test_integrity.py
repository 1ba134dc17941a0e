"""`newsqa stats --check` / `NewsQA.check()`: a sound index passes; each kind of damage is
found, named, and comes with the command that rebuilds; no damage crashes the reader."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsqa.api import NewsQA
from newsqa.cli import app
from newsqa.config import Settings
from newsqa.index.manifest import DATABASE, MANIFEST, VECTORS, IndexUnavailable, sha256_of

runner = CliRunner()


@pytest.fixture
def index(sample_index: Path, tmp_path: Path) -> Path:
    """A private copy of the sample index that a test may damage."""
    copy = tmp_path / "index"
    shutil.copytree(sample_index, copy)
    return copy


def _check(index: Path, **settings: object) -> list[str]:
    return list(NewsQA(Settings(index_dir=index, **settings)).check().problems)  # type: ignore[arg-type]


def _edit_manifest(index: Path, **changes: object) -> None:
    path = index / MANIFEST
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def _restamp(index: Path) -> None:
    """Record the current file checksums, as if the damage happened before the write."""
    _edit_manifest(index, checksums={n: sha256_of(index / n) for n in (DATABASE, VECTORS)})


def _sql(index: Path, statement: str) -> None:
    db = sqlite3.connect(index / DATABASE)
    db.execute(statement)
    db.commit()
    db.close()


def test_the_manifest_names_the_vector_layout_and_an_older_one_still_opens(index: Path) -> None:
    data = json.loads((index / MANIFEST).read_text())
    layout = data["vector_layout"]
    assert "backend" not in data and layout.startswith("faiss-")  # not the embedding backend
    data["backend"] = data.pop("vector_layout")  # as indexes built before the rename say it
    (index / MANIFEST).write_text(json.dumps(data))
    qa = NewsQA(Settings(index_dir=index))
    assert qa.store.manifest.vector_layout == layout
    assert qa.check().sound
    assert not qa.ask("Who attended the Victory Day parade in Moscow?").abstained


def test_sound_index_passes_with_exit_0(index: Path) -> None:
    report = NewsQA(Settings(index_dir=index)).check()
    assert report.sound and report.problems == () and report.articles == 1 and report.chunks > 0
    result = runner.invoke(app, ["stats", "--check", "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "is sound" in result.output


def test_changed_database_file_fails_its_checksum(index: Path) -> None:
    with (index / DATABASE).open("ab") as handle:
        handle.write(b"\0" * 16)
    problems = _check(index)
    assert problems == [
        f"{DATABASE}: checksum does not match {MANIFEST} (the file was changed or damaged "
        "after the index was written)"
    ]
    result = runner.invoke(app, ["stats", "--check", "--index", str(index)])
    assert result.exit_code == 1
    assert "checksum does not match" in result.output
    assert f"newsqa build PATH... --index {index}" in result.output


def test_truncated_vectors_are_named_and_the_reader_does_not_crash(index: Path) -> None:
    data = (index / VECTORS).read_bytes()
    (index / VECTORS).write_bytes(data[: len(data) // 2])
    problems = _check(index)
    assert any(p.startswith(f"{VECTORS}: checksum does not match") for p in problems)
    assert any(p.startswith(f"{VECTORS}: cannot be read, it is truncated") for p in problems)
    with pytest.raises(IndexUnavailable, match="damaged"):
        NewsQA.open(index)
    result = runner.invoke(app, ["ask", "What happened?", "--index", str(index)])
    assert result.exit_code == 2 and "damaged" in result.output


def test_deleted_chunk_row_is_found_even_with_matching_checksums(index: Path) -> None:
    _sql(index, "DELETE FROM chunks WHERE chunk_id = (SELECT MIN(chunk_id) FROM chunks)")
    assert any(p.startswith(f"{DATABASE}: checksum does not match") for p in _check(index))
    _restamp(index)
    problems = _check(index)
    assert "1 vectors in FAISS have no matching chunks in SQLite (e.g. id 0)" in problems
    assert "1 rows in the FTS5 table have no matching chunks in SQLite (e.g. id 0)" in problems
    assert any("chunks, manifest.json says" in p for p in problems)


def test_deleted_article_row_leaves_orphan_chunks(index: Path) -> None:
    _sql(index, "DELETE FROM articles")
    _restamp(index)
    problems = _check(index)
    assert any("chunk(s) belong to no stored article" in p for p in problems)
    assert f"{DATABASE}: holds 0 articles, {MANIFEST} says 1" in problems


def test_edited_chunk_text_is_not_verbatim(index: Path) -> None:
    _sql(index, "UPDATE chunks SET text = 'Invented words.' WHERE chunk_id = 0")
    _restamp(index)
    assert any("not verbatim at their offsets" in p for p in _check(index))


def test_garbage_database_is_named(index: Path) -> None:
    (index / DATABASE).write_bytes(b"this is not a database" * 100)
    _restamp(index)
    assert any(p.startswith(f"{DATABASE}: cannot be read") for p in _check(index))
    with pytest.raises(IndexUnavailable):
        NewsQA.open(index)


def test_other_model_is_named_with_the_rebuild_command(index: Path) -> None:
    report = NewsQA(Settings(index_dir=index, model="my-org/other-model")).check()
    assert report.problems == (
        f"{MANIFEST}: built with model 'all-MiniLM-L6-v2', not 'my-org/other-model'",
    )
    assert report.repair == (
        f"rebuild it with `newsqa build PATH... --model my-org/other-model --index {index}`"
    )
    _edit_manifest(index, model="my-org/other-model", dimension=768)
    assert f"{VECTORS}: vectors have 384 dimensions, {MANIFEST} says 768 (model " in (
        " ".join(_check(index))
    )


def test_other_format_version_is_named(index: Path) -> None:
    _edit_manifest(index, format_version=99)
    assert _check(index) == [f"{MANIFEST}: format version 99, this newsqa reads version 1"]
    result = runner.invoke(app, ["stats", "--check", "--json", "--index", str(index)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["sound"] is False and "newsqa build" in report["repair"]


def test_damaged_or_missing_manifest_is_named(index: Path, tmp_path: Path) -> None:
    (index / MANIFEST).write_text("{not json")
    assert "is damaged" in _check(index)[0]
    assert f"no index in the folder '{tmp_path / 'nowhere'}'" in _check(tmp_path / "nowhere")[0]


def test_leftover_staging_folder_is_a_note_not_a_fault(index: Path) -> None:
    (index.parent / ".index.building-abc123").mkdir()
    report = NewsQA(Settings(index_dir=index)).check()
    assert report.sound
    assert report.notes == (
        ".index.building-abc123: left by an interrupted write; the next build, add or remove "
        "clears it",
    )
