"""A damaged index met by every face: `ask`, `serve`, `add` and `stats` say what is wrong and
what repairs it in one line (exit status 2, no traceback); writers refuse to build on it and
leave it as it was; `newsqa repair` rebuilds it from the articles it still holds."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsqa.api import NewsQA
from newsqa.cli import app
from newsqa.config import Settings
from newsqa.embedding import Embedder
from newsqa.index.manifest import DATABASE, MANIFEST, VECTORS, IndexUnavailable
from newsqa.ui.conversation import Conversation
from page_server import free_port

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
QUESTION = "Who attended the Victory Day parade in Moscow?"


def _drop_fts(index: Path) -> None:
    db = sqlite3.connect(index / DATABASE)
    db.execute("DROP TABLE chunks_fts")
    db.commit()
    db.close()


def _cut_vectors(index: Path) -> None:
    data = (index / VECTORS).read_bytes()
    (index / VECTORS).write_bytes(data[: len(data) // 2])


def _format_99(index: Path) -> None:
    manifest = json.loads((index / MANIFEST).read_text())
    (index / MANIFEST).write_text(json.dumps({**manifest, "format_version": 99}))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "full-text table dropped": _drop_fts,
    "vectors cut short": _cut_vectors,
    "unknown format 99": _format_99,
}


def _copy(sample_index: Path, tmp_path: Path) -> Path:
    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    return index


def _files(index: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(index.iterdir()) if p.is_file()}


def _newsqa(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real command in a fresh process, as a user at a terminal runs it."""
    env = os.environ | {"PYTHONPATH": str(ROOT / "src"), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "newsqa", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=ROOT,
    )


@pytest.mark.parametrize("damage", DAMAGE)
def test_every_command_names_the_damage_in_one_line(
    damage: str, sample_index: Path, tmp_path: Path
) -> None:
    index = _copy(sample_index, tmp_path)
    DAMAGE[damage](index)
    before = _files(index)
    article = tmp_path / "harbour.txt"
    article.write_text("The harbour reopened on Friday after repairs, the council said.")
    commands = {
        "ask": ["ask", QUESTION],
        "stats": ["stats"],
        "add": ["add", str(article)],
        "serve": ["serve", "--port", str(free_port())],  # must stop at start-up
    }
    for name, args in commands.items():
        result = _newsqa(*args, "--index", str(index), timeout=90)
        said = (result.stdout + result.stderr).strip().splitlines()
        assert result.returncode == 2, (name, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr and len(said) <= 3, (name, said)
        assert said[-1].startswith("error: index at "), (name, said)
        assert "`newsqa repair --index" in said[-1] or "`newsqa build PATH..." in said[-1]
    assert _files(index) == before  # `add` wrote nothing


def test_add_refuses_an_index_whose_files_changed_and_keeps_the_evidence(
    sample_index: Path, tmp_path: Path
) -> None:
    index = _copy(sample_index, tmp_path)
    db = sqlite3.connect(index / DATABASE)
    db.execute("DELETE FROM chunks WHERE chunk_id = (SELECT MIN(chunk_id) FROM chunks)")
    db.commit()
    db.close()
    before = _files(index)
    problems = NewsQA(Settings(index_dir=index)).check().problems
    article = tmp_path / "harbour.txt"
    article.write_text("The harbour reopened on Friday after repairs, the council said.")
    result = runner.invoke(app, ["add", str(article), "--index", str(index)])
    assert result.exit_code == 2, result.output
    assert "checksum does not match" in result.output and "newsqa repair --index" in result.output
    with pytest.raises(IndexUnavailable, match="is left as it is"):
        NewsQA(Settings(index_dir=index)).remove(["anything"])
    assert _files(index) == before
    assert NewsQA(Settings(index_dir=index)).check().problems == problems  # still found


def test_a_table_dropped_under_a_running_page_is_an_answer_not_a_crash(
    sample_index: Path, tmp_path: Path, embedder: Embedder
) -> None:
    index = _copy(sample_index, tmp_path)
    qa = NewsQA(Settings(index_dir=index), embedder)
    assert not qa.ask(QUESTION).abstained
    _drop_fts(index)  # in place, under the open index (words already asked are kept)
    other = "Which drone attacks disrupted the week?"
    with pytest.raises(IndexUnavailable, match="no chunks_fts table") as error:
        qa.ask(other)
    assert f"`newsqa repair --index {index}`" in str(error.value)
    [turn] = Conversation(qa).ask(other, [])
    assert turn.answer is None and turn.error.startswith(f"Could not ask: index at {index}")


def _stories(tmp_path: Path) -> Path:
    parade = (
        "Troops marched through the square on Friday as the city marked the anniversary. "
        "Veterans watched from a stand near the river, and the mayor laid a wreath at noon. "
        "Thousands of residents lined the streets to see the parade pass."
    )
    records = [
        {"title": "Parade marks anniversary", "body": parade, "source": "City Herald",
         "url": "https://herald.example/parade"},
        {"title": "Parade marks anniversary", "body": parade + " Police closed two roads.",
         "source": "Valley Wire", "url": "https://wire.example/parade"},
        {"title": "Library opens", "body": "The new library opened on Monday with 40,000 "
         "books. Children queued for the reading room.", "source": "City Herald",
         "url": "https://herald.example/library"},
    ]  # fmt: skip
    path = tmp_path / "stories.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.mark.parametrize("damage", DAMAGE)
def test_repair_rebuilds_a_sound_index_with_the_same_articles(
    damage: str, tmp_path: Path, embedder: Embedder
) -> None:
    index = tmp_path / "index"
    qa = NewsQA(Settings(index_dir=index), embedder)
    built = qa.rebuild([_stories(tmp_path)])
    assert built.syndicated == 1  # the wire copy is recorded on the herald's story
    held = NewsQA.open(index).store.catalogue
    stored, outlets = held.stored_ids(), held.outlet_names()
    answer = qa.ask("Who laid a wreath at the parade?").text
    DAMAGE[damage](index)

    result = runner.invoke(app, ["repair", "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert NewsQA(Settings(index_dir=index)).check().sound
    repaired = NewsQA.open(index)
    assert repaired.store.catalogue.stored_ids() == stored
    assert repaired.store.catalogue.outlet_names() == outlets
    assert repaired.ask("Who laid a wreath at the parade?").text == answer
    assert (
        runner.invoke(app, ["add", str(_stories(tmp_path)), "--index", str(index)]).exit_code == 0
    )


def test_repair_without_readable_articles_names_the_rebuild_from_files(
    sample_index: Path, tmp_path: Path
) -> None:
    index = _copy(sample_index, tmp_path)
    (index / DATABASE).write_bytes(b"this is not a database" * 100)
    before = _files(index)
    result = runner.invoke(app, ["repair", "--index", str(index)])
    assert result.exit_code == 2
    assert "cannot repair the index" in result.output
    assert f"newsqa build PATH... --index {index}" in " ".join(result.output.split())
    assert _files(index) == before
