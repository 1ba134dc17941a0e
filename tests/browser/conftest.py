"""Browser test harness: a small fixture index, the chat page on a free local port (in a
thread), and Debian's chromium driven by Playwright with every request recorded."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from newsqa.api import NewsQA
from newsqa.embedding import Embedder
from page_server import running_page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A variable outside NEWSQA_* (the suite clears those): CI sets it so a missing browser fails.
REQUIRE = "REQUIRE_BROWSER_TESTS"


@dataclass
class PageServer:
    url: str
    index_dir: Path
    qa: NewsQA


@dataclass
class Requests:
    """Every URL the browser asked for, and the dialogs scripts tried to open."""

    urls: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def foreign(self, server_url: str) -> list[str]:
        """Requests to any host other than the page's own server."""
        own = urlsplit(server_url).netloc
        return [
            u
            for u in self.urls
            if urlsplit(u).scheme not in ("data", "blob", "about") and urlsplit(u).netloc != own
        ]


@pytest.fixture(scope="session")
def page_server(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> Iterator[PageServer]:
    with running_page(tmp_path_factory.mktemp("page"), embedder) as (url, qa):
        yield PageServer(url, qa.settings.index_dir, qa)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not installed (`make test` installs it with apt)"
        if os.environ.get(REQUIRE):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def requests() -> Requests:
    return Requests()


def _page_opener(
    browser: Any, server: PageServer, requests: Requests
) -> Iterator[Callable[..., Any]]:
    """Opens the page of `server` at a given width; every request and dialog is recorded."""
    contexts: list[Any] = []

    def opener(width: int = 1400, height: int = 900) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height})
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
        context.on("request", lambda request: requests.urls.append(request.url))
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(
            "window.__pwned = null; window.alert = (m) => { window.__pwned = 'alert ' + m; };"
        )
        page.on(
            "dialog", lambda dialog: (requests.dialogs.append(dialog.message), dialog.dismiss())
        )
        page.goto(server.url)
        page.wait_for_selector("#newsqa-question textarea")
        return page

    yield opener
    for context in contexts:
        context.close()
    foreign = requests.foreign(server.url)
    assert not foreign, f"requests to other hosts: {foreign}"
    if contexts:  # a test that skipped before opening the page recorded nothing
        assert requests.urls, "no request was recorded at all"


@pytest.fixture
def open_page(browser: Any, page_server: PageServer, requests: Requests) -> Iterator[Any]:
    """Open the page (over the session's fixture index) at a given width."""
    yield from _page_opener(browser, page_server, requests)


@pytest.fixture
def own_page_server(tmp_path: Path, embedder: Embedder) -> Iterator[PageServer]:
    """A page over its own copy of the fixture index, for a test that changes its outlets."""
    with running_page(tmp_path, embedder) as (url, qa):
        yield PageServer(url, qa.settings.index_dir, qa)


@pytest.fixture
def open_own_page(browser: Any, own_page_server: PageServer, requests: Requests) -> Iterator[Any]:
    """Open the page over `own_page_server` at a given width."""
    yield from _page_opener(browser, own_page_server, requests)
