"""The Article record: stable ids and normalisation of text, dates, outlets and URLs."""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dateutil import parser as date_parser

_TRACKING_PARAMS = re.compile(r"^(utm_|fbclid$|gclid$|mc_cid$|mc_eid$|ref$|cmpid$)")
_ZONES = {
    name: int(offset * 3600)
    for name, offset in {
        "UTC": 0, "UT": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2,
        "EEST": 3, "MSK": 3, "IST": 5.5, "JST": 9, "AEST": 10, "AEDT": 11, "EST": -5,
        "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    }.items()
}  # fmt: skip
_EPOCH_DIGITS = re.compile(r"^\d{9,13}(\.\d+)?$")
# Runs of spaces and tabs that become one space (a lone space already is one: not matched,
# so a long line of single-spaced words is not rebuilt piece by piece)
_SPACE_RUNS = re.compile(r"[ \t]{2,}|\t")
# Terminal escape sequences, removed whole (not just their ESC) so none of their text is left:
# CSI (colours, cursor moves, screen clearing), OSC (hyperlinks whose target differs from their
# text, window titles), DCS/SOS/PM/APC strings up to BEL or ST, and two-character sequences.
# 8-bit C1 introducers are dropped as single control characters (mis-decoded text holds them).
_ESCAPE_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b\n]*(?:\x07|\x1b\\)?"
    r"|\x1b[ -/]*[0-~]"
)


@dataclass(frozen=True)
class Outlet:
    """One outlet that ran a story: its name, its own link and publication time."""

    source: str
    url: str | None = None
    published_at: str | None = None
    article_id: str = ""


@dataclass(frozen=True)
class Article:
    """One news article as indexed: normalised text and metadata."""

    article_id: str
    title: str
    body: str
    source: str = ""
    published_at: str | None = None
    url: str | None = None
    author: str | None = None
    category: str | None = None
    summary: str | None = None
    origin: str = ""
    outlets: tuple[str, ...] = field(default_factory=tuple)
    syndication: tuple[Outlet, ...] = field(default_factory=tuple)

    @property
    def content_hash(self) -> str:
        return content_hash(self.title, self.body)

    @property
    def metadata(self) -> tuple[str | None, ...]:
        """What may change without the text changing: outlet, date, link, author, category,
        summary (in the index's column order)."""
        return (
            self.source,
            self.published_at,
            self.url,
            self.author,
            self.category,
            self.summary,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["outlets"] = list(self.outlets)
        data["syndication"] = [asdict(o) for o in self.syndication]
        return data


def content_hash(title: str, body: str) -> str:
    digest = hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()
    return digest[:32]


def normalise_text(text: str) -> str:
    """NFC, unify newlines, collapse runs of spaces; keep paragraph breaks."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    lines = [_SPACE_RUNS.sub(" ", _drop_controls(line)).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _drop_controls(line: str) -> str:
    """The line without escape sequences, control and format characters (C0, C1, bidi
    overrides; tabs kept); a line that has none, the usual case, is returned as it is
    without looking at each character in Python."""
    if line.replace("\t", " ").isprintable():
        return line
    line = _ESCAPE_SEQUENCES.sub("", line)
    return "".join(ch for ch in line if ch == "\t" or unicodedata.category(ch)[0] != "C")


def clean_line(text: str) -> str:
    """`text` safe to print on one line: escape sequences and control characters removed,
    line breaks and tabs made spaces (for file names, reasons and other metadata)."""
    flat = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return _drop_controls(flat)


def normalise_date(value: Any) -> str | None:
    """Any common date style to ISO 8601 UTC (`2023-11-27T08:45:59+00:00`); None if unknown."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, str) and _EPOCH_DIGITS.match(value.strip()):
        value = float(value)
    try:
        if isinstance(value, (int, float)):
            seconds = float(value) / 1000 if abs(value) >= 1e11 else float(value)  # epoch ms
            moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
        elif isinstance(value, datetime):
            moment = value
        elif isinstance(value, time.struct_time):
            moment = datetime(*value[:6], tzinfo=timezone.utc)
        else:
            moment = date_parser.parse(str(value).strip(), fuzzy=False, tzinfos=_ZONES)
    except (ValueError, OverflowError, TypeError, OSError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def normalise_outlet(name: Any, url: str | None = None) -> str:
    """The outlet's name on one line; without one, the site's host name (`www.` dropped)."""
    outlet = normalise_text(str(name or "")).replace("\n", " ")
    if outlet or not url:
        return outlet
    host = urlsplit(str(url)).hostname or ""
    return host.removeprefix("www.")


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, drop fragments, tracking parameters and trailing slashes."""
    text = clean_line(str(url or "")).strip()  # a link may hide a terminal escape sequence
    if not text:
        return None
    parts = urlsplit(text)
    if not parts.scheme or not parts.netloc:
        return text
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING_PARAMS.match(k)])
    path = parts.path.rstrip("/") or "/"
    host = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), host, path, query, ""))


def article_id_for(url: str | None, title: str, body: str) -> str:
    """Stable id: hash of the canonical URL when there is one, else of the content."""
    canonical = canonical_url(url)
    key = f"url:{canonical}" if canonical else f"text:{content_hash(title, body)}"
    return hashlib.sha1(key.encode()).hexdigest()[:16]


def make_article(
    *,
    title: str,
    body: str,
    source: str | None = None,
    published_at: Any = None,
    url: str | None = None,
    author: str | None = None,
    category: str | None = None,
    summary: str | None = None,
    origin: str = "",
) -> Article:
    """Build a normalised Article; raises ValueError when there is no text to index."""
    clean_body = normalise_text(body or "")
    clean_title = normalise_text(title or "").replace("\n", " ")
    if not clean_body:
        raise ValueError("article has no body text")
    if not clean_title:
        clean_title = clean_body.split("\n", 1)[0][:120]
    clean_url = canonical_url(url)
    outlet = normalise_outlet(source, clean_url)
    return Article(
        article_id=article_id_for(clean_url, clean_title, clean_body),
        title=clean_title,
        body=clean_body,
        source=outlet,
        published_at=normalise_date(published_at),
        url=clean_url,
        author=_optional(author),
        category=_optional(category),
        summary=_optional(summary),
        origin=origin,
        outlets=(outlet,) if outlet else (),
    )


def _optional(value: Any) -> str | None:
    if value is None:
        return None
    text = normalise_text(str(value)).replace("\n", " ")
    return text if text and text.lower() not in {"none", "null"} else None


@dataclass(frozen=True)
class Chunk:
    """A window of consecutive sentences of one article, with offsets into its body."""

    article_id: str
    position: int
    text: str
    start: int
    end: int
    tokens: int
