"""Question analysis: the outlets and dates it names, and its parts (one claim each)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from newsqa.question.dates import date_mentions
from newsqa.question.outlets import OutletDirectory
from newsqa.question.relative_time import relative_time_spans
from newsqa.text.words import content_words, fts_match

# Where multi-part questions change claim: commas, semicolons, and "while/whereas/but/and does…".
_CLAUSE_BREAK = re.compile(
    r"\s*[,;]\s*|\s+(?=(?:while|whereas|but|and (?:does|did|do|is|was|are|were|has|have|had|the|"
    r"a|an|also|then|how|what|which|who))\b)",
    re.I,
)
MIN_PART_WORDS = 4


@dataclass(frozen=True)
class QuestionPart:
    """One claim of a question, with the outlets and days it names (outlet/date words removed)."""

    text: str
    outlets: tuple[frozenset[str], ...] = ()
    dates: tuple[date, ...] = ()
    match: str = ""  # FTS5 MATCH expression of `text`


@dataclass(frozen=True)
class QuestionPlan:
    """The whole question as a part, plus its separate claims when it has several."""

    whole: QuestionPart
    parts: tuple[QuestionPart, ...] = ()


def clauses(question: str) -> list[str]:
    """Split at clause breaks, merging fragments too short to retrieve on their own."""
    merged: list[str] = []
    for fragment in (f for f in _CLAUSE_BREAK.split(question) if f and f.strip()):
        if merged and (
            len(content_words(fragment)) < MIN_PART_WORDS
            or len(content_words(merged[-1])) < MIN_PART_WORDS
        ):
            merged[-1] = f"{merged[-1]} {fragment}"
        else:
            merged.append(fragment)
    return merged


def analyse_part(text: str, directory: OutletDirectory) -> QuestionPart:
    outlets = directory.mentions(text)
    dates = date_mentions(text)
    spans = _merged(
        [(m.start, m.end) for m in outlets]
        + [(d.start, d.end) for d in dates]
        + relative_time_spans(text)
    )
    stripped = text
    for start, end in reversed(spans):
        stripped = f"{stripped[:start]} {stripped[end:]}"
    unique: list[frozenset[str]] = []
    for mention in outlets:
        if mention.sources not in unique:
            unique.append(mention.sources)
    stripped = re.sub(r"\s+", " ", stripped).strip()
    return QuestionPart(
        stripped, tuple(unique), tuple(dict.fromkeys(d.day for d in dates)), fts_match(stripped)
    )


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlapping ones joined, so each character is removed once."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def plan_question(question: str, directory: OutletDirectory) -> QuestionPlan:
    whole = analyse_part(question, directory)
    pieces = clauses(question)
    if len(pieces) < 2:
        return QuestionPlan(whole)
    return QuestionPlan(whole, tuple(analyse_part(piece, directory) for piece in pieces))
