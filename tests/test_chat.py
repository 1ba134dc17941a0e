"""`newsqa chat`: a terminal conversation with history, /sources, /support, /filters, /new;
and the plain `newsqa ask` layout (lead, sources, support)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from conftest import ROOT
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import build_from_articles
from newsqa.cli import app
from newsqa.records import Answer, Citation
from newsqa.terminal import Chat, print_answer

HOSTILE_TITLE = "Bridge [bold red]closes[/] \x1b[31mnow\x07"


def _answer(question: str) -> Answer:
    lead = Citation(
        1,
        "a1",
        HOSTILE_TITLE,
        "Coastal [Courier]",
        "2024-03-05T09:00:00+00:00",
        "https://courier.example/bridge",
        "The bridge closed on Tuesday.",
    )
    other = Citation(
        2, "a2", "Repairs to take months", "Elwyn Daily", None, None, "Repairs take months."
    )
    support = Citation(
        1,
        "a1",
        lead.title,
        lead.source,
        lead.published_at,
        lead.url,
        "Ferries added ten sailings.",
    )
    return Answer(
        question,
        "text",
        [lead, other, support],
        abstained=False,
        lead=2,
    )


class FakeQA:
    """Records what the chat asks with; answers every question the same way."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def ask(self, question: str, **options: Any) -> Answer:
        if options.get("since") == "bad":
            raise ValueError("cannot read the date 'bad'")
        self.calls.append({"question": question, **options})
        return _answer(question)


def _chat(qa: FakeQA) -> tuple[Chat, Console]:
    console = Console(record=True, width=200, force_terminal=False, color_system=None)
    return Chat(qa.ask, console, outlets=["Coastal Courier", "Elwyn Daily"]), console


def test_follow_ups_are_asked_with_the_conversation_so_far() -> None:
    qa = FakeQA()
    chat, _ = _chat(qa)
    chat.handle("Why did the bridge close?")
    chat.handle("How long will it take?")
    assert qa.calls[0]["history"] == []
    assert [a.question for a in qa.calls[1]["history"]] == ["Why did the bridge close?"]
    chat.handle("/new")
    chat.handle("What about the ferries?")
    assert qa.calls[2]["history"] == []


def test_answer_shows_lead_then_sources_and_folds_the_support() -> None:
    chat, console = _chat(FakeQA())
    chat.handle("Why did the bridge close?")
    shown = console.export_text()
    lead, sources = shown.index("The bridge closed on Tuesday. [1]"), shown.index("Sources")
    assert lead < sources < shown.index("[2] Repairs to take months — Elwyn Daily, undated")
    assert "Ferries added ten sailings" not in shown
    assert "1 more sentence supports this answer: /support shows them" in shown
    chat.handle("/support")
    assert "Ferries added ten sailings. [1]" in console.export_text()


def test_sources_command_shows_the_source_and_its_cited_sentences() -> None:
    chat, console = _chat(FakeQA())
    chat.handle("Why did the bridge close?")
    console.export_text(clear=True)
    chat.handle("/sources 1")
    shown = console.export_text()
    assert "Coastal [Courier], 2024-03-05" in shown
    assert "https://courier.example/bridge" in shown
    assert "• The bridge closed on Tuesday." in shown and "• Ferries added ten sailings." in shown
    chat.handle("/sources 9")
    assert "N is one of 1, 2" in console.export_text()


def test_untrusted_text_is_neither_markup_nor_control_characters() -> None:
    chat, console = _chat(FakeQA())
    chat.handle("Why did the bridge close?")
    shown = console.export_text()
    assert "Bridge [bold red]closes[/] now" in shown  # markup shown as text, escapes gone
    assert "\x1b" not in shown and "\x07" not in shown


def test_filters_are_set_checked_and_cleared() -> None:
    qa = FakeQA()
    chat, console = _chat(qa)
    chat.handle("/filters outlet=elwyn daily since=2024-01-01")
    chat.handle("Why did the bridge close?")
    assert qa.calls[-1]["sources"] == ["Elwyn Daily"] and qa.calls[-1]["since"] == "2024-01-01"
    chat.handle("/filters outlet=Nowhere Times")
    assert "no outlet 'Nowhere Times' in this index" in console.export_text()
    chat.handle("/filters clear")
    chat.handle("Why did the bridge close?")
    assert qa.calls[-1]["sources"] is None and qa.calls[-1]["since"] is None
    chat.handle("/filters since=bad")
    chat.handle("Why?")
    assert "could not ask: cannot read the date 'bad'" in console.export_text()


