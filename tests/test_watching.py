"""`newsqa watch`: a file dropped into a watched folder becomes answerable; one still being
written is read only once complete."""

from __future__ import annotations

import json
from pathlib import Path

from newsqa.api import NewsQA
from newsqa.config import Settings
from newsqa.embedding import Embedder
from newsqa.watching import FolderWatch


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _line(title: str, body: str) -> str:
    return json.dumps({"title": title, "body": body, "source": "Wire"}) + "\n"


def test_dropped_file_becomes_answerable_and_half_written_waits(
    tmp_path: Path, embedder: Embedder
) -> None:
    settings = Settings(index_dir=tmp_path / "index")
    qa = NewsQA(settings, embedder)
    qa.rebuild([_write(tmp_path / "base.jsonl", _line("Harbour opens", "The harbour opened."))])
    drop = tmp_path / "drop"
    drop.mkdir()
    clock = Clock()
    watch = FolderWatch(qa, [drop], settle=1.0, clock=clock)

    dropped = _line("City zoo names twin pandas", "The zoo named its twin pandas Mei and Lan.")
    second = _line("Marathon moves", "The marathon route moves to the waterfront promenade.")
    growing = drop / "news.jsonl"
    growing.write_text(dropped + second[:25])  # the writer is half-way through line two
    assert watch.poll() is None  # first sight: wait for it to settle
    clock.now += 0.5
    with growing.open("a") as handle:
        handle.write(second[25:])  # still growing: the clock starts again
    clock.now += 0.8
    assert watch.poll() is None
    assert qa.store.catalogue.article_count() == 1
    clock.now += 2.0
    report = watch.poll()
    assert report is not None and report.added == 2 and not report.rejected
    answer = qa.ask("What did the zoo name its twin pandas?")
    assert "Mei and Lan" in answer.text and answer.citations
    clock.now += 5
    assert watch.poll() is None  # unchanged: not read again
    growing.write_text(dropped)  # edited: read again once settled
    watch.poll()
    clock.now += 2.0
    assert watch.poll() is not None


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
