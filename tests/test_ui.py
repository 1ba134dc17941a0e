"""The chat page's parts without a browser: escaping, folded quotes, marked sentences,
Markdown copies, filters, uploads (names, limits, kept across adds) and example questions."""

from __future__ import annotations

import asyncio
import gzip
import json
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from newsqa.api import NewsQA
from newsqa.config import Settings
from newsqa.embedding import Embedder
from newsqa.index.manifest import MANIFEST
from newsqa.index.staging import writer_lock
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
from newsqa.ui.page import upload_folder
from newsqa.ui.source_cards import cited_paragraphs, sources_content
from newsqa.ui.turns import Filters, Turn
from newsqa.ui.upload_details import UploadDetails
from newsqa.ui.uploads import (
    UPLOADS,
    Limits,
    add_uploads,
    safe_name,
    summary_html,
    upload_from_page,
)

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
    # both uploads are still there after the second add swapped in a new index; the file
    # rejected whole (bad.json) is not kept
    kept = sorted(p.name for p in (settings.index_dir / UPLOADS).rglob("*.json*"))
    assert kept == ["one.jsonl", "two.jsonl"]
    assert qa.store.catalogue.article_count() == 4


def _received(folder: Path, name: str, text: str | bytes) -> dict[str, str]:
    """A file as Gradio's upload route leaves it (in a folder of its own), as the page sends it."""
    path = folder / f"h{len(list(folder.iterdir()))}" / name
    path.parent.mkdir()
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return {"path": str(path), "name": name}


def test_each_uploaded_file_is_judged_on_its_own(tmp_path: Path, embedder: Embedder) -> None:
    """A dot-file used to fail the whole batch in Gradio's own checks; now it is added under
    a safe name, the other files are added, refused files and Gradio's copies are not kept."""
    settings = Settings(index_dir=tmp_path / "index")
    qa = NewsQA(settings, embedder)
    qa.rebuild([_jsonl(tmp_path / "base.jsonl", "Harbour opens")])
    gradio = tmp_path / "gradio"
    gradio.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret\nThe server's own file must never be read through the page.")
    (gradio / "link").mkdir()
    (gradio / "link" / "story.txt").symlink_to(secret)
    bomb = gzip.compress(bytes(2_000_000))
    entries = [
        _received(
            gradio, ".hidden.txt", "Lighthouse keeper retires\nThe keeper retired on Friday."
        ),
        _received(gradio, "other.txt", "Ferry timetable changes\nThe ferry sails less in winter."),
        _received(gradio, "bomb.txt.gz", bomb),
        _received(gradio, "notes.exe", "Not news\nAn executable's name."),
        {"path": str(secret), "name": "secret.txt"},
        {"path": str(gradio / "link" / "story.txt"), "name": "story.txt"},
    ]
    notes: list[str] = []
    result = upload_from_page(
        qa, entries, gradio, Limits(file_bytes=1_000_000), lambda f, d: notes.append(d)
    )
    assert result.report is not None and result.report.added == 2
    titles = {row[0] for row in qa.store.catalogue.db.execute("SELECT title FROM articles")}
    assert titles == {"Harbour opens", "Lighthouse keeper retires", "Ferry timetable changes"}
    refused = dict(result.refused)
    assert refused["secret.txt"] == refused["story.txt"] == "not a file uploaded to this page"
    assert refused["notes.exe"].startswith("not a type newsqa reads")
    assert [name for name, _ in result.rejected] == ["bomb.txt.gz"]  # read, and refused
    assert "Secret" not in titles
    # only files that were read are kept, under safe names; Gradio's copies are gone
    kept = sorted(p.name for p in (settings.index_dir / UPLOADS).rglob("*") if p.is_file())
    assert kept == ["hidden.txt", "other.txt"]
    assert sorted(p.name for p in gradio.rglob("*")) == ["link", "story.txt"]
    assert secret.exists()


def test_refused_uploads_are_not_kept(tmp_path: Path, embedder: Embedder) -> None:
    """A gzip bomb or an empty file is rejected when read: its saved copy is removed."""
    settings = Settings(index_dir=tmp_path / "index", max_file_bytes=100_000)
    qa = NewsQA(settings, embedder)
    qa.rebuild([_jsonl(tmp_path / "base.jsonl", "Harbour opens")])
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip.compress(bytes(1_000_000)))
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = add_uploads(qa, [bomb, empty])
    assert [name for name, _ in result.rejected] == ["bomb.txt.gz", "empty.txt"]
    assert "decompresses to over the 100,000 byte limit" in result.rejected[0][1]
    assert not list((settings.index_dir / UPLOADS).rglob("*.*"))


