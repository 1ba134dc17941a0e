"""The kind of answer a question expects (who → a person, how many → a number, when → a date,
which show / where → a name)."""

from __future__ import annotations

import re


def expected_type(question: str) -> str | None:
    """'person', 'number', 'date', 'name' or None, from the question's wh-word."""
    q = question.strip().lower()
    if re.match(r"^(who|whom|whose)\b", q) or re.search(
        r"\b(which|what) (person|individual|company|organi[sz]ation|country|team|leader)\b", q
    ):
        return "person"
    if re.match(r"^how (many|much|long|old|far)\b", q) or re.search(
        r"\bwhat (percentage|number|amount|price)\b", q
    ):
        return "number"
    if re.match(r"^when\b", q) or re.search(r"\b(what|which) (date|day|year|month|time)\b", q):
        return "date"
    if re.search(r"(^|[.?!] )where\b|\bwhat is (it|the \w+) called\b|\bwhich (?!of\b)\w+", q):
        return "name"
    return None
