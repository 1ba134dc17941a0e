"""Which requests the page answers: only those addressed to a name the server is bound to or
allowed (a page elsewhere that rebinds its own name to this machine gets 400), and writes
only from the page itself (a cross-origin POST gets 403)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
EVERY_INTERFACE = ("0.0.0.0", "::", "")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ALLOW_HINT = "start it with --allowed-host NAME (or NEWSQA_ALLOWED_HOSTS=NAME,...) to allow one"


def host_name(value: str) -> str | None:
    """The name in a Host header or URL authority, lowercased, without port, brackets or a
    final dot; None when there is none."""
    try:
        name = urlsplit(f"//{value.strip()}").hostname
    except ValueError:
        return None
    return name.rstrip(".") if name else None


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _bound_name(bound: str) -> str:
    """A --host value as a Host header names it: an address as written there, else a name."""
    bare = bound.strip().strip("[]")
    if _is_address(bare):
        return str(ipaddress.ip_address(bare))
    return host_name(bare) or bare.lower()


@dataclass(frozen=True)
class HostPolicy:
    """The Host names a server answers to, and the names whose pages may write to it."""

    names: frozenset[str]
    allowed: frozenset[str]  # named by the user: also trusted as the Origin of a write
    any_address: bool = False  # bound to every interface: any IP address as Host too

    @classmethod
    def for_server(cls, bound: str, allowed: Iterable[str] = ()) -> HostPolicy:
        """The policy of a server bound to `bound` (its --host), with `allowed` names."""
        extra = {n for n in (host_name(a) for a in allowed if a.strip()) if n}
        names = {*LOCAL_NAMES, *extra}
        any_address = bound.strip() in EVERY_INTERFACE
        if any_address:  # reached by this machine's own names (an address cannot be rebound)
            names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        else:
            names.add(_bound_name(bound))
        return cls(frozenset(names), frozenset(extra), any_address)

    def answers(self, host: str) -> bool:
        """Whether a request with this Host header is addressed to this server."""
        name = host_name(host)
        if not name:
            return False
        return name in self.names or (self.any_address and _is_address(name))

    def trusts(self, origin: str, host: str) -> bool:
        """Whether a browser page at `origin` may write: the page this server served (same
        host and port as the request's Host), or one on a name the user allowed."""
        parts = urlsplit(origin.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return False  # "null" (sandboxed frames, files) and anything stranger
        if parts.netloc.lower() == host.strip().lower():
            return True
        return host_name(parts.netloc) in self.allowed


class HostGuard:
    """ASGI middleware: a Host the policy does not answer gets 400; a write (or a
    websocket) whose Origin it does not trust gets 403. Requests without an Origin (curl,
    the Gradio client) are not cross-origin browser requests and pass."""

    def __init__(self, app: Any, policy: HostPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if not self.policy.answers(host):
            reason = f"this newsqa server does not answer to that Host name; {ALLOW_HINT}"
            await _refuse(scope, send, 400, reason)
            return
        origin = headers.get("origin")
        writes = scope["type"] == "websocket" or scope.get("method", "GET") in WRITES
        if origin is not None and writes and not self.policy.trusts(origin, host):
            await _refuse(scope, send, 403, "writes are accepted only from this server's page")
            return
        await self.app(scope, receive, send)


async def _refuse(scope: dict[str, Any], send: Any, status: int, reason: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008, "reason": reason})
        return
    body = (reason + "\n").encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
