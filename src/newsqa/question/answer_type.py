"""The kind of answer a question expects (who → a person, how many → a number, when → a date,
which show / where → a name), read from the clause that asks: news questions often open
with a sentence of context ("Biden announced loan relief. How much will borrowers get?")."""

from __future__ import annotations

import re

# the clause that asks starts the question, a sentence, or follows a comma ("Despite …, how")
_START = r"(?:^|[.?!]\s+|,\s+)(?:approximately |roughly |about |exactly |nearly |so )?"
_PERSON = re.compile(
    _START + r"(?:who|whom|whose)\b"
    r"|\b(?:which|what) (?:\w+ )?(?:person|individual|company|organi[sz]ation|country|team|"
    r"leader|star|player|athlete|actor|actress|singer|rapper|musician|politician|lawmaker|"
    r"official|executive|ceo|president|senator|judge|celebrity)\b"
    r"|\bwhat (?:is|was) (?:his|her|their) (?:full )?name\b"
)
_NUMBER = re.compile(
    r"\bhow (?:many|much)\b|" + _START + r"how (?:long|old|far|big|large|high|tall|fast)\b"
    r"|\b(?:what|which) (?:(?:is|was|were|are) the )?(?:\w+ ){0,3}?(?:percentage|number|amount|"
    r"price|cost|magnitude|rate|total|sum|age|score|figure|toll)\b"
)
_DATE = re.compile(_START + r"(?:when|how soon)\b|\b(?:what|which) (?:date|day|year|month|time)\b")
_NAME = re.compile(_START + r"where\b|\bwhat is (?:it|the \w+) called\b|\bwhich (?!of\b)\w+")


def expected_type(question: str) -> str | None:
    """'person', 'number', 'date', 'name' or None, from the question's asking clause."""
    q = asking_clause(question).lower()
    for kind, pattern in (
        ("person", _PERSON),
        ("number", _NUMBER),
        ("date", _DATE),
        ("name", _NAME),
    ):
        if pattern.search(q):
            return kind
    return None


def asking_clause(question: str) -> str:
    """The last sentence that asks (ends with "?"), or the whole question."""
    sentences: list[str] = []
    for piece in re.split(r"(?<=[.?!])\s+(?=[A-Z“\"'])", question.strip()):
        if sentences and len(piece.split()) < 4:  # "Roe v. Wade?": the split was an abbreviation
            sentences[-1] += " " + piece
        else:
            sentences.append(piece)
    asking = [s for s in sentences if s.rstrip().endswith("?")]
    return asking[-1] if asking else question.strip()
