"""The page answers only requests addressed to its own names (no DNS rebinding) and accepts
writes only from its own page (no cross-origin POSTs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from newsqa.embedding import Embedder
from newsqa.ui.hosts import HostPolicy
from newsqa.ui.page import allowed_host_names
from page_server import running_page

ASK = "/gradio_api/call/ask"
QUESTION = {"data": ["Who reopened the Riverside bridge?", [], "", ""]}


def test_the_policy_answers_its_own_names_and_the_allowed_ones() -> None:
    local = HostPolicy.for_server("127.0.0.1", allowed_host_names("news.example, Proxy.Local"))
    for host in ("127.0.0.1:7860", "localhost:7860", "LOCALHOST.", "[::1]:7860", "news.example"):
        assert local.answers(host), host
    for host in ("evil.example:7860", "127.0.0.1.evil.example", "", "192.168.1.5:7860"):
        assert not local.answers(host), host
    assert local.answers("proxy.local:443")
    assert HostPolicy.for_server("news.internal").answers("news.internal:7860")
    everywhere = HostPolicy.for_server("0.0.0.0")  # any address; names only as allowed
    assert everywhere.answers("192.168.1.5:7860") and everywhere.answers("[fe80::1]:7860")
    assert not everywhere.answers("evil.example:7860")
    # writes: the page's own origin, or a name the user allowed (a proxy's public name)
    assert local.trusts("http://127.0.0.1:7860", "127.0.0.1:7860")
    assert not local.trusts("http://127.0.0.1:9999", "127.0.0.1:7860")
    assert not local.trusts("http://evil.example:7860", "127.0.0.1:7860")
    assert not local.trusts("null", "127.0.0.1:7860")
    assert local.trusts("https://news.example", "127.0.0.1:7860")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[str]:
    with running_page(tmp_path_factory.mktemp("hosts"), embedder) as (url, _):
        yield url


def test_a_foreign_host_header_is_refused(page: str) -> None:
    port = page.rsplit(":", 1)[1]
    evil = f"evil.example:{port}"
    # the rebinding page's own request: its Host and Origin are its own name
    headers = {"Host": evil, "Origin": f"http://{evil}"}
    assert httpx.post(page + ASK, json=QUESTION, headers=headers).status_code == 400
    refused = httpx.get(page + "/config", headers={"Host": evil})
    assert refused.status_code == 400 and "allowed-host" in refused.text
    assert httpx.get(page + "/config", headers={"Host": f"localhost:{port}"}).status_code == 200


def test_a_cross_origin_write_is_refused_and_the_page_own_is_not(page: str) -> None:
    port = page.rsplit(":", 1)[1]
    foreign = {"Origin": f"http://evil.example:{port}"}
    assert httpx.post(page + ASK, json=QUESTION, headers=foreign).status_code == 403
    upload = httpx.post(
        page + "/gradio_api/upload", files={"files": ("a.txt", b"text")}, headers=foreign
    )
    assert upload.status_code == 403
    for headers in ({"Origin": page}, {}):  # the page itself; a client without a browser
        asked = httpx.post(page + ASK, json=QUESTION, headers=headers)
        assert asked.status_code == 200 and asked.json()["event_id"]


def test_serve_passes_allowed_hosts_to_the_page(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    import newsqa.ui
    from newsqa.cli import app

    seen: list[str] = []
    monkeypatch.setattr(newsqa.ui, "launch", lambda s, host, port, qa: seen.append(s.allowed_hosts))
    monkeypatch.setenv("NEWSQA_ALLOWED_HOSTS", "news.example")
    args = ["serve", "--index", str(tmp_path), "--allowed-host", "proxy.local"]
    assert CliRunner().invoke(app, args).exit_code == 0
    assert allowed_host_names(seen[0]) == ["news.example", "proxy.local"]
