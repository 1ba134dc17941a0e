"""Questions about time order ('when', 'before', 'after'): their answers read best by date."""

from __future__ import annotations

import re

from newsqa.text.words import MONTHS

_TEMPORAL = re.compile(
    r"^when\b|\b(before|after|earlier|later|subsequent(ly)?|prior to|since|then|timeline|"
    r"sequence|first|followed|following)\b",
    re.I,
)


_LATEST = re.compile(
    r"\b(still|now|currently|anymore|any longer|latest|so far|as of|ended up|eventually|"
    r"in the end|after all|return(s|ed)?|came back|come back|reinstated|rehired|reversed|"
    r"what happened (next|after|then))\b",
    re.I,
)


def asks_latest(question: str) -> bool:
    """Does the question ask how things stand now ('did he return', 'is it still')? Then the
    latest dated statement answers it best."""
    return bool(_LATEST.search(question))


def is_temporal(question: str) -> bool:
    """Does the question ask about the order of events or reports in time?"""
    return bool(_TEMPORAL.search(question.strip()))


_MONTHS = {m: i + 1 for i, m in enumerate(MONTHS)}
_MONTH_DAY = re.compile(
    r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b|\b\d{4}-(\d\d)-(\d\d)\b", re.I
)


def mentioned_days(question: str) -> set[tuple[int, int]]:
    """(month, day) pairs the question names: 'October 7th', 'November 9, 2023', '2023-10-12'."""
    days: set[tuple[int, int]] = set()
    for m in _MONTH_DAY.finditer(question):
        if m.group(1):
            days.add((_MONTHS[m.group(1).lower()], int(m.group(2))))
        else:
            days.add((int(m.group(3)), int(m.group(4))))
    return days


def published_on(published_at: str | None, days: set[tuple[int, int]]) -> bool:
    """Was the article published on one of `days` (a day either side, for time zones)?"""
    if not published_at or not days or len(published_at) < 10:
        return False
    try:
        month, day = int(published_at[5:7]), int(published_at[8:10])
    except ValueError:
        return False
    return any(m == month and abs(d - day) <= 1 for m, d in days)
