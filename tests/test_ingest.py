"""Ingestion: the sample layout, JSON shapes, and clear rejections of bad files."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from newsqa.ingest import load_paths
from newsqa.sample import sample_paths


def test_sample_article_layout() -> None:
    report = load_paths(sample_paths())
    assert not report.rejected
    [article] = report.articles
    assert article.title == "Realpolitik 2.0: Uniting for a Post-Western World"
    assert article.summary and article.summary.startswith("Xi and Putin affirm")
    assert article.body.startswith("MOSCOW - A grand display of unity")


def test_json_list_object_and_jsonl(tmp_path: Path) -> None:
    record = {
        "title": "Rates held",
        "text": "The central bank held rates at 5%. Markets rallied.",
        "source": {"name": "Example Wire"},
        "publishedAt": "2024-03-01T12:00:00Z",
        "link": "https://example.com/rates?utm_source=feed",
    }
    (tmp_path / "list.json").write_text(
        json.dumps([record, record | {"link": "https://example.com/b"}])
    )
    (tmp_path / "wrapped.json").write_text(
        json.dumps({"articles": [record | {"link": "https://example.com/c"}]})
    )
    (tmp_path / "lines.jsonl").write_text(
        json.dumps(record | {"link": "https://example.com/d"}) + "\n"
    )
    report = load_paths([tmp_path])
    assert not report.rejected
    assert len(report.articles) == 4
    urls = {a.url for a in report.articles}
    assert urls == {f"https://example.com/{x}" for x in ("rates", "b", "c", "d")}
    first = next(a for a in report.articles if a.url == "https://example.com/rates")
    assert first.source == "Example Wire"
    assert first.published_at == "2024-03-01T12:00:00+00:00"


def test_header_block_text(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Title: Port strike ends\nSource: Harbour Times\nDate: 2 May 2024\nURL: https://ht.example/strike\n\n"
        "Dock workers returned on Thursday. The deal raises pay by 6%.\n"
    )
    [article] = load_paths([tmp_path]).articles
    assert (article.title, article.source, article.published_at) == (
        "Port strike ends",
        "Harbour Times",
        "2024-05-02T00:00:00+00:00",
    )


def test_bad_files_are_reported_by_name_and_good_ones_kept(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Headline here\nBody sentence one. Body sentence two.\n")
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (tmp_path / "broken.json").write_text('{"title": "x", "body": ')
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 opens\nIt serves cr\xeapes.".encode("latin-1"))
    (tmp_path / "nobody.json").write_text(json.dumps({"title": "Only a title"}))
    with gzip.open(tmp_path / "zipped.txt.gz", "wt") as handle:
        handle.write("Zipped headline\nThe zipped body is read transparently.\n")
    report = load_paths([tmp_path])
    titles = sorted(a.title for a in report.articles)
    assert titles == ["Headline here", "Zipped headline"]
    reasons = {Path(r.path).name: r.reason for r in report.rejected}
    assert set(reasons) == {"empty.txt", "binary.txt", "broken.json", "latin1.txt", "nobody.json"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "malformed JSON" in reasons["broken.json"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "no body" in reasons["nobody.json"]


def test_missing_path_is_reported(tmp_path: Path) -> None:
    report = load_paths([tmp_path / "nope.json"])
    assert report.rejected and "no such file" in report.rejected[0].reason


def test_declared_charset_and_format_by_content(tmp_path: Path) -> None:
    page = (
        "<html><head><meta charset='windows-1252'><title>Caf\xe9 opens</title></head><body>"
        "<article><p>The caf\xe9 on the square serves cr\xeapes and co\xefncidences daily.</p>"
        "<p>Owner Ren\xe9e Dupont opened it on Friday.</p></article></body></html>"
    )
    (tmp_path / "page.dat.html").write_bytes(page.encode("cp1252"))
    (tmp_path / "feed.xml").write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Wire</title><item>"
        "<title>Entry</title><description>Only a summary here.</description></item>"
        "<item><title>Empty entry</title></item></channel></rss>"
    )
    report = load_paths([tmp_path])
    bodies = {a.title: a.body for a in report.articles}
    assert "Renée Dupont" in bodies["Café opens"]
    assert bodies["Entry"] == "Only a summary here." and len(report.articles) == 2
    [rejected] = report.rejected
    assert rejected.path.endswith("feed.xml:entry 2") and "no content or summary" in rejected.reason


NEWS_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Harbour bridge reopens after repairs | Coast Herald</title>
<meta property="og:title" content="Harbour bridge reopens after repairs">
<meta property="og:site_name" content="Coast Herald">
<meta property="article:published_time" content="2024-06-03T07:45:00+02:00">
<link rel="canonical" href="https://coastherald.example/bridge?utm_campaign=x">
<script>var ad = "AD-SCRIPT";</script></head><body>
<nav><a href="/">Home</a> | <a href="/local">Local</a></nav>
<article><h1>Harbour bridge reopens after repairs</h1>
<p>The harbour bridge reopened to traffic on Monday after eight months of repairs.</p>
<p>Engineer Marta Silva said the new deck should last fifty years.</p>
<p>Ferries that ran during the closure will stop on Friday, the port authority said.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""


def test_html_page_is_read_with_trafilatura(tmp_path: Path) -> None:
    (tmp_path / "bridge.html").write_text(NEWS_PAGE)
    report = load_paths([tmp_path])
    assert not report.rejected, report.rejected
    [article] = report.articles
    assert article.title == "Harbour bridge reopens after repairs"
    assert article.source == "Coast Herald"
    assert article.published_at == "2024-06-03T05:45:00+00:00"
    assert article.url == "https://coastherald.example/bridge"
    assert "reopened to traffic on Monday" in article.body
    assert "Marta Silva said the new deck" in article.body
    for furniture in ("AD-SCRIPT", "Subscribe", "Home |"):
        assert furniture not in article.body


def test_missing_html_reader_is_a_per_file_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "bridge.html").write_text(NEWS_PAGE)
    (tmp_path / "note.txt").write_text("Ferry timetable\nThe ferry leaves at nine every day.")
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as if the package were missing
    report = load_paths([tmp_path])
    assert [a.title for a in report.articles] == ["Ferry timetable"]
    [rejection] = report.rejected
    assert rejection.path.endswith("bridge.html")
    assert "html reader cannot run" in rejection.reason
    assert "trafilatura" in rejection.reason