def test_an_upload_waiting_for_another_writer_says_so_and_gives_up(
    tmp_path: Path, embedder: Embedder
) -> None:
    settings = Settings(index_dir=tmp_path / "index", upload_wait_seconds=0.5)
    qa = NewsQA(settings, embedder)
    qa.rebuild([_jsonl(tmp_path / "base.jsonl", "Harbour opens")])
    notes: list[str] = []
    results = []
    upload = _jsonl(tmp_path / "one.jsonl", "Bridge reopens")

    def add() -> None:
        results.append(add_uploads(qa, [upload], report=lambda f, d: notes.append(d)))

    with writer_lock(settings.index_dir.absolute()):  # another writer holds the index
        thread = threading.Thread(target=add)
        thread.start()
        thread.join(timeout=20)
        assert not thread.is_alive(), "the upload never gave up"
    [result] = results
    assert result.report is None and "for over 0.5 s, so nothing was added" in result.error
    assert notes[0].startswith("waiting for another writer (a build, add or remove)")
    assert "giving up after 0.5 s" in notes[0]
    assert "for over 0.5 s" in summary_html(result)
    assert not list((settings.index_dir / UPLOADS).rglob("*.*"))
    assert qa.store.catalogue.article_count() == 1


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


def _call(demo: Any, name: str, session: Any, **values: object) -> dict[str, Any]:
    """Run the page's handler `name` as a browser event would (Gradio checks the inputs
    first); inputs and outputs by elem_id."""
    handler = next(f for f in demo.fns.values() if f.name == name)
    inputs = [values.get(str(block.elem_id)) for block in handler.inputs]
    with ThreadPoolExecutor(1) as thread:  # its own event loop (Playwright may hold this one)
        result = thread.submit(asyncio.run, demo.process_api(handler, inputs, session)).result()
    return {
        str(block.elem_id): out for block, out in zip(handler.outputs, result["data"], strict=True)
    }


def test_an_outlet_that_leaves_the_index_leaves_the_filter_not_a_broken_page(
    tmp_path: Path, embedder: Embedder
) -> None:
    from gradio.state_holder import SessionState

    settings = Settings(index_dir=tmp_path / "index")
    qa = NewsQA(settings, embedder)
    bridge = {
        "title": "Harbour bridge reopens",
        "body": "The harbour bridge reopened on Monday after repairs, the city said.",
        "source": "Harbour Times",
        "url": "https://harbour.example/bridge",
    }
    fair = {**bridge, "title": "Fair opens", "body": "The autumn fair opened on Friday."}
    fair |= {"source": "Valley Courier", "url": "https://valley.example/fair"}
    (tmp_path / "base.jsonl").write_text(json.dumps(bridge) + "\n" + json.dumps(fair) + "\n")
    qa.rebuild([tmp_path / "base.jsonl"])
    demo = create_app(settings, qa=qa)
    session = SessionState(demo)
    chosen = ["Harbour Times", "Valley Courier"]
    gradio = Path(upload_folder())  # where Gradio's upload route leaves files
    gradio.mkdir(parents=True, exist_ok=True)
    correction = _received(  # same URL, another outlet: "updated 1"
        Path(tempfile.mkdtemp(dir=gradio)),
        "correction.jsonl",
        json.dumps({**bridge, "source": "Harbour Gazette"}) + "\n",
    )
    received = {"newsqa-received": [correction], "newsqa-outlets": chosen}
    shown = _call(demo, "upload", session, **received)
    assert shown["newsqa-outlets"]["value"] == ["Valley Courier"]
    assert "Harbour Gazette" in str(shown["newsqa-outlets"]["choices"])
    assert "No article in the index is from Harbour Times" in shown["newsqa-outlet-note"]
    # a page that missed the update still sends the old outlet: asked without it
    question = {"newsqa-question": "When did the fair open?", "newsqa-outlets": chosen}
    asked = _call(demo, "ask", session, **question)
    assert "Friday" in asked["newsqa-conversation"]
    # only vanished outlets chosen: the question says so instead of searching nothing
    question["newsqa-outlets"] = ["Harbour Times"]
    asked = _call(demo, "ask", session, **question)
    assert (
        "Could not ask: no article in the index is from Harbour Times"
        in (asked["newsqa-conversation"])
    )
    refreshed = _call(demo, "filter_view", session, **{"newsqa-outlets": ["Harbour Times"]})
    assert refreshed["newsqa-outlets"]["value"] == []


def test_a_short_whole_headline_is_the_fallback_example() -> None:
    """An archive whose headlines name nothing their stories repeat still gets examples."""
    from newsqa.ui.examples import question_on_headline

    asked = question_on_headline("Harbour ferry sinks off the cape.")
    assert asked == "What do the articles say about “Harbour ferry sinks off the cape”?"
    assert question_on_headline("Tennis News: Djokovic wins again") == ""
    assert question_on_headline("With hopes of victory fading, the army …") == ""
