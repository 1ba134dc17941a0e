"""Untrusted text never drives the terminal: an article's link, title or outlet and a file's
name may hold escape sequences (a hyperlink to another site, a cleared screen, a new window
title); `newsqa build`, `add` and `ask` print them inert, with no ESC byte at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import newsqa.cli
from newsqa.articles import make_article
from newsqa.cli import app
from newsqa.records import Answer, Citation
from newsqa.rendering import for_terminal

# An OSC 8 hyperlink to one site whose text names another, then "clear the screen".
EVIL_URL = (
    "\u001b]8;;https://evil.example/phish\u001b\\https://x.example/real\u001b]8;;\u001b\\\u001b[2J"
)
BAD_NAME = "bad\x1b[2J.txt"
BODY = (
    "The harbour bridge reopened on Monday after eight months of repairs. "
    "Engineer Maria Okafor said the steel cables were replaced."
)
runner = CliRunner()


def _archive(folder: Path, empty_name: str = BAD_NAME) -> Path:
    """One article whose link, title and outlet hold escape sequences, and an empty file
    with an escape sequence in its name (rejected, by name)."""
    folder.mkdir()
    record = {
        "title": "Harbour bridge reopens\x1b]0;window title\x07",
        "body": BODY,
        "source": "Coastal \x1b[31mHerald",
        "url": EVIL_URL,
    }
    (folder / "harbour.json").write_text(json.dumps([record]))
    (folder / empty_name).write_text("")
    return folder


def _inert(output: str) -> None:
    assert "\x1b" not in output and "\x9b" not in output and "\x07" not in output
    assert "evil.example" not in output


@pytest.mark.model
def test_build_add_and_ask_print_escape_sequences_inert(tmp_path: Path) -> None:
    index = tmp_path / "index"
    built = runner.invoke(app, ["build", str(_archive(tmp_path / "news")), "--index", str(index)])
    assert built.exit_code == 0, built.output
    _inert(built.output)
    assert "bad.txt: file is empty" in built.output  # named, without its escape sequence

    added = runner.invoke(
        app,
        ["add", str(_archive(tmp_path / "more", "also\x1b]0;x\x07bad.txt")), "--index", str(index)],
    )
    assert added.exit_code == 0, added.output
    _inert(added.output)
    assert "alsobad.txt: file is empty" in added.output

    asked = runner.invoke(app, ["ask", "Who replaced the bridge cables?", "--index", str(index)])
    assert asked.exit_code == 0, asked.output
    _inert(asked.output)
    assert "Maria Okafor" in asked.output
    assert "Harbour bridge reopens — Coastal Herald" in asked.output
    assert "https://x.example/real" in asked.output  # the link's own visible text


def test_article_link_is_cleaned_where_it_enters() -> None:
    article = make_article(title="Bridge", body=BODY, url=EVIL_URL, source="\x9b2JWire\u202e")
    assert article.url == "https://x.example/real"
    assert article.source == "2JWire"  # an 8-bit CSI and a bidi override dropped


def test_ask_prints_an_old_index_s_raw_link_inert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index written before links were cleaned still holds the raw sequence: the printing
    side cleans it too (and escapes rich markup)."""
    cited = Citation(
        1, "a", "[bold]Bridge[/bold]\x1b]0;t\x07", "Wire\x1b[2J", None, EVIL_URL, "It opened."
    )

    class OldIndex:
        def ask(self, question: str, **options: object) -> Answer:
            return Answer(question, "It opened.\x1b[2J [1]", [cited])

    monkeypatch.setattr(newsqa.cli.NewsQA, "open", lambda *a, **k: OldIndex())
    result = runner.invoke(app, ["ask", "Did it open?", "--index", str(tmp_path)])
    assert result.exit_code == 0, result.output
    _inert(result.output)
    assert "[1] [bold]Bridge[/bold] — Wire, undated\n    https://x.example/real" in result.output


def test_error_messages_are_printed_inert(tmp_path: Path) -> None:
    missing = tmp_path / "gone\x1b]0;owned\x07"
    result = runner.invoke(app, ["ask", "anything", "--index", str(missing)])
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "gone" in result.output


def test_for_terminal_keeps_lines_and_text() -> None:
    assert for_terminal("one\x1b[1m\nt\two [x]") == "one\nt wo \\[x]"
