"""A messy archive, generated here (never committed): every bad file is refused by name with
its reason and leaves the index as it was; every file that can be read is indexed."""

from __future__ import annotations

import gzip
import json
import random
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsqa.api import NewsQA
from newsqa.articles import make_article
from newsqa.cli import app
from newsqa.config import Settings
from newsqa.embedding import Embedder
from newsqa.index.manifest import MANIFEST

PARAGRAPH = (
    "<p>The harbour authority said the new crane would double cargo capacity by next "
    "spring, according to officials.</p>"
)
# file → words its rejection reason must contain
REFUSED = {
    "empty.txt": "file is empty",
    "whitespace.txt": "file is empty",
    "binary.txt": "binary file",
    "image.json": "binary file",
    "deep.json": "nested too deeply to read as JSON",
    "deep_object.json": "nested too deeply to read as JSON",
    "truncated.json": "malformed JSON: Unterminated string",
    "wrong_columns.csv": "no text column: expected one of body",
    "latin1.txt": "not valid UTF-8 (byte 0xe9 at offset 3)",
    "invalid_utf8.txt": "not valid UTF-8 (byte 0xff at offset 11)",
    "scripts_only.html": "no main article text",
    "iframes_only.html": "no main article text",
    "deep.html": "no main article text",
    "bomb.txt.gz": "decompresses to over the 67,108,864 byte limit",
    "not_gzip.txt.gz": "corrupt gzip file",
    "no_entries.rss": "feed has no entries",
}


def write_refused(root: Path) -> Path:
    """Files no reader can turn into an article."""
    root.mkdir(parents=True)
    rng = random.Random(15)
    (root / "empty.txt").write_bytes(b"")
    (root / "whitespace.txt").write_text("   \n\t\n  \r\n")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (root / "image.json").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + rng.randbytes(2000))
    (root / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (root / "deep_object.json").write_text('{"a":' * 50_000 + "1" + "}" * 50_000)
    (root / "truncated.json").write_text('[{"title": "Dam holds", "body": "The dam held thro')
    (root / "wrong_columns.csv").write_text("headline_x,story_y\nA,B\n")
    (root / "latin1.txt").write_bytes("Café reopens\nThe café serves crêpes.".encode("latin-1"))
    (root / "invalid_utf8.txt").write_bytes(b"Title\nBody \xff\xfe\xfd broken \xc3\x28 bytes.")
    (root / "scripts_only.html").write_text(
        "<html><head><script>alert('x')</script></head>"
        "<body><script>document.write('y')</script></body></html>"
    )
    (root / "iframes_only.html").write_text(
        "<!DOCTYPE html><html><body><iframe src='https://ads.example/a'></iframe>"
        "<iframe srcdoc='<p>hidden</p>'></iframe></body></html>"
    )
    (root / "deep.html").write_text(
        "<html><body>" + "<div>" * 20_000 + PARAGRAPH + "</div>" * 20_000 + "</body></html>"
    )
    with gzip.open(root / "bomb.txt.gz", "wb", compresslevel=1) as bomb:  # 80 MB of zeros
        for _ in range(80):
            bomb.write(bytes(1 << 20))
    (root / "not_gzip.txt.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (root / "no_entries.rss").write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>x</title></channel></rss>"
    )
    return root


def write_readable(root: Path) -> Path:
    """Awkward but readable files: each yields its articles, bad records refused by name."""
    root.mkdir(parents=True)
    (root / "utf16.txt").write_bytes(
        "Title: Ferry returns\nSource: Island Gazette\n\n"
        "The ferry returned to the island on Monday after repairs.".encode("utf-16")
    )
    (root / "embedded.csv").write_text(
        'title,body,source\n"Dam holds","The dam held.\nEngineers cheered.",River Post\n'
        '"Shifted","Too, many",Post,surplus,cells\nShort row\n',
        newline="",
    )
    blob = "x" * 3_000_000
    (root / "huge_attribute.html").write_text(
        f"<html><head><title>Crane arrives</title></head><body><div data-blob='{blob}'>"
        f"<article><h1>Crane arrives</h1>{PARAGRAPH}</article></div></body></html>"
    )
    (root / "latin1.html").write_bytes(
        "<html><head><meta charset='iso-8859-1'><title>Café reopens</title></head><body>"
        "<article><h1>Café reopens</h1><p>The café in the old town reopened on Saturday "
        "with crêpes on the menu, its owner said.</p></article></body></html>".encode("latin-1")
    )
    (root / "bad_dates.rss").write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Valley News</title>"
        "<item><title>Bridge opens</title><link>https://valley.example/bridge</link>"
        "<pubDate>not a date at all</pubDate>"
        "<description>The bridge opened to traffic on a sunny morning.</description></item>"
        "<item><title>Fair returns</title><link>https://valley.example/fair</link>"
        "<pubDate>Mon, 45 Foo 99999 25:61:61 +9999</pubDate>"
        "<description>The county fair returned after a long pause.</description></item>"
        "<item><title></title><description></description></item></channel></rss>"
    )
    return root


