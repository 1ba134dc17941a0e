"""Calendar dates written in questions ("October 6, 2023", "6 Oct 2023", "2023-10-06")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dateutil import parser as date_parser

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+{_DAY},?\s+\d{{4}}|{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b",
    re.I,
)


@dataclass(frozen=True)
class DateMention:
    """A span of text naming one calendar day."""

    start: int
    end: int
    day: date


def date_mentions(text: str) -> list[DateMention]:
    found = []
    for match in _DATE.finditer(text):
        try:
            day = date_parser.parse(match.group(0).replace(" of ", " ")).date()
        except (ValueError, OverflowError):
            continue
        found.append(DateMention(match.start(), match.end(), day))
    return found
