"""Reports that differ: two or more values of the kind asked for (a number, a date, a name),
each stated by a sentence the reader judges to answer the question, in articles that do not
mention the other value; the answer's first line shows each value with its outlets and dates
("Reports differ: 2,012 — Reuters, 10 Sep 2023 [1]; 2,946 — AP, 14 Sep 2023 [2])."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from newsqa.answering.reader import Reading
from newsqa.answering.reported_values import StatedValue, stated_values
from newsqa.answering.sentence_scoring import Sentence
from newsqa.question import Question
from newsqa.records import Answer, ReportedValue
from newsqa.text.words import terms

DIFFER_TEXT = "Reports differ:"


@dataclass(frozen=True)
class Account:
    """One value and the strong sentences stating it, best first."""

    value: StatedValue
    sentences: tuple[Sentence, ...]
    logit: float  # the reader's score of its best sentence


def find_disagreement(
    question: Question,
    readings: Sequence[Reading],
    articles: dict[str, str],
    margin: float,
    floor: float,
    overlap: float,
) -> list[Account]:
    """The accounts that differ (none, or two and more), the best reading's value first.

    `readings`: the reader's shortlist, best first; a sentence counts as an answer when its
    logit is within `margin` of the best and at least `floor`. Two values differ when neither
    form matches the other, no article stating one mentions the other (`articles`: article id
    → its text), and their sentences say the same of them (their other words overlap by
    Jaccard ≥ `overlap`)."""
    kind = asked_kind(question)
    if kind is None or question.yes_no is not None or not readings:
        return []
    best = readings[0].logit
    strong = [r for r in readings if r.logit >= max(floor, best - margin)]
    accounts: list[Account] = []
    for r in strong:
        for value in stated_values(r.sentence.text, kind, question.lowered):
            known = next((a for a in accounts if a.value.same_as(value)), None)
            if known is None:
                accounts.append(Account(value, (r.sentence,), r.logit))
            elif all(s.article_id != r.sentence.article_id for s in known.sentences):
                i = accounts.index(known)
                accounts[i] = replace(known, sentences=(*known.sentences, r.sentence))
    for pivot in accounts:  # the best reading's values first; the first that has rivals
        differ = [pivot]
        for other in accounts:
            if other is not pivot and all(
                _conflict(a, other, articles, kind, question, overlap) for a in differ
            ):
                differ.append(other)
        if len(differ) > 1:
            return differ
    return []


_ASKED_DATE = re.compile(r"\bwhat (?:is|was|were|are) the (?:[\w'’-]+ ){0,3}?(?:date|day)\b")
_ASKED_NUMBER = re.compile(
    r"\bwhat (?:is|was|were|are) (?:the )?(?:[\w'’-]+ ){0,3}?"
    r"(?:revenue|profit|sales|price|cost|toll|population|salary|budget)\b"
)


def asked_kind(question: Question) -> str | None:
    """The kind of value asked for: the question's expected type, else a date or a number
    its wording names ("what is the release date of …", "what was Tesla's revenue …")."""
    if question.expected_type is not None:
        return question.expected_type
    if _ASKED_DATE.search(question.lowered):
        return "date"
    if _ASKED_NUMBER.search(question.lowered):
        return "number"
    return None


def _conflict(
    a: Account,
    b: Account,
    articles: dict[str, str],
    kind: str,
    question: Question,
    overlap: float,
) -> bool:
    """Do `a` and `b` give different values for the same thing?"""
    if a.value.same_as(b.value):
        return False
    for account, rival in ((a, b), (b, a)):
        for s in account.sentences:
            text = articles.get(s.article_id, s.text)
            if any(rival.value.same_as(v) for v in stated_values(text, kind, question.lowered)):
                return False  # one report states both: not a disagreement
    s, t = a.sentences[0], b.sentences[0]
    if s.article_id == t.article_id:
        return False
    x = terms(s.text.replace(a.value.text, " "), pairs=False)
    y = terms(t.text.replace(b.value.text, " "), pairs=False)
    if len(x & y) / (len(x | y) or 1) < overlap:
        return False
    # the same place in what they say: the words around each value share one
    return bool(_around(s.text, a.value.text) & _around(t.text, b.value.text))


def _around(sentence: str, value: str, width: int = 4) -> frozenset[str]:
    """The terms of the `width` words before and after `value` in `sentence`."""
    at = sentence.find(value)
    if at < 0:
        return frozenset()
    before = sentence[:at].split()[-width:]
    after = sentence[at + len(value) :].split()[:width]
    return terms(" ".join(before + after), pairs=False)


def with_disagreement(answer: Answer, accounts: Sequence[Account]) -> Answer:
    """`answer` opening with "Reports differ: …", each value with the [n], outlet and date of
    the cited articles stating it."""
    values: list[ReportedValue] = []
    for account in accounts:
        stating = {(s.article_id, s.start) for s in account.sentences}
        cited = [c for c in answer.citations if (c.article_id, c.start) in stating]
        numbers = list(dict.fromkeys(c.n for c in cited))
        if not numbers:
            continue
        first = {n: next(c for c in cited if c.n == n) for n in numbers}
        values.append(
            ReportedValue(
                account.value.text,
                tuple(numbers),
                tuple(first[n].source or "unknown outlet" for n in numbers),
                tuple((first[n].published_at or "")[:10] for n in numbers),
            )
        )
    if len(values) < 2:
        return answer
    line = disagreement_line(values)
    return replace(
        answer,
        text=f"{line}\n\n{answer.text}",
        disagreement=values,
        disagreement_line=line,
    )


def disagreement_line(values: Sequence[ReportedValue]) -> str:
    """ "Reports differ: 2,012 — Reuters, 10 Sep 2023 [1]; 2,946 — AP, 14 Sep 2023 [2]." """
    parts = []
    for v in values:
        sources = defaultdict(list)
        for n, outlet, day in zip(v.citations, v.outlets, v.dates, strict=True):
            sources[(outlet, day)].append(n)
        said = ", ".join(
            f"{outlet}, {_day(day)} " + " ".join(f"[{n}]" for n in ns)
            for (outlet, day), ns in sources.items()
        )
        parts.append(f"{v.value} — {said}")
    return f"{DIFFER_TEXT} " + "; ".join(parts) + "."


def _day(iso: str) -> str:
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return "undated"
    return f"{d.day} {d:%b %Y}"
