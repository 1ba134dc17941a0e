"""Outlet names in questions: aliases of the indexed outlets and where a question names them."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

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
