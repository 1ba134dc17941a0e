"""The chat page: builds the sample on first start, escapes hostile article text."""

from __future__ import annotations

from pathlib import Path

from newsqa.config import Settings
from newsqa.index.store import MANIFEST
from newsqa.records import Answer, Citation
from newsqa.rendering import answer_markdown, sources_html
from newsqa.ui import create_app, ensure_index

HOSTILE = '<img src=x onerror="alert(1)"> Officials <script>steal()</script> confirmed the vote.'


def _answer() -> Answer:
    citation = Citation(
        1,
        "a1",
        "<b>Title</b>",
        "Wire",
        "2024-01-02T00:00:00+00:00",
        "javascript:alert(1)",
        HOSTILE,
        0,
        len(HOSTILE),
    )
    return Answer("q", f"{HOSTILE} [1]", [citation], [], False)


def test_hostile_article_text_is_escaped() -> None:
    markdown = answer_markdown(_answer())
    html = sources_html(_answer(), {"a1:0": f"Before. {HOSTILE} After."})
    for rendered in (markdown, html):
        assert "<script>" not in rendered and "<img" not in rendered
        assert "javascript:" not in rendered
    assert "<mark>" in html and "&lt;script&gt;" in html
    assert "**[1]**" in markdown


def test_first_start_builds_the_sample_and_app_answers(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(index_dir=tmp_path / "index")
    ensure_index(settings)
    assert (settings.index_dir / MANIFEST).exists()
    demo = create_app(settings)
    assert demo.title == "newsqa"


def test_chat_turn_shows_cited_answer_and_highlighted_source(sample_index: Path) -> None:
    from newsqa.api import NewsQA
    from newsqa.ui import make_responder

    respond = make_responder(NewsQA.open(sample_index))
    cleared, chat, sources = respond("Who attended the Victory Day parade in Moscow?", [])
    assert cleared == ""
    assert chat[0] == {"role": "user", "content": "Who attended the Victory Day parade in Moscow?"}
    assert "Xi Jinping" in chat[1]["content"] and "**Sources**" in chat[1]["content"]
    assert "<mark>" in sources and "Xi Jinping" in sources
    _, chat, sources = respond("How do I make banana bread?", chat)
    assert "don" in chat[-1]["content"] and "No sources" in sources


def test_supporting_sentences_are_set_apart_from_the_answer() -> None:
    lead = Citation(1, "a1", "T", "Wire", None, None, "The vote passed.", 0, 16)
    more = Citation(1, "a1", "T", "Wire", None, None, "Turnout was 60%.", 17, 33)
    answer = Answer("q", "The vote passed. [1]\n\nTurnout was 60%. [1]", [lead, more], [], lead=1)
    markdown = answer_markdown(answer)
    head, _, tail = markdown.partition("*Also in these articles:*")
    assert "The vote passed" in head and "Turnout was 60" not in head
    assert "Turnout was 60" in tail and "**[1]**" in tail
