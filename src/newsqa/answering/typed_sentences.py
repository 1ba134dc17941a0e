"""Whether a sentence holds the kind of answer the question expects (a name, a number, a date)."""

from __future__ import annotations

import re

_NAME = re.compile(r"\b[A-Z][a-z]+(?:[\s-]+(?:[A-Z][a-z]+|[A-Z]\.))+")
_NUMBER = re.compile(
    r"(?<![\w.])[$€£]?\d[\d,.]*\s*(%|percent|million|billion|thousand)?|\b(one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|thousands?)\b",
    re.I,
)
# a capitalised word after the sentence's first word, or a quoted title
_PROPER = re.compile(
    r"(?<=\w[\s,;:(]) ?([A-Z][\w'.&-]*(?:\s+[A-Z][\w'.&-]*)*)|[“\"]([^”\"]{2,60})[”\"]"
)
_DATE = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|"
    r"last (week|month|year)|this (week|month|year)|\d{4}|\d{1,2}/\d{1,2})\b",
    re.I,
)


def has_answer_type(sentence: str, kind: str | None, lowered_question: str) -> bool:
    """Does `sentence` hold something of `kind` that the question itself does not mention?"""
    if kind is None:
        return False
    q = lowered_question
    if kind == "person":
        return any(m.group(0).lower() not in q for m in _NAME.finditer(sentence))
    if kind == "name":  # a name the question does not hold, not a weekday or a month
        found = ((m.group(1) or m.group(2) or "").strip(" .") for m in _PROPER.finditer(sentence))
        return any(n.lower() not in q and not _DATE.fullmatch(n) for n in found)
    if kind == "number":
        return any(m.group(0).strip().lower() not in q for m in _NUMBER.finditer(sentence))
    return any(m.group(0).lower() not in q for m in _DATE.finditer(sentence))
