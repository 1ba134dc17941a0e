"""Recency prior for questions about current news: among the candidate articles, the newest
reports count most, older ones fade with their age relative to the newest."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

RECENCY_DAYS = 180.0  # an article this many days older than the newest counts e^-1 as much


def recency_prior(dated: Iterable[tuple[str, str | None]], scale_days: float) -> dict[str, float]:
    """article id → e^(-age / scale_days), age in days behind the newest dated candidate
    (1.0 for the newest; undated articles get nothing)."""
    days: dict[str, int] = {}
    for article_id, published_at in dated:
        day = _day(published_at)
        if day is not None:
            days[article_id] = day
    if not days or scale_days <= 0:
        return {}
    newest = max(days.values())
    return {a: math.exp(-(newest - d) / scale_days) for a, d in days.items()}


def _day(published_at: str | None) -> int | None:
    try:
        return date.fromisoformat((published_at or "")[:10]).toordinal()
    except ValueError:
        return None
