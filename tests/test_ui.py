"""The chat page's parts without a browser: escaping, folded quotes, marked sentences,
Markdown copies, filters, uploads (names, limits, kept across adds) and example questions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsqa.api import NewsQA
from newsqa.config import Settings
from newsqa.embedding import Embedder
from newsqa.index.manifest import MANIFEST
from newsqa.records import Answer, Citation, Passage
from newsqa.rendering import copy_markdown
from newsqa.ui import create_app, ensure_index
from newsqa.ui.bubbles import conversation_html
from newsqa.ui.conversation import Conversation, render
from newsqa.ui.examples import (
    example_questions,
    headline_names,
    question_about,
    question_from_title,
)
from newsqa.ui.source_cards import cited_paragraphs, sources_content
from newsqa.ui.turns import Filters, Turn
from newsqa.ui.upload_details import UploadDetails
from newsqa.ui.uploads import UPLOADS, Limits, add_uploads, safe_name, summary_html

HOSTILE = '<img src=x onerror="alert(1)"> Officials <script>steal()</script> confirmed the vote.'
BODY = f"First paragraph.\nBefore. {HOSTILE} After.\nLast paragraph."


def _citation(
    n: int = 1, sentence: str = HOSTILE, url: str | None = "javascript:alert(1)"
) -> Citation:
    start = BODY.find(sentence)
    return Citation(
        n,
        "a1",
        "<b>Title</b>",
        "<i>Wire</i>",
        "2024-01-02T00:00:00+00:00",
        url,
        sentence,
        start,
        start + len(sentence),
    )


def _answer(*citations: Citation, lead: int = 0) -> Answer:
    passage = Passage(7, "other", "<script>x()</script>Other", 0.5, "<img src=y>", "Post")
    return Answer("<q>", "text", list(citations or [_citation()]), [passage], lead=lead)


def test_hostile_article_text_is_escaped_everywhere() -> None:
    answer = _answer()
    page = conversation_html([Turn(0, "<b>q</b>", Filters(("<i>Wire</i>",)), answer)])
    panel = sources_content(0, answer, {"a1": BODY})
    for rendered in (page, panel):
        assert "<script" not in rendered and "<img" not in rendered and "<b>" not in rendered
        assert "<i>" not in rendered and "javascript:" not in rendered
    assert "&lt;script&gt;steal()&lt;/script&gt;" in panel and "<mark" in panel
    assert "&lt;i&gt;Wire&lt;/i&gt;" in panel  # outlet names too


def test_lead_first_and_supporting_quotes_folded() -> None:
    lead = _citation(sentence="First paragraph.")
    more = _citation(sentence="Last paragraph.")
    page = conversation_html([Turn(0, "q", Filters(), _answer(lead, more, lead=1))])
    head, _, folded = page.partition("<details class='newsqa-more'>")
    assert "First paragraph." in head and "Last paragraph." not in head
    assert "More from these sources" in folded and "Last paragraph." in folded
    assert "href='#newsqa-src-0-1'" in head  # every [n] links to its card


def test_answer_shows_its_confidence() -> None:
    answer = _answer()
    sure = Answer(answer.question, answer.text, answer.citations, confidence=0.874)
    assert "Confidence 87%" in conversation_html([Turn(0, "q", Filters(), sure)])


def test_cited_sentence_is_marked_inside_its_own_paragraph() -> None:
    [paragraph] = cited_paragraphs(BODY, [_citation()])
    assert paragraph.startswith("Before. <mark") and paragraph.endswith(" After.")
    assert "First paragraph" not in paragraph and "[1]" in paragraph
    long_body = "word " * 400 + "The key sentence. " + "word " * 400
    start = long_body.index("The key")
    cite = Citation(2, "a", "T", "S", None, None, "The key sentence.", start, start + 17)
    [clipped] = cited_paragraphs(long_body, [cite])
    assert clipped.startswith("…") and clipped.endswith("…") and len(clipped) < 1000


def test_copy_as_markdown_lists_numbered_sources_with_safe_links() -> None:
    good = Citation(
        2, "b", "Bridge [reopens]", "Courier", "2024-03-05", "https://x.example/a b", "It opened."
    )
    text = copy_markdown(_answer(_citation(sentence="First paragraph."), good, lead=1))
    body, _, sources = text.partition("Sources:")
    assert "First paragraph. [1]" in body and "It opened. [2]" in body
    assert "1. \\<b\\>Title\\</b\\> — \\<i\\>Wire\\</i\\>, 2024-01-02" in sources
    assert "2. [Bridge \\[reopens\\]](<https://x.example/a%20b>) — Courier, 2024-03-05" in sources
    assert "javascript" not in text


def test_abstention_is_shown_with_its_reason_and_no_citations() -> None:
    answer = Answer(
        "q",
        "The articles don't say. No article mentions sourdough.",
        [],
        [Passage(1, "a", "Bridge", 0.1, "x", "Courier")],
        abstained=True,
    )
    chat, sources = render([Turn(0, "q", Filters(), answer, sources_content(0, answer, {}))])
    assert "newsqa-abstained" in chat and "No article mentions sourdough." in chat
    assert "newsqa-cite" not in chat and "Copy as Markdown" not in chat
    assert "No sources cited" in sources and "Closest articles (not cited)" in sources
    assert "Bridge" in sources and "newsqa-card" not in sources


def test_filters_and_follow_ups_reach_ask(
    sample_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    qa = NewsQA.open(sample_index)
    calls: list[dict[str, object]] = []
    real_ask = qa.ask

    def recording_ask(question: str, **options: object) -> Answer:
        calls.append(options)
        return real_ask(question, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(qa, "ask", recording_ask)
    conversation = Conversation(qa)
    turns = conversation.ask("Who attended the Victory Day parade in Moscow?", [])
    assert turns[0].answer is not None and turns[0].answer.citations
    turns = conversation.ask("Who attended?", turns, ["Wire"], " 1 Jan 2023 ", "")
    assert turns[1].filters.label() == "only Wire · from 1 Jan 2023"
    assert calls[1]["sources"] == ("Wire",) and calls[1]["since"] == "1 Jan 2023"
    assert calls[1]["until"] is None and calls[1]["history"] == [turns[0].answer]
    turns = conversation.ask("Who attended?", turns, until="the day after never")
    assert turns[2].answer is None and "cannot read the date" in turns[2].error
    assert [t.key for t in turns] == [0, 1, 2]
    assert conversation.ask("  ", turns) == turns


def test_first_start_builds_the_sample_and_app_is_created(
    tmp_path: Path, embedder: Embedder
) -> None:
    settings = Settings(index_dir=tmp_path / "index")
    ensure_index(settings)
    assert (settings.index_dir / MANIFEST).exists()
    demo = create_app(settings, qa=NewsQA(settings, embedder))
    assert demo.title == "newsqa"


def test_upload_names_are_sanitised() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\me\\news 1.jsonl") == "news_1.jsonl"
    assert safe_name(".hidden.json") == "hidden.json"
    assert safe_name("../..") == "upload"


def _jsonl(path: Path, *titles: str) -> Path:
    records = [
        {"title": t, "body": f"{t} happened on Monday, officials said.", "source": "Wire"}
        for t in titles
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_uploads_are_added_kept_under_the_index_and_limited(
    tmp_path: Path, embedder: Embedder
) -> None:
    settings = Settings(index_dir=tmp_path / "index")
    qa = NewsQA(settings, embedder)
    qa.rebuild([_jsonl(tmp_path / "base.jsonl", "Harbour opens")])
    first = add_uploads(qa, [_jsonl(tmp_path / "one.jsonl", "Bridge reopens", "Zoo grows")])
    assert first.report is not None and first.report.added == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    big = _jsonl(tmp_path / "big.jsonl", "Library closes")
    second = add_uploads(
        qa,
        [bad, big, _jsonl(tmp_path / "two.jsonl", "Market moves"), tmp_path / "one.jsonl"],
        Limits(files=3, file_bytes=big.stat().st_size - 1),
        names=["../bad.json", "big.jsonl", "two.jsonl", "one.jsonl"],
    )
    assert second.report is not None and second.report.added == 1
    assert [name for name, _ in second.refused] == ["big.jsonl", "one.jsonl"]
    assert "per file" in second.refused[0][1] and "3 files" in second.refused[1][1]
    assert [name for name, _ in second.rejected] == ["bad.json"]
    summary = summary_html(second)
    assert "big.jsonl" in summary and "bad.json" in summary and "added" in summary
    # both uploads are still there after the second add swapped in a new index
    kept = sorted(p.name for p in (settings.index_dir / UPLOADS).rglob("*.json*"))
    assert kept == ["bad.json", "one.jsonl", "two.jsonl"]
    assert qa.store.catalogue.article_count() == 4


def test_upload_form_gives_outlet_date_and_link_to_articles_without_them(
    tmp_path: Path, embedder: Embedder
) -> None:
    settings = Settings(index_dir=tmp_path / "index")
    qa = NewsQA(settings, embedder)
    qa.rebuild([_jsonl(tmp_path / "base.jsonl", "Harbour opens")])
    note = tmp_path / "ferry.txt"
    note.write_text("Ferry service resumes\n\nThe island ferry sailed again on Friday.\n")
    details = UploadDetails.read(" Island Post ", "3 May 2024", "https://post.example/ferry")
    result = add_uploads(qa, [note], details=details)
    assert result.report is not None and result.report.added == 1
    answer = qa.ask("When did the island ferry sail again?")
    [cited] = {(c.source, c.published_at, c.url) for c in answer.citations}
    assert cited == ("Island Post", "2024-05-03T00:00:00+00:00", "https://post.example/ferry")

    # an article's own outlet is kept; one link cannot be given to two articles
    records = [
        {"title": "Market moves", "body": "The market moved on Monday.", "source": "Wire"},
        {"title": "Zoo grows", "body": "The zoo grew on Tuesday, keepers said."},
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps(r) + "\n" for r in records))
    result = add_uploads(
        qa, [batch], details=UploadDetails.read("Island Post", "", "https://x.example")
    )
    assert result.report is not None and result.report.added == 2
    assert "link was not used" in summary_html(result)
    outlets = {c.title: c.source for c in qa.ask("What did the zoo do on Tuesday?").citations}
    assert outlets["Zoo grows"] == "Island Post"
    assert {c.source for c in qa.ask("When did the market move?").citations} == {"Wire"}
    with pytest.raises(ValueError, match="cannot read the date"):
        UploadDetails.read("", "the day after never", "")
    with pytest.raises(ValueError, match="not an http"):
        UploadDetails.read("", "", "javascript:alert(1)")
    assert not UploadDetails.read(" ", " ", " ")


def test_example_questions_are_answered_from_the_newest_articles(sample_index: Path) -> None:
    qa = NewsQA.open(sample_index)
    [(title, _)] = qa.store.catalogue.recent_headlines(5)
    examples = example_questions(qa)
    # the sample's headline names nothing its story mentions: its summary's names are asked
    assert examples == ["What do the articles say about Putin and Russia?"]
    for question in examples:
        answer = qa.ask(question)
        assert not answer.abstained and answer.citations[0].title == title


def test_examples_read_as_questions_a_person_would_ask(sample_index: Path) -> None:
    qa = NewsQA.open(sample_index)
    story = "Ukraine said on Monday that Russia shelled the port. Ukraine and Russia met."
    title = "With hopes of victory fading, Ukraine's fight against Russia could get even harder"
    assert question_from_title(title) == ""  # a statement is never asked as a cut headline
    assert question_about(headline_names(qa, title, story)) == (
        "What do the articles say about Ukraine and Russia?"
    )
    tiktok = "TikTok tracks users. The regulator fined TikTok. A mass breach, it said."
    assert headline_names(qa, "‘Mass breach of privacy’: TikTok under fire", tiktok) == ["TikTok"]
    nascar = "Autosport named its top 50. NASCAR drivers were left out; NASCAR fans were angry."
    names = headline_names(qa, "Major NASCAR Snubs as Autosport Releases the Top 50", nascar)
    assert names == []  # Title Case words and names the story uses once are no topic
    question = "Are NBA Christmas Day Games a Better Tradition Than NFL Thanksgiving Day Games?"
    assert question_from_title(f"  {question} ") == question
    assert question_from_title("Why the Apple Watch is being banned — and how to avoid it") == ""
    assert question_about([]) == "" and question_from_title("") == ""


def test_serve_binds_localhost_by_default_and_takes_host_and_port(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    import newsqa.ui
    from newsqa.cli import app

    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(newsqa.ui, "launch", lambda s, host, port, qa: calls.append((host, port)))
    runner = CliRunner()
    assert runner.invoke(app, ["serve", "--index", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["serve", "--host", "0.0.0.0", "--port", "9001"]).exit_code == 0
    assert calls == [("127.0.0.1", 7860), ("0.0.0.0", 9001)]
