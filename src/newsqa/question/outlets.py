"""Outlet names in questions: which indexed outlets a question names (and where), and which
unknown outlets it attributes reports to."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_SECTION_SEPARATORS = (" | ", " - ", " — ", ": ")


@dataclass(frozen=True)
class OutletMention:
    """A span of the question naming one outlet (or an outlet family, e.g. all sections)."""

    start: int
    end: int
    sources: frozenset[str]


def aliases(name: str) -> set[str]:
    """Ways a question may name an outlet: full name, name before a section suffix
    ("The Independent - Sports" → "The Independent"), without a leading "The" or a ".com"."""
    out = {name.strip()}
    for separator in _SECTION_SEPARATORS:
        if separator in name:
            out.add(name.split(separator)[0].strip())
    for alias in list(out):
        if alias.lower().startswith("the "):
            out.add(alias[4:])
        if alias.lower().endswith(".com"):
            out.add(alias[:-4])
    return {a for a in out if len(a) >= 3}


class OutletDirectory:
    """Finds the indexed outlets a question names, longest alias first."""

    def __init__(self, sources: Iterable[str]) -> None:
        table: dict[str, set[str]] = defaultdict(set)
        for source in sources:
            if source:
                for alias in aliases(source):
                    table[alias.lower()].add(source)
        self._table = {alias: frozenset(names) for alias, names in table.items()}
        ordered = sorted(self._table, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<![\w])(" + "|".join(re.escape(a) for a in ordered) + r")(?![\w])", re.I)
            if ordered
            else None
        )

    def mentions(self, text: str) -> list[OutletMention]:
        if self._pattern is None:
            return []
        return [
            OutletMention(m.start(), m.end(), self._table[m.group(1).lower()])
            for m in self._pattern.finditer(text)
        ]


_DETERMINER = re.compile(r"\b(?:the|a|an)\s+$", re.I)


def without_outlets(text: str, directory: OutletDirectory) -> str:
    """The question asked of every outlet: the outlets it names become "the articles" ("what
    did the New York Times say about X?" → "what did the articles say about X?", "does the
    TechCrunch article say X?" → "does an article say X?")."""
    out = text
    for mention in reversed(directory.mentions(text)):
        start, end = mention.start, mention.end
        before = _DETERMINER.search(text[:start])
        after = re.match(rf"(?:’s|'s)?\s+({_WORKS})\b", text[end:], re.I)
        if before:
            start = before.start()
        words = "the articles"
        if before and after:
            end += after.end()
            words = "the articles" if after.group(1).lower().endswith("s") else "an article"
        if start == 0:
            words = words.capitalize()
        out = out[:start] + words + out[end:]
    return " ".join(out.split())


_NAME = r"[A-Z][\w.&’'-]*(?:\s(?:of\s|and\s|&\s|for\s)?[A-Z][\w.&’'-]*)*"
_WORKS = r"(?:article|report|piece|review|story|coverage|analysis|forecast|column|op-ed)s?"
_MONTHS = "january february march april may june july august september october november december"
_OUTLET_CONTEXT = [
    re.compile(
        rf"\b(?:{_WORKS}|another|one)\s(?:from|by|in)\s(?:an?\s|the\s)?['‘\"“]?(?:The\s)?"
        rf"(?P<name>{_NAME})"
    ),
    re.compile(
        r"\b(?:an?|the)\s['‘\"“]?(?:The\s)?(?P<name>"
        rf"{_NAME})['’\"”]?(?:’s|'s)?\s(?:article|report|piece|story|coverage|column)s?\b"
    ),
    re.compile(
        r"\b(?:according to|reported by|as per|published (?:by|in)|(?:mentioned|noted|covered) "
        rf"(?:in|by))\s(?:an?\s|the\s)?['‘\"“]?(?:The\s)?(?P<name>{_NAME})"
    ),
]


ATTRIBUTION_PATTERN = 2  # _OUTLET_CONTEXT from here on: 'according to X', 'reported by X'


def normalise(name: str) -> str:
    """Lower-case, no quotes, no leading 'the', single spaces."""
    name = re.sub(r"['‘’\"“”]", "", name.lower())
    name = re.sub(r"^the\s+", "", name.strip())
    return re.sub(r"\s+", " ", name)


@dataclass(frozen=True)
class OutletMentions:
    """Outlets a question names: those the collection has and those it does not."""

    known: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()  # 'an article from X', 'a X report': X is surely an outlet
    attributed: tuple[str, ...] = ()  # 'according to X': an outlet, or a source articles quote


@lru_cache(maxsize=4096)
def _keys(outlet: str) -> tuple[str, ...]:
    """The full name, and its head before ' | ' or ' - ' (e.g. 'Cnbc', 'The Independent')."""
    full = normalise(outlet)
    head = normalise(re.split(r"\s[|-]\s|:", outlet)[0])
    return (full,) if head == full or len(head) < 3 else (full, head)


def find_outlets(question: str, outlets: Iterable[str]) -> OutletMentions:
    """Known outlets named in `question` (by full name or head), and outlet-like names it
    attributes articles to ('a Bloomberg article', 'according to Reuters') that match none."""
    text = normalise(question)
    found: list[tuple[int, int, str, bool]] = []
    for outlet in outlets:
        if not outlet:
            continue
        for i, key in enumerate(_keys(outlet)):
            for m in re.finditer(rf"(?<!\w){re.escape(key)}(?!\w)", text):
                found.append((m.start(), m.end(), outlet, i == 0))
    full_spans = [(s, e) for s, e, _, is_full in found if is_full]
    known: dict[str, None] = {}
    for s, e, outlet, is_full in found:
        if is_full or not any(fs <= s and e <= fe for fs, fe in full_spans):
            known.setdefault(outlet, None)
    keys = [k for outlet in outlets if outlet for k in _keys(outlet)]
    unknown: dict[str, None] = {}
    attributed: dict[str, None] = {}
    for number, pattern in enumerate(_OUTLET_CONTEXT):
        found_here = unknown if number < ATTRIBUTION_PATTERN else attributed
        for m in pattern.finditer(question):
            for part in re.split(r"\s(?:and|&)\s(?:the\s)?", m.group("name")):
                name = normalise(part).strip(".’'")
                if _is_unknown(name, keys):
                    found_here.setdefault(part.strip(".’'"), None)
    return OutletMentions(
        tuple(known), tuple(unknown), tuple(a for a in attributed if a not in unknown)
    )


def _is_unknown(name: str, keys: list[str]) -> bool:
    if not name or name in _MONTHS.split() or re.search(r"(’s|'s)$", name):
        return False
    return not any(name in k or k in name for k in keys)
