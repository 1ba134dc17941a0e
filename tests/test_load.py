"""The chat server under a bounded load: 8 clients ask over HTTP (127.0.0.1 only) while an
`add` of 100 articles runs and swaps the index; no request may fail. And 8 clients against
one: the page answers several questions at once, each exactly as it answers it alone.

Latencies are printed (run with `-s`), never asserted: docs/reliability.md records runs.
"""

from __future__ import annotations

import json
import math
import random
import re
import statistics
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from browser.fixture_articles import ARTICLES, write_jsonl
from newsqa.api import NewsQA
from newsqa.config import Settings
from newsqa.embedding import Embedder
from page_server import running_page
from word_salad import word_salad

pytestmark = [
    pytest.mark.slow,
    # Gradio's queue calls pandas in ways pandas 3 deprecates: not this code's concern
    pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

CLIENTS = 8
QUESTIONS_PER_CLIENT = 50
ADDED = 100
LOAD_DEADLINE_S = 150  # every loop is bounded in count and in time
QUESTIONS = [
    "When did the Riverside bridge reopen?",
    "Who cut the ribbon at the Riverside bridge?",
    "How much did the bridge repairs cost?",
    "How long will the new steel cables last?",
    "What budget did the council approve for the central library?",
    "When will construction of the library begin?",
    "What did the harbour council vote for?",
    "Who won the chess championship in Oslo?",  # not in the articles: an abstention
]
NEW_QUESTION = "Who restored the lighthouse lamp at Kestrel Point?"
NEW_URL = "https://wire.example/kestrel-lighthouse"
FIXTURE_WORDS = ("harbour", "library")  # the fixture articles' topics stay unambiguous
QUESTION_BUBBLE = "<div class='newsqa-bubble newsqa-question'>"
ARTICLE_COUNT = re.compile(r"data-stat='articles'><small>articles</small> <strong>([\d,]+)<")


def added_articles() -> list[dict[str, str]]:
    """99 distinct word-salad stories and one with a fact to ask about after the add."""
    rng = random.Random(15)
    stories = [
        {
            "title": f"Load story {n}",
            "body": word_salad(rng, leave_out=FIXTURE_WORDS),
            "source": "Load Wire",
            "url": f"https://wire.example/load/{n}",
            "published_at": "2024-05-01",
        }
        for n in range(ADDED - 1)
    ]
    stories.insert(
        ADDED // 2,
        {
            "title": "Kestrel Point lighthouse shines again",
            "body": (
                "The Kestrel Point lighthouse was lit again on Saturday after a year in the "
                "dark. Technician Ingrid Solberg restored the lighthouse lamp at Kestrel Point. "
                "Visitors may climb the tower from June."
            ),
            "source": "Coast Gazette",
            "url": NEW_URL,
            "published_at": "2024-05-04",
        },
    )
    return stories


def last_reply(chat: str) -> str:
    """The reply bubble of the newest turn in the conversation HTML."""
    assert QUESTION_BUBBLE in chat, f"no question in the conversation: {chat[:300]}"
    turn = chat.rsplit(QUESTION_BUBBLE, 1)[1]
    return turn.split("</div>", 1)[1]


def kind_of(reply: str) -> str:
    if "newsqa-abstained" in reply:
        return "abstention"
    if "newsqa-answer" in reply and "class='newsqa-cite'" in reply:
        return "answer"
    return "other"


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    article_counts: set[int] = field(default_factory=set)
    finished_at: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def server(tmp_path: Path, embedder: Embedder) -> Iterator[tuple[str, Settings]]:
    with running_page(tmp_path, embedder) as (url, qa):
        yield f"{url}/", qa.settings


def ask(client: Any, question: str) -> tuple[str, str, str]:
    """(reply bubble, sources panel, status bar) for one question via the page's `ask`."""
    _, chat, sources, status = client.predict(question, [], "", "", api_name="/ask")
    return last_reply(chat), sources, status


def test_server_answers_under_load_while_add_swaps_the_index(
    server: tuple[str, Settings], embedder: Embedder, tmp_path: Path
) -> None:
    from gradio_client import Client

    url, settings = server
    clients = [Client(url, verbose=False, download_files=False) for _ in range(CLIENTS)]
    assert "/ask" in clients[0].view_api(print_info=False, return_format="dict")["named_endpoints"]
    new_file = write_jsonl(tmp_path / "added.jsonl", added_articles())
    load = Load()
    deadline = time.monotonic() + LOAD_DEADLINE_S
    started = threading.Event()
    add_done: dict[str, Any] = {}

    def client_loop(n: int, client: Any) -> None:
        for i in range(QUESTIONS_PER_CLIENT):
            if time.monotonic() > deadline:
                with load.lock:
                    load.errors.append(f"client {n}: deadline passed after {i} questions")
                return
            question = QUESTIONS[(n + i) % len(QUESTIONS)]
            begun = time.perf_counter()
            try:
                reply, _sources, status = ask(client, question)
            except BaseException as exc:  # any error at all fails the test
                with load.lock:
                    load.errors.append(f"client {n}, question {i}: {exc!r}")
                continue
            took = time.perf_counter() - begun
            kind = kind_of(reply)
            count = ARTICLE_COUNT.search(status)
            with load.lock:
                load.latencies.append(took)
                load.finished_at.append(time.monotonic())
                load.kinds[kind] = load.kinds.get(kind, 0) + 1
                if kind == "other":
                    load.errors.append(f"client {n}, {question!r}: {reply[:300]}")
                if count:
                    load.article_counts.add(int(count.group(1).replace(",", "")))
            started.set()

    def add_articles() -> None:
        assert started.wait(60), "no client got an answer"
        add_done["start"] = time.monotonic()
        try:
            writer = NewsQA(Settings(index_dir=settings.index_dir), embedder)
            add_done["report"] = writer.add([new_file])
        except BaseException as exc:
            add_done["error"] = exc
        add_done["end"] = time.monotonic()

    threads = [
        threading.Thread(target=client_loop, args=(n, c), daemon=True)
        for n, c in enumerate(clients)
    ]
    writer = threading.Thread(target=add_articles, daemon=True)
    t0 = time.monotonic()
    for thread in [*threads, writer]:
        thread.start()
    for thread in [*threads, writer]:
        thread.join(timeout=max(1.0, deadline - time.monotonic() + 5))
        assert not thread.is_alive(), "a client or the writer is still running past the deadline"
    wall = time.monotonic() - t0

    assert load.errors == []
    assert "error" not in add_done, add_done.get("error")
    report = add_done["report"]
    assert report.added == ADDED and report.articles == len(ARTICLES) + ADDED
    assert len(load.latencies) == CLIENTS * QUESTIONS_PER_CLIENT
    assert set(load.kinds) <= {"answer", "abstention"} and load.kinds.get("answer", 0) > 0
    during = [t for t in load.finished_at if add_done["start"] < t < add_done["end"]]
    assert during, "no question was answered while the add ran"
    # the clients saw the index before the add and after the swap
    assert {len(ARTICLES), len(ARTICLES) + ADDED} <= load.article_counts

    reply, sources, _ = ask(Client(url, verbose=False, download_files=False), NEW_QUESTION)
    assert kind_of(reply) == "answer" and "Ingrid Solberg" in reply, reply
    assert NEW_URL in sources  # cited from the new article

    overlapping = [
        took
        for took, end in zip(load.latencies, load.finished_at, strict=True)
        if end > add_done["start"] and end - took < add_done["end"]
    ]
    print(
        f"\nload: {CLIENTS} clients x {QUESTIONS_PER_CLIENT} questions in {wall:.1f} s, "
        f"replies {load.kinds}; add of {ADDED} articles took "
        f"{add_done['end'] - add_done['start']:.1f} s; latency all: {summary(load.latencies)}; "
        f"overlapping the add: {summary(overlapping)}"
    )


def p95(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def summary(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    return (
        f"n={len(ordered)} p50 {statistics.median(ordered) * 1000:.0f} ms, "
        f"p95 {p95(ordered) * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"
    )


ROUNDS_ALONE = 5  # each question asked this many times by a client on its own
QUESTIONS_TOGETHER = 25  # per client, with 8 clients at once


def ask_over_http(http: Any, url: str, question: str) -> tuple[str, str]:
    """(reply bubble, sources panel) for a question sent as any HTTP client sends it: POST to
    the page's `/gradio_api/call/ask`, then read the event stream to its `complete` event.
    Each call is a session of its own, so each question starts a new conversation.

    One kept-alive connection per client and a few lines of parsing: `gradio_client` spends
    70-120 ms of CPU per question (a new HTTP client and TLS context per request, polling
    threads), 3-4x the server's own time, so 8 of them in this process measured the
    clients rather than the page."""
    posted = http.post(f"{url}gradio_api/call/ask", json={"data": [question, [], "", ""]})
    posted.raise_for_status()
    event = ""
    with http.stream("GET", f"{url}gradio_api/call/ask/{posted.json()['event_id']}") as stream:
        stream.raise_for_status()
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.removeprefix("event:").strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                if event == "error":
                    raise RuntimeError(f"the page answered with an error: {line}")
                _, _, chat, sources, _ = json.loads(line.removeprefix("data:"))
                return last_reply(chat), sources
    raise RuntimeError(f"the event stream ended without a reply to {question!r}")


def test_eight_clients_get_the_answers_one_client_gets(server: tuple[str, Settings]) -> None:
    import httpx

    url, _ = server
    expected: dict[str, tuple[str, str]] = {}
    single: list[float] = []
    with httpx.Client(timeout=60) as alone:
        for question in QUESTIONS:  # a first round to warm the page's caches, not timed
            expected[question] = ask_over_http(alone, url, question)
        for _ in range(ROUNDS_ALONE):
            for question in QUESTIONS:
                begun = time.perf_counter()
                answered = ask_over_http(alone, url, question)
                single.append(time.perf_counter() - begun)
                assert answered == expected[question]

    load = Load()
    deadline = time.monotonic() + LOAD_DEADLINE_S

    def client_loop(n: int) -> None:
        with httpx.Client(timeout=60) as http:
            for i in range(QUESTIONS_TOGETHER):
                if time.monotonic() > deadline:
                    with load.lock:
                        load.errors.append(f"client {n}: deadline passed after {i} questions")
                    return
                question = QUESTIONS[(n + i) % len(QUESTIONS)]
                begun = time.perf_counter()
                try:
                    answered = ask_over_http(http, url, question)
                except BaseException as exc:  # any error at all fails the test
                    with load.lock:
                        load.errors.append(f"client {n}, question {i}: {exc!r}")
                    continue
                took = time.perf_counter() - begun
                with load.lock:
                    load.latencies.append(took)
                    if answered != expected[question]:
                        load.errors.append(f"client {n}, {question!r}: {answered[0][:300]}")

    threads = [threading.Thread(target=client_loop, args=(n,), daemon=True) for n in range(CLIENTS)]
    t0 = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic() + 5))
        assert not thread.is_alive(), "a client is still running past the deadline"
    wall = time.monotonic() - t0

    assert load.errors == []
    assert len(load.latencies) == CLIENTS * QUESTIONS_TOGETHER
    ratio = p95(load.latencies) / p95(single)
    print(
        f"\n1 client: {summary(single)}\n{CLIENTS} clients: {summary(load.latencies)} "
        f"({len(load.latencies) / wall:.1f} questions/s); p95 {ratio:.1f}x the single client's; "
        f"load average {Path('/proc/loadavg').read_text().split()[0]}"
    )


def test_a_question_does_not_wait_for_a_summary_of_every_earlier_event(
    server: tuple[str, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Gradio summarised all the events it keeps (up to 10,000, in a pandas frame) after
    each one, for a monitoring view the page does not serve: 3 ms per question at first,
    15 ms once 10,000 are kept. The page has it summarise every 1,000 events instead."""
    import httpx
    from gradio.queueing import Queue

    url, _ = server
    summaries: list[int] = []
    summarise = Queue._get_df
    monkeypatch.setattr(
        Queue, "_get_df", staticmethod(lambda records: summaries.append(1) or summarise(records))
    )
    with httpx.Client(timeout=60) as http:
        for question in QUESTIONS[:5]:
            assert ask_over_http(http, url, question)[0]
    assert summaries == []


HELD_S = 1.0  # how long each answer is held open, waiting for the others to arrive


def test_eight_questions_are_answered_at_once(
    server: tuple[str, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight clients asking together are answered together, not in waves: every answer is
    held open (off the GIL) until the others arrive, and the most answers in progress at one
    moment is counted — eight, where four at a time would give four."""
    import httpx

    url, _ = server
    with httpx.Client(timeout=60) as http:  # each question once first: warm caches, untimed
        for question in QUESTIONS:
            ask_over_http(http, url, question)
    answer = NewsQA.ask
    lock = threading.Lock()
    in_progress = [0, 0]  # now, most at once
    everyone = threading.Event()

    def held_ask(self: NewsQA, *args: Any, **kwargs: Any) -> Any:
        with lock:
            in_progress[0] += 1
            in_progress[1] = max(in_progress[1], in_progress[0])
            if in_progress[0] == CLIENTS:
                everyone.set()
        everyone.wait(HELD_S)  # the others come in meanwhile, or not (then this one goes on)
        try:
            return answer(self, *args, **kwargs)
        finally:
            with lock:
                in_progress[0] -= 1

    monkeypatch.setattr(NewsQA, "ask", held_ask)
    together = threading.Barrier(CLIENTS)
    replies: list[str] = []

    def one(question: str) -> None:
        with httpx.Client(timeout=60) as http:
            together.wait()
            replies.append(ask_over_http(http, url, question)[0])

    threads = [threading.Thread(target=one, args=(q,), daemon=True) for q in QUESTIONS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(replies) == CLIENTS
    assert in_progress[1] == CLIENTS, f"at most {in_progress[1]} questions were answered at once"
