"""Questions about time order ('when', 'before', 'after'): their answers read best by date."""

from __future__ import annotations

import re

_TEMPORAL = re.compile(
    r"^when\b|\b(before|after|earlier|later|subsequent(ly)?|prior to|since|then|timeline|"
    r"sequence|first|followed|following)\b",
    re.I,
)


def is_temporal(question: str) -> bool:
    """Does the question ask about the order of events or reports in time?"""
    return bool(_TEMPORAL.search(question.strip()))
