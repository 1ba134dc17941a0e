"""Recency prior for questions about current news or asked on a known day: among the
candidate articles, the reports nearest the day asked (else the newest) count most, the
others fade with their distance in days."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date


def recency_prior(
    dated: Iterable[tuple[str, str | None]], scale_days: float, asked_on: date | None = None
) -> dict[str, float]:
    """article id → e^(-age / scale_days), age in days behind the newest dated candidate
    (1.0 for the newest; undated articles get nothing), or, when the day the question was
    asked is known, days away from that day (a report from after it is as far off as one
    from as long before)."""
    days: dict[str, int] = {}
    for article_id, published_at in dated:
        day = _day(published_at)
        if day is not None:
            days[article_id] = day
    if not days or scale_days <= 0:
        return {}
    anchor = asked_on.toordinal() if asked_on else max(days.values())
    return {a: math.exp(-abs(anchor - d) / scale_days) for a, d in days.items()}


def _day(published_at: str | None) -> int | None:
    try:
        return date.fromisoformat((published_at or "")[:10]).toordinal()
    except ValueError:
        return None
