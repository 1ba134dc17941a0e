"""Yes/no questions ("Did …?", "Between A and B, was there …?") and, among them, questions
about which of two reports came first ("Did the Engadget report come out after The Verge's?")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsqa.question.outlets import OutletDirectory

_AUXILIARIES = (
    "is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|shall|may|might|must"
)
# the question opens with an auxiliary, or a framing clause ("Between A and B, …", "After
# the X report, …") is followed by one
_YES_NO = re.compile(
    rf"^(?:(?:between|after|before|following|given|considering|according to|in)\b[^?]*?,\s*)?"
    rf"(?:{_AUXILIARIES})\b",
    re.I,
)
_WH = re.compile(r"^(?:who|whom|whose|what|which|when|where|why|how)\b", re.I)
# "Was it A or B?" asks which: a short alternative closes the question
_EITHER = re.compile(r"\s+or\s+(?:[\w’'-]+\s+){0,3}[\w’'-]+\?\s*$", re.I)
_ORDER = re.compile(
    rf"^(?:{_AUXILIARIES})\b(?P<first>.+?)\b(?P<relation>before|after|earlier than|later than)"
    r"\b(?P<second>.+?)\??\s*$",
    re.I,
)
# a question about how reports relate (agree, change) is not settled by their dates
_RELATION_WORDS = re.compile(
    r"\b(?:chang\w*|consisten\w*|inconsisten\w*|contradict\w*|agree\w*|disagree\w*|"
    r"differ\w*|remain\w*|maintain\w*|shift\w*|align\w*|while)\b",
    re.I,
)
_NEGATED = re.compile(r"\b(?:fail(?:ed|s)? to|not|never|didn[’']t|wasn[’']t)\b", re.I)
# the second side starts with the outlet ("before The Verge reported", "after the 'Polygon'
# article"), not with a day ("after November 6"), which `question/dates.py` reads instead
_OUTLET_FIRST = re.compile(r"^\s*(?:the\s+)?['‘\"“]?\s*(?:the\s+)?$", re.I)
_REPORTING = re.compile(
    r"\b(?:report\w*|article|piece|review|stor(?:y|ies)|coverage|mention\w*|discuss\w*|"
    r"publish\w*|cover\w*|highlight\w*|describ\w*|announc\w*|note[ds]?|say|said|come out|"
    r"came out|recommend\w*|writ\w*|wrote)\b",
    re.I,
)


@dataclass(frozen=True)
class ReportSide:
    """One of the two reports an order question compares: what it says, and its outlets."""

    text: str
    outlets: tuple[str, ...]


@dataclass(frozen=True)
class TimeOrder:
    """ "Did A report … before B reported …?": is `first` before (or after) `second`?"""

    first: ReportSide
    second: ReportSide
    before: bool  # asks whether `first` came before `second` (False: after it)
    negated: bool  # "Did A fail to report … before B …?": the answer is the opposite


@dataclass(frozen=True)
class YesNo:
    """A question answered by yes or no; `order` when its two reports' dates settle it."""

    order: TimeOrder | None = None


def yes_no_form(text: str, directory: OutletDirectory | None = None) -> YesNo | None:
    """The question's yes/no form, or None when it asks for something else."""
    stripped = text.strip()
    if _WH.match(stripped) or not _YES_NO.match(stripped) or _EITHER.search(stripped):
        return None
    return YesNo(_time_order(stripped, directory) if directory is not None else None)


def _time_order(text: str, directory: OutletDirectory) -> TimeOrder | None:
    match = _ORDER.match(text)
    if match is None or _RELATION_WORDS.search(text):
        return None
    first, second = match["first"], match["second"]
    named_first, named_second = directory.mentions(first), directory.mentions(second)
    if not named_first or not named_second:
        return None
    if not _OUTLET_FIRST.match(second[: named_second[0].start]):
        return None
    if not _REPORTING.search(first) and not _REPORTING.search(second):
        return None
    return TimeOrder(
        first=ReportSide(first.strip(), tuple(sorted(named_first[0].sources))),
        second=ReportSide(second.strip(), tuple(sorted(named_second[0].sources))),
        before=match["relation"].lower() in ("before", "earlier than"),
        negated=bool(_NEGATED.search(first)),
    )
