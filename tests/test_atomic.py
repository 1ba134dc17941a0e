"""Atomic writes: a killed build leaves the old index answering; readers never see an error."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsqa.api import NewsQA
from newsqa.articles import Article, make_article
from newsqa.cli import app
from newsqa.config import Settings
from newsqa.embedding import Embedder
from newsqa.index.manifest import MANIFEST
from newsqa.index.staging import IndexBusy, waiting_for_writers, writer_lock
from word_salad import word_salad

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Who replaced the steel cables of the harbour bridge?"


def _bridge() -> Article:
    return make_article(
        title="Harbour bridge reopens after repairs",
        body="The harbour bridge reopened on Monday after eight months of repairs. "
        "Engineer Maria Okafor said the steel cables were replaced. Tolls stay at two dollars.",
        source="Coastal Herald",
        url="https://coastal.example/bridge",
        published_at="2024-04-08",
    )


def _generated(count: int, seed: int) -> list[dict[str, str]]:
    """Distinct synthetic stories (random word salads never match as the same story)."""
    rng = random.Random(seed)
    stories = []
    for n in range(count):
        stories.append(
            {
                "title": f"Generated story {seed}-{n}",
                "body": word_salad(rng),
                "source": "Test Wire",
                "url": f"https://wire.example/{seed}/{n}",
            }
        )
    return stories


def _snapshot(qa: NewsQA) -> dict[str, object]:
    answer = qa.ask(QUESTION).to_dict()
    return {"text": answer["text"], "citations": answer["citations"]}


def test_killed_build_leaves_previous_index_answering(tmp_path: Path, embedder: Embedder) -> None:
    index = tmp_path / "index"
    qa = NewsQA(Settings(index_dir=index), embedder)
    qa.add([_bridge()])
    before = _snapshot(qa)
    assert "Maria Okafor" in str(before["text"])
    manifest = (index / MANIFEST).read_bytes()

    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "many.json").write_text(json.dumps(_generated(240, seed=1)))
    env = os.environ | {"PYTHONPATH": str(ROOT / "src"), "NEWSQA_TORCH_THREADS": "1"}
    build = subprocess.Popen(
        [sys.executable, "-m", "newsqa", "build", str(folder), "--index", str(index)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".index.building-*")):
        assert build.poll() is None and time.monotonic() < deadline, "build never started staging"
        time.sleep(0.02)
    time.sleep(1.0)  # well into chunking and embedding
    build.send_signal(signal.SIGKILL)
    assert build.wait() == -signal.SIGKILL
    assert list(tmp_path.glob(".index.building-*")), "the kill should leave its staging behind"

    assert (index / MANIFEST).read_bytes() == manifest
    reopened = NewsQA(Settings(index_dir=index), embedder)
    assert _snapshot(reopened) == before
    assert reopened.store.catalogue.article_count() == 1

    report = reopened.add([make_article(title="Later", body="A later story arrived.")])
    assert report.added == 1 and report.articles == 2
    assert not list(tmp_path.glob(".index.building-*"))  # the next writer clears the junk
    assert _snapshot(reopened) == before


def test_failed_write_keeps_index_and_cleans_up(
    tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "index"
    qa = NewsQA(Settings(index_dir=index), embedder)
    qa.add([_bridge()])
    before = _snapshot(qa)

    def crash(staging: Path, index_dir: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("newsqa.index.writer.swap_into_place", crash)
    with pytest.raises(OSError, match="disk full"):
        qa.add([make_article(title="Extra", body="An extra story that never lands.")])
    assert _snapshot(qa) == before and qa.store.catalogue.article_count() == 1
    assert not list(tmp_path.glob(".index.building-*"))


def test_reader_keeps_answering_through_rebuilds_and_adds(
    tmp_path: Path, embedder: Embedder
) -> None:
    index = tmp_path / "index"
    writer = NewsQA(Settings(index_dir=index), embedder)
    writer.add([_bridge(), *(make_article(**s) for s in _generated(20, seed=2))])
    reader = NewsQA(Settings(index_dir=index), embedder)
    errors: list[BaseException] = []
    answers: list[str] = []
    seen_indexes: set[str] = set()
    stop = threading.Event()

    def ask_in_a_loop() -> None:
        while not stop.is_set():
            try:
                answers.append(reader.ask(QUESTION).text)
                seen_indexes.add(json.dumps(reader.store.manifest.checksums))
            except BaseException as exc:  # any error at all fails the test
                errors.append(exc)

    thread = threading.Thread(target=ask_in_a_loop)
    thread.start()
    try:
        for seed in (3, 4):
            writer.add([make_article(**s) for s in _generated(15, seed=seed)])
        writer.remove([f"https://wire.example/3/{n}" for n in range(5)])
        rebuilt = tmp_path / "rebuild.json"
        stories = [_bridge().to_dict(), *_generated(10, seed=5)]
        rebuilt.write_text(json.dumps(stories))
        writer.rebuild([rebuilt])
        writer.add(
            [
                make_article(
                    title="Ferry strike ends",
                    body="The ferry strike ended on Friday. Union leader Tariq Aziz signed the deal.",
                    source="Island Gazette",
                )
            ]
        )
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(answers) >= 5 and all("Maria Okafor" in text for text in answers)
    assert len(seen_indexes) >= 3  # the reader really moved through successive indexes
    assert "Tariq Aziz" in reader.ask("Who signed the deal that ended the ferry strike?").text
    assert reader.store.catalogue.article_count() == 12


def test_second_writer_waits_for_the_first(tmp_path: Path, embedder: Embedder) -> None:
    index = tmp_path / "index"
    qa = NewsQA(Settings(index_dir=index), embedder)
    qa.add([_bridge()])
    done = threading.Event()

    def add() -> None:
        qa.add([make_article(title="Queued", body="This story waited for the lock.")])
        done.set()

    with writer_lock(index.absolute()):
        thread = threading.Thread(target=add)
        thread.start()
        assert not done.wait(0.5)  # blocked while another writer holds the index
    thread.join(timeout=30)
    assert done.is_set() and qa.store.catalogue.article_count() == 2


def test_a_writer_that_may_wait_only_so_long_says_so_and_gives_up(
    tmp_path: Path, embedder: Embedder
) -> None:
    index = tmp_path / "index"
    qa = NewsQA(Settings(index_dir=index), embedder)
    qa.add([_bridge()])
    manifest = (index / MANIFEST).read_bytes()
    notes: list[str] = []
    raised: list[BaseException] = []

    def add() -> None:
        with waiting_for_writers(0.6, notes.append):
            try:
                qa.add([make_article(title="Queued", body="This story waited for the lock.")])
            except IndexBusy as exc:
                raised.append(exc)

    with writer_lock(index.absolute()):
        started = time.perf_counter()
        thread = threading.Thread(target=add)
        thread.start()
        thread.join(timeout=20)
        waited = time.perf_counter() - started
        assert not thread.is_alive(), "the writer never gave up"
    assert 0.5 < waited < 20
    assert len(raised) == 1 and "for over 0.6 s, so nothing was added" in str(raised[0])
    assert notes == [
        f"waiting for another writer (a build, add or remove) on {index.absolute()}; "
        "giving up after 0.6 s…"
    ]
    assert (index / MANIFEST).read_bytes() == manifest


@pytest.mark.model
@pytest.mark.parametrize("kind", ["folder", "link", "dangling link"])
def test_lock_path_that_is_not_a_plain_file_is_refused_clearly(tmp_path: Path, kind: str) -> None:
    """A folder at the lock path gave a traceback; a link was followed and its target made."""
    index = tmp_path / "index"
    lock = tmp_path / ".index.lock"
    target = tmp_path / "elsewhere" / "victim"
    if kind == "folder":
        lock.mkdir()
    else:
        target.parent.mkdir()
        if kind == "link":
            target.write_text("keep me")
        lock.symlink_to(target)
    story = tmp_path / "story.txt"
    story.write_text("Ferry returns\nThe ferry returned to the island on Monday.")
    result = CliRunner().invoke(app, ["add", str(story), "--index", str(index)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert lines and str(lock) in " ".join(result.output.split())
    expected = "is a folder, not a file" if kind == "folder" else "is a symbolic link"
    assert expected in " ".join(result.output.split())
    assert f"rm -r {lock}" in " ".join(result.output.split())
    if kind == "link":
        assert target.read_text() == "keep me"
    else:
        assert not target.exists()
    assert not index.exists()