def test_quit_and_unknown_commands() -> None:
    chat, console = _chat(FakeQA())
    assert chat.handle("/help") and "/sources N" in console.export_text()
    assert chat.handle("/nope") and "unknown command /nope" in console.export_text()
    assert chat.handle("/quit") is False


def test_plain_answer_reads_lead_sources_support() -> None:
    console = Console(record=True, width=200, color_system=None)
    print_answer(console, _answer("Why?"))
    shown = console.export_text()
    order = [shown.index(s) for s in ("The bridge closed", "Sources", "Support", "Ferries")]
    assert order == sorted(order)


def test_plain_ask_prints_lead_sources_then_support(sample_index: Path) -> None:
    result = CliRunner().invoke(
        app, ["ask", "Who attended the Victory Day parade in Moscow?", "--index", str(sample_index)]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Xi Jinping" in text.split("Sources")[0]
    assert "\n\nSources\n[1] Realpolitik 2.0: Uniting for a Post-Western World" in text


# --- the real command in a terminal (tmux) --------------------------------------------------


def _tmux() -> str:
    found = shutil.which("tmux")
    if found is None:
        message = "tmux not installed (apt-get install tmux)"
        if os.environ.get("REQUIRE_TMUX"):
            pytest.fail(f"{message}; REQUIRE_TMUX is set")
        pytest.skip(message)
    return found


def _wait_for(tmux: list[str], session: str, text: str, timeout: float = 120.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = subprocess.run(
            [*tmux, "capture-pane", "-p", "-J", "-S", "-200", "-t", session],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        if text in screen:
            return screen
        time.sleep(0.5)
    raise AssertionError(f"{text!r} did not appear in the terminal:\n{screen}")


def test_chat_in_a_terminal(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """A question, a follow-up answered from the same story, and /sources 1, typed into
    `newsqa chat` running in tmux."""
    from test_followups import ARTICLES

    tmux = _tmux()
    index = tmp_path / "index"
    build_from_articles(ARTICLES, BuildSettings(index_dir=index), embedder)
    socket = f"newsqa-chat-{uuid.uuid4().hex[:8]}"  # a tmux server of its own
    tmux_cmd = [tmux, "-L", socket]
    session = "chat"
    env = {
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "HF_HUB_OFFLINE": "1",
        "NEWSQA_CACHE_DIR": os.environ.get("NEWSQA_CACHE_DIR", str(tmp_path / "cache")),
        "TERM": "xterm-256color",
    }
    settings = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = f"env {settings} {shlex.quote(sys.executable)} -m newsqa chat --index {index}"
    subprocess.run(
        [*tmux_cmd, "new-session", "-d", "-s", session, "-x", "160", "-y", "60", command],
        check=True,
    )
    try:
        _wait_for(tmux_cmd, session, "ask›")

        def send(line: str) -> None:
            subprocess.run([*tmux_cmd, "send-keys", "-t", session, "-l", line], check=True)
            subprocess.run([*tmux_cmd, "send-keys", "-t", session, "Enter"], check=True)

        send("Why was Coinvault fined?")
        _wait_for(tmux_cmd, session, "Coinvault to pay $2.1 billion")
        send("Who replaced him as CEO?")
        screen = _wait_for(tmux_cmd, session, "Sara Lind")
        follow = screen.rpartition("Who replaced him as CEO?")[2]
        assert "Emil Shaw" not in follow
        send("/sources 1")
        screen = _wait_for(tmux_cmd, session, "https://ledger.example/coinvault-settles")
        shown = screen.rpartition("/sources 1")[2]
        assert "Coinvault to pay $2.1 billion and its founder steps down — Ledger Times" in shown
        assert "2023-11-21" in shown and "• Sara Lind" in shown
        send("/quit")
    finally:
        subprocess.run([*tmux_cmd, "kill-server"], check=False, capture_output=True)
