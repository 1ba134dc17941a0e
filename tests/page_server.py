"""Test helper: the chat page over a fixture index on a free 127.0.0.1 port, in a thread."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from browser.fixture_articles import ARTICLES, write_jsonl
from newsqa.api import NewsQA
from newsqa.config import Settings
from newsqa.embedding import Embedder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_page(root: Path, embedder: Embedder) -> Iterator[tuple[str, NewsQA]]:
    """Index the fixture articles under `root`, serve the page; yields (url, qa)."""
    from newsqa.ui import create_app
    from newsqa.ui.page import launch_options

    settings = Settings(index_dir=root / "index")
    qa = NewsQA(settings, embedder)
    qa.rebuild([write_jsonl(root / "articles.jsonl", ARTICLES)])
    qa.warm_up()
    port = free_port()
    demo = create_app(settings, qa=qa)
    demo.launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        quiet=True,
        **launch_options(),
    )
    try:
        yield f"http://127.0.0.1:{port}", qa
    finally:
        demo.close()