READABLE_TITLES = {
    "Ferry returns",
    "Dam holds",
    "Crane arrives",
    "Café reopens",
    "Bridge opens",
    "Fair returns",
}
READABLE_REFUSED = {
    "embedded.csv:row 3": "row has 5 cells, the header has 3",
    "embedded.csv:row 4": "no body text",
    "bad_dates.rss:entry 3": "no body text",
}


@pytest.fixture
def qa(tmp_path: Path, embedder: Embedder) -> NewsQA:
    qa = NewsQA(Settings(index_dir=tmp_path / "index"), embedder)
    qa.add(
        [
            make_article(
                title="Harbour bridge reopens",
                body="The harbour bridge reopened on Monday. Engineer Maria Okafor said the "
                "steel cables were replaced.",
                source="Coastal Herald",
            )
        ]
    )
    return qa


def test_every_refused_file_is_named_and_the_index_is_unchanged(qa: NewsQA, tmp_path: Path) -> None:
    folder = write_refused(tmp_path / "refused")
    index = qa.settings.index_dir
    manifest = (index / MANIFEST).read_bytes()
    started = time.perf_counter()
    report = qa.add([folder])
    assert time.perf_counter() - started < 30
    reasons = {Path(r.path).name: r.reason for r in report.rejected}
    assert set(reasons) == set(REFUSED)
    for name, words in REFUSED.items():
        assert words in reasons[name], (name, reasons[name])
    assert (report.added, report.manifest) == (0, None)
    assert (index / MANIFEST).read_bytes() == manifest
    assert qa.check().sound and qa.store.catalogue.article_count() == 1

    result = CliRunner().invoke(app, ["add", str(folder), "--strict", "--index", str(index)])
    assert result.exit_code == 1
    assert "rejected" in result.output and "bomb.txt.gz" in result.output
    assert (index / MANIFEST).read_bytes() == manifest


@pytest.mark.filterwarnings("ignore::DeprecationWarning:feedparser")  # entries with no date
def test_awkward_files_are_indexed_and_bad_records_named(qa: NewsQA, tmp_path: Path) -> None:
    folder = write_readable(tmp_path / "readable")
    report = qa.add([folder])
    reasons = {f"{Path(r.path).name}": r.reason for r in report.rejected}
    assert set(reasons) == set(READABLE_REFUSED)
    for where, words in READABLE_REFUSED.items():
        assert words in reasons[where], (where, reasons[where])
    assert report.added == len(READABLE_TITLES)
    titles = {row[0] for row in qa.store.catalogue.db.execute("SELECT title FROM articles")}
    assert titles == READABLE_TITLES | {"Harbour bridge reopens"}
    dates = dict(qa.store.catalogue.db.execute("SELECT title, published_at FROM articles"))
    assert dates["Bridge opens"] is None and dates["Fair returns"] is None  # unreadable dates
    body = qa.store.catalogue.db.execute("SELECT body FROM articles WHERE title = 'Crane arrives'")
    assert "xxxx" not in body.fetchone()[0]  # the attribute is not article text
    assert qa.check().sound
    assert "ferry returned" in qa.ask("When did the ferry return to the island?").text


def test_json_records_of_the_wrong_shape_are_named(tmp_path: Path, qa: NewsQA) -> None:
    records = [
        {"title": "Good", "body": "A good story about the council budget."},
        "just a string",
        ["a", "list"],
        {"title": "No body"},
        {"title": {"nested": True}, "body": 42},
    ]
    (tmp_path / "shapes.json").write_text(json.dumps(records))
    report = qa.add([tmp_path / "shapes.json"])
    assert report.added == 1
    assert sorted(r.path.rsplit(":", 1)[1] for r in report.rejected) == [
        "item 2",
        "item 3",
        "item 4",
        "item 5",
    ]
