"""A conversation's time frame: sentences about another year do not answer its follow-ups."""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsqa.answering.sentence_scoring import Sentence

_YEAR = re.compile(r"(?<![\d/.-])(19\d\d|20\d\d)(?![\d/.-])")


def in_time_frame(text: str, years: frozenset[int]) -> bool:
    """Does the sentence fit the years the conversation named? One that names years, none
    of them among those, is about another time ("the 2019 final" when 2023 was asked about)."""
    named = {int(y) for y in _YEAR.findall(text)}
    return not years or not named or bool(named & years)


def within_time_frame(sentences: Sequence[Sentence], years: frozenset[int]) -> list[Sentence]:
    """The sentences that fit the time frame (all of them when none does)."""
    kept = [s for s in sentences if in_time_frame(s.text, years)]
    return kept or list(sentences)
