"""Keeping the index current: idempotent adds, edits re-embed only their chunks, removal,
and one story per wire copy with every outlet recorded."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from newsqa.api import NewsQA
from newsqa.articles import make_article
from newsqa.cli import app
from newsqa.config import Settings
from newsqa.embedding import Embedder
from newsqa.index.manifest import MANIFEST
from newsqa.index.reader import IndexReader
from test_formats import EXPECTED, write_mixed_folder


class Counter:
    """Counts the texts sent to the embedding model."""

    def __init__(self) -> None:
        self.texts = 0


@pytest.fixture
def counted(embedder: Embedder, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter]:
    counter = Counter()
    original = embedder.encode

    def encode(texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        counter.texts += len(texts)
        return original(texts, batch_size=batch_size)

    monkeypatch.setattr(embedder, "encode", encode)
    yield counter


def _chunk_ids(store: IndexReader) -> dict[str, set[int]]:
    ids: dict[str, set[int]] = {}
    for article_id, chunk_id in store.db.execute("SELECT article_id, chunk_id FROM chunks"):
        ids.setdefault(article_id, set()).add(chunk_id)
    return ids


def test_same_folder_twice_changes_nothing_and_embeds_nothing(
    tmp_path: Path, embedder: Embedder, counted: Counter
) -> None:
    folder = write_mixed_folder(tmp_path / "archive")
    qa = NewsQA(Settings(index_dir=tmp_path / "index"), embedder)
    first = qa.add([folder])
    assert first.added == len(EXPECTED) and counted.texts == first.embedded > 0
    manifest = (tmp_path / "index" / MANIFEST).read_bytes()

    counted.texts = 0
    second = qa.add([folder])
    assert counted.texts == 0 and second.embedded == 0
    assert (second.added, second.updated, second.unchanged) == (0, 0, len(EXPECTED))
    assert (tmp_path / "index" / MANIFEST).read_bytes() == manifest  # no new index swapped in
    assert len(second.rejected) == len(first.rejected) > 0


def test_edit_reembeds_only_that_articles_chunks(
    tmp_path: Path, embedder: Embedder, counted: Counter
) -> None:
    folder = write_mixed_folder(tmp_path / "archive")
    qa = NewsQA(Settings(index_dir=tmp_path / "index"), embedder)
    qa.add([folder])
    before = _chunk_ids(qa.store.catalogue)
    ferry = folder / "ferry.txt"
    ferry.write_text(
        ferry.read_text().replace("Captain Rhys Morgan", "Harbour master Ola Nordmann")
        + "Tickets cost twelve euros. " * 40
    )
    counted.texts = 0
    report = qa.add([folder])
    after = _chunk_ids(qa.store.catalogue)
    [changed] = [a for a in after if after[a] != before.get(a)]
    assert (report.updated, report.added, report.unchanged) == (1, 0, len(EXPECTED) - 1)
    assert counted.texts == report.embedded == len(after[changed])
    assert {a: ids for a, ids in after.items() if a != changed} == {
        a: ids for a, ids in before.items() if a != changed
    }  # every other article keeps its chunks and vectors
    assert qa.store.catalogue.vectors.ntotal == sum(len(ids) for ids in after.values())
    print(f"\nedit re-embedded {counted.texts} of {sum(map(len, after.values()))} chunks")
    answer = qa.ask("Who said bookings for the island ferry were already full for Easter?")
    assert "Ola Nordmann" in answer.text and "Rhys Morgan" not in answer.text


def test_remove_by_url_makes_it_unanswerable(tmp_path: Path, embedder: Embedder) -> None:
    folder = write_mixed_folder(tmp_path / "archive")
    qa = NewsQA(Settings(index_dir=tmp_path / "index"), embedder)
    qa.add([folder])
    question = "Who called the airport tram line the largest transit project in decades?"
    assert "Ines Duarte" in qa.ask(question).text
    report = qa.remove(["https://metro.example/tram?utm_source=newsletter"])
    assert report.removed == 1 and report.articles == len(EXPECTED) - 1
    answer = qa.ask(question)
    assert "Ines Duarte" not in answer.text
    assert all(c.url != "https://metro.example/tram" for c in answer.citations)
    assert qa.store.catalogue.lexical_search('"duarte"', 5) == []
    assert qa.remove(["https://metro.example/tram"]).not_found == ["https://metro.example/tram"]


WIRE = (
    "Scientists in Norway have found a new species of deep-sea coral off the coast near Bergen. "
    "The coral was discovered at a depth of 1,200 metres by a remotely operated submarine. "
    "Marine biologist Ingrid Solberg said the find showed how little is known about the deep ocean. "
    "The team collected samples that will be studied at the university over the coming year. "
    "Fishing in the area has been restricted while the reef is mapped."
)


def _outlet_copies() -> list[dict[str, str]]:
    return [
        {
            "title": "New deep-sea coral found off Norway",
            "body": WIRE,
            "source": "Nordic Wire",
            "published_at": "2024-05-10T08:00:00Z",
            "url": "https://nordicwire.example/coral",
        },
        {
            "title": "Deep-sea coral species discovered near Bergen",
            "body": "BERGEN (Nordic Wire) - " + WIRE,
            "source": "Coastal Herald",
            "published_at": "2024-05-10T09:30:00Z",
            "url": "https://coastal.example/science/coral",
        },
        {
            "title": "Norway: new coral species",
            "body": WIRE + " Reporting by Nordic Wire.",
            "source": "Daily Planet",
            "published_at": "2024-05-10T11:00:00Z",
            "url": "https://planet.example/coral",
        },
    ]


def test_three_outlets_one_story_cited_once(tmp_path: Path, embedder: Embedder) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    copies = _outlet_copies()
    (archive / "wire.json").write_text(json.dumps(copies[:2]))
    (archive / "other.json").write_text(json.dumps({"title": "Unrelated", "body": "Rain fell."}))
    qa = NewsQA(Settings(index_dir=tmp_path / "index"), embedder)
    assert (qa.add([archive]).syndicated, qa.store.catalogue.article_count()) == (1, 2)
    (archive / "planet.json").write_text(json.dumps(copies[2]))
    report = qa.add([archive])  # the third outlet arrives in a later add
    assert (report.syndicated, report.added, report.unchanged) == (1, 0, 3)
    assert qa.store.catalogue.article_count() == 2

    answer = qa.ask("Who said the deep-sea coral find showed how little is known about the ocean?")
    assert "Ingrid Solberg" in answer.text
    assert answer.text.count("Ingrid Solberg") == 1
    assert {c.n for c in answer.citations} == {1}
    outlets = ("Nordic Wire", "Coastal Herald", "Daily Planet")
    assert answer.citations[0].outlets == outlets
    assert "Nordic Wire, Coastal Herald, Daily Planet" in answer.sources_text()
    story = qa.store.catalogue.article(answer.citations[0].article_id)
    assert story is not None
    assert [(o.source, o.url, o.published_at) for o in story.syndication] == [
        ("Coastal Herald", "https://coastal.example/science/coral", "2024-05-10T09:30:00+00:00"),
        ("Daily Planet", "https://planet.example/coral", "2024-05-10T11:00:00+00:00"),
    ]
    # withdrawing one outlet's copy drops only that outlet
    qa.remove(["https://planet.example/coral"])
    assert qa.store.catalogue.article(story.article_id).outlets == outlets[:2]  # type: ignore[union-attr]


def test_different_stories_stay_apart_and_exact_copies_are_skipped(
    tmp_path: Path, embedder: Embedder
) -> None:
    qa = NewsQA(Settings(index_dir=tmp_path / "index"), embedder)
    original = make_article(title="Coral", body=WIRE, source="Nordic Wire")
    rewrite = make_article(
        title="Coral, rewritten",
        body=WIRE.replace("Scientists in Norway have found", "Norwegian researchers discovered")
        .replace("little is known", "much remains unknown")
        .replace("collected samples", "brought back specimens"),
        source="Science Daily",
    )
    report = qa.add([original, original, rewrite])
    assert (report.added, report.duplicates, report.syndicated) == (2, 1, 0)


runner = CliRunner()


@pytest.mark.model  # the command embeds with the bundled model
def test_cli_add_remove_strict_and_summary(tmp_path: Path) -> None:
    folder = write_mixed_folder(tmp_path / "archive")
    index = str(tmp_path / "index")
    result = runner.invoke(app, ["add", str(folder), "--index", index])
    assert result.exit_code == 0, result.output
    assert "nocolumn.csv" in result.output and "no text column" in result.output
    assert f"indexed {len(EXPECTED)} articles" in result.output

    result = runner.invoke(app, ["add", str(folder), "--index", index, "--strict"])
    assert result.exit_code == 1  # rejections fail a strict run …
    assert "unchanged" in result.output and "(no changes)" in result.output
    stats = json.loads(runner.invoke(app, ["stats", "--json", "--index", index]).stdout)
    assert stats["articles"] == len(EXPECTED)  # … and nothing indexed is lost

    result = runner.invoke(app, ["remove", "https://gazette.example/ferry", "--index", index])
    assert result.exit_code == 0 and "removed 1" in result.output
    result = runner.invoke(app, ["remove", "https://nowhere.example/x", "--index", index])
    assert result.exit_code == 1 and "not found" in result.output


@pytest.mark.model  # the command embeds with the bundled model
def test_csv_column_mapping(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        "heading;story_text;when\nRates held;The bank held rates at 5%. Markets rose.;2024-03-01\n"
    )
    index = str(tmp_path / "index")
    result = runner.invoke(app, ["add", str(tmp_path / "export.csv"), "--index", index])
    assert result.exit_code == 0 and "no text column" in result.output
    result = runner.invoke(
        app,
        [
            "add",
            str(tmp_path / "export.csv"),
            "--index",
            index,
            "--column",
            "body=story_text",
            "--column",
            "title=heading",
            "--column",
            "published_at=when",
        ],
    )
    assert result.exit_code == 0, result.output
    store = IndexReader.open(index)
    assert store.db.execute("SELECT title, published_at FROM articles").fetchall() == [
        ("Rates held", "2024-03-01T00:00:00+00:00")
    ]
