"""Input limits (bytes per file, characters per article and per title, outlet, author and
link, articles per file, sentence length, question length): each is configurable by env `NEWSQA_MAX_*`, hit here, and named when hit;
no input costs more than linear time."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsqa.api import NewsQA
from newsqa.articles import make_article
from newsqa.build.chunking import Chunker
from newsqa.build.settings import ChunkingSettings
from newsqa.build.updates import make_chunker
from newsqa.cli import app
from newsqa.config import Settings
from newsqa.embedding import Embedder
from newsqa.index.manifest import MANIFEST
from newsqa.ingest import IngestLimits, load_paths
from newsqa.text.sentences import MAX_SENTENCE_CHARS, split_sentences


def _limits(monkeypatch: pytest.MonkeyPatch, **env: int) -> IngestLimits:
    for name, value in env.items():
        monkeypatch.setenv(f"NEWSQA_{name.upper()}", str(value))
    return IngestLimits.from_settings(Settings.from_env())


def test_bytes_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "long.txt").write_text("Long read\n" + "The council met again. " * 100)
    report = load_paths([tmp_path], limits=_limits(monkeypatch, max_file_bytes=1000))
    assert report.articles == []
    assert report.rejected[0].path.endswith("long.txt")
    assert report.rejected[0].reason == "file is 2,310 bytes, over the 1,000 byte limit"


def test_characters_per_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stories = [
        {"title": "Short", "body": "The ferry runs again."},
        {"title": "Long", "body": "The council met again. " * 30},
    ]
    (tmp_path / "two.json").write_text(json.dumps(stories))
    report = load_paths([tmp_path], limits=_limits(monkeypatch, max_article_chars=500))
    assert [a.title for a in report.articles] == ["Short"]
    (rejected,) = report.rejected
    assert rejected.path == f"{tmp_path / 'two.json'}:item 2"
    assert rejected.reason == (
        "article body is 689 characters, over the limit of 500 (NEWSQA_MAX_ARTICLE_CHARS); "
        "split it into separate articles or raise the limit"
    )


def test_articles_given_to_add_obey_the_character_limit(tmp_path: Path, embedder: Embedder) -> None:
    qa = NewsQA(Settings(index_dir=tmp_path / "index", max_article_chars=100), embedder)
    qa.add([make_article(title="Short", body="The ferry runs again.")])
    report = qa.add([make_article(title="Long", body="The council met again. " * 10)])
    assert report.added == 0 and report.manifest is None and report.articles == 1
    assert "over the limit of 100 (NEWSQA_MAX_ARTICLE_CHARS)" in report.rejected[0].reason


def test_twelve_megabyte_title_is_refused_by_name(tmp_path: Path, embedder: Embedder) -> None:
    """It used to be indexed: the page grew to 55 MB and each answer citing it to 22.8 MB."""
    qa = NewsQA(Settings(index_dir=tmp_path / "index"), embedder)
    qa.add([make_article(title="Ferry", body="The ferry runs again.")])
    manifest = (tmp_path / "index" / MANIFEST).read_bytes()
    huge = [{"title": "T" * 12_000_000, "body": "The council met on Monday.", "source": "Wire"}]
    (tmp_path / "huge.json").write_text(json.dumps(huge))
    report = qa.add([tmp_path / "huge.json"])
    assert (report.added, report.manifest, report.articles) == (0, None, 1)
    (rejected,) = report.rejected
    assert rejected.path == str(tmp_path / "huge.json")
    assert rejected.reason == (
        "article title is 12,000,000 characters, over the limit of 1,000 "
        "(NEWSQA_MAX_TITLE_CHARS); shorten it or raise the limit"
    )
    assert (tmp_path / "index" / MANIFEST).read_bytes() == manifest


@pytest.mark.parametrize(
    ("field", "value", "setting", "message"),
    [
        ("source", "Harbour Times", "max_source_chars", "article outlet is 13 characters"),
        ("author", "Maria Okafor", "max_author_chars", "article author is 12 characters"),
        ("url", "https://x.example/a", "max_url_chars", "article url is 19 characters"),
    ],
)
def test_outlet_author_and_link_limits(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    field: str,
    value: str,
    setting: str,
    message: str,
) -> None:
    stories = [
        {"title": "Short", "body": "The ferry runs again."},
        {"title": "Long", "body": "The council met again.", field: value},
    ]
    (tmp_path / "two.json").write_text(json.dumps(stories))
    report = load_paths([tmp_path], limits=_limits(monkeypatch, **{setting: 10}))
    assert [a.title for a in report.articles] == ["Short"]
    (rejected,) = report.rejected
    assert rejected.reason == (
        f"{message}, over the limit of 10 (NEWSQA_{setting.upper()}); shorten it or raise the limit"
    )


def test_fifty_megabyte_wall_of_text_is_refused_quickly(tmp_path: Path) -> None:
    """One line of nine million words: refused by name in seconds (it used to run for
    minutes and take 1.4 GB)."""
    wall = tmp_path / "wall.txt"
    wall.write_bytes(b"word " * 10_000_000)
    started = time.perf_counter()
    report = load_paths([wall])
    elapsed = time.perf_counter() - started
    assert report.articles == []
    assert "article body is 49,999,999 characters, over the limit of 1,000,000" in (
        report.rejected[0].reason
    )
    assert elapsed < 30, f"took {elapsed:.1f} s"


def test_articles_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [json.dumps({"title": f"Story {n}", "body": f"Story {n} happened."}) for n in range(4)]
    (tmp_path / "many.jsonl").write_text("\n".join(lines))
    report = load_paths([tmp_path], limits=_limits(monkeypatch, max_articles_per_file=3))
    assert report.articles == []  # the whole file is refused, not its first three
    assert report.rejected[0].reason == (
        "file holds 4 articles, over the limit of 3 per file (NEWSQA_MAX_ARTICLES_PER_FILE); "
        "split the file or raise the limit"
    )


def test_unpunctuated_wall_is_cut_into_verbatim_windows() -> None:
    text = "word " * 200_000  # a million characters without a sentence end
    started = time.perf_counter()
    spans = split_sentences(text)
    assert time.perf_counter() - started < 5
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in spans)
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert sum(s.text.count("word") for s in spans) == 200_000  # no word lost or cut
    assert all(not s.text.startswith(" ") and s.text.endswith("word") for s in spans)


def test_long_punctuation_runs_take_linear_time() -> None:
    """Runs of dots with no space after them were quadratic (40,000 dots took 18 s)."""
    text = "It went on" + "." * 300_000 + "and on" + "?!" * 100_000 + " The end."
    started = time.perf_counter()
    spans = split_sentences(text, max_chars=10_000_000)
    assert time.perf_counter() - started < 2
    assert [s.text for s in spans] == [text[: -len(" The end.")], "The end."]


def test_sentence_window_is_configurable(
    monkeypatch: pytest.MonkeyPatch, embedder: Embedder
) -> None:
    monkeypatch.setenv("NEWSQA_MAX_SENTENCE_CHARS", "300")
    chunker = make_chunker(ChunkingSettings.from_settings(Settings.from_env()), embedder)
    assert chunker.max_sentence_chars == 300
    article = make_article(title="Wall", body="word " * 2_000)
    chunks = Chunker(max_tokens=200, max_sentence_chars=300).chunk(article)
    assert all(c.tokens <= 200 for c in chunks)
    assert all(article.body[c.start : c.end] == c.text for c in chunks)
    assert chunks[0].start == 0 and chunks[-1].end == len(article.body)


def test_question_length(
    sample_index: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    qa = NewsQA(Settings(index_dir=sample_index), embedder)
    started = time.perf_counter()
    with pytest.raises(
        ValueError,
        match=r"the question is 102,400 characters, over the limit of 2,000 \(NEWSQA_MAX_QUESTION_CHARS\)",
    ):
        qa.ask("why " * 25_600)
    assert time.perf_counter() - started < 1
    monkeypatch.setenv("NEWSQA_MAX_QUESTION_CHARS", "40")
    result = CliRunner().invoke(
        app, ["ask", "What did the minister say about the harbour?", "--index", str(sample_index)]
    )
    assert result.exit_code == 2
    assert "over the limit of 40" in result.output


def test_a_question_in_bytes_is_refused_clearly(sample_index: Path, embedder: Embedder) -> None:
    """It used to raise a bare TypeError from deep inside text normalisation."""
    qa = NewsQA(Settings(index_dir=sample_index), embedder)
    with pytest.raises(TypeError, match=r"the question must be a str, not bytes \(decode it"):
        qa.ask(b"Who attended the parade?")  # type: ignore[arg-type]


@pytest.mark.parametrize("question", ["", "   \n\t ", "\x00\x07\x1b\x7f"])
def test_empty_question_is_refused(sample_index: Path, embedder: Embedder, question: str) -> None:
    with pytest.raises(ValueError, match="the question is empty"):
        NewsQA(Settings(index_dir=sample_index), embedder).ask(question)


def test_control_characters_are_dropped_from_a_question(
    sample_index: Path, embedder: Embedder
) -> None:
    qa = NewsQA(Settings(index_dir=sample_index), embedder)
    plain = qa.ask("What did the minister announce?")
    noisy = qa.ask("\x00What did\x1b[31m the\x07 minister\u200b announce?\x7f\r\n")
    assert noisy.question == "What did the minister announce?"  # the colour sequence whole
    assert noisy.citations or noisy.abstained
    assert plain.abstained == noisy.abstained
