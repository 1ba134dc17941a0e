"""Time relative to when a question is asked ("this week", "recently"): not topic words, but a
sign that the question is about current news, which the newest reports answer best."""

from __future__ import annotations

import re

_RELATIVE_TIME = re.compile(
    r"\b(?:(?:earlier |later )?this|last|next|past) (?:week(?:end)?|month|year|summer|season)\b"
    r"|\b(?:recently|today|yesterday|tonight|this morning)\b",
    re.I,
)
_CURRENT = re.compile(r"\b(?:recent|latest|currently|so far|as of)\b", re.I)


def relative_time_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each phrase placing the question relative to today ("this week")."""
    return [(m.start(), m.end()) for m in _RELATIVE_TIME.finditer(text)]


def without_relative_time(text: str) -> str:
    """The question with its relative-time phrases blanked ("won … this week" → "won …")."""
    return _RELATIVE_TIME.sub(" ", text)


def asks_recent(text: str) -> bool:
    """Does the question ask about current news ("this week", "recently", "latest")?"""
    return bool(_RELATIVE_TIME.search(text) or _CURRENT.search(text))
