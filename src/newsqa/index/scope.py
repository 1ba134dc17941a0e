"""Scope: which articles a search may return (outlets, days, date range, exclusions)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

DAY_TOLERANCE = 1  # a day named in a question matches articles dated ±1 day (time zones)


@dataclass(frozen=True)
class Scope:
    """Which articles a search may return; every store applies it before ranking."""

    sources: frozenset[str] | None = None
    days: tuple[date, ...] = ()
    since: str | None = None
    until: str | None = None
    excluded: frozenset[str] = frozenset()  # article ids never returned

    def sql(self) -> tuple[str, list[str]]:
        """A WHERE fragment over `articles a`, with its parameters."""
        clauses: list[str] = []
        params: list[str] = []
        if self.sources is not None:
            marks = ",".join("?" * len(self.sources))
            clauses.append(
                f"(a.source IN ({marks}) OR EXISTS "
                f"(SELECT 1 FROM json_each(a.outlets) WHERE json_each.value IN ({marks})))"
            )
            params.extend(sorted(self.sources) * 2)
        if self.days:
            near = sorted(near_days(self.days))
            clauses.append(f"substr(a.published_at, 1, 10) IN ({','.join('?' * len(near))})")
            params.extend(near)
        if self.since:
            clauses.append("a.published_at >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("a.published_at <= ?")
            params.append(self.until)
        if self.excluded:
            clauses.append(f"a.article_id NOT IN ({','.join('?' * len(self.excluded))})")
            params.extend(sorted(self.excluded))
        return " AND ".join(clauses), params

    def admits(
        self, article_id: str, source: str, outlets: Sequence[str], published_at: str
    ) -> bool:
        """Whether a chunk of this article is in scope (the rules of the embedded store's
        masks: an outlet is the source or any outlet that carried the story; an undated
        article fails `since` and `days`)."""
        if self.sources is not None and not self.sources & {source, *outlets}:
            return False
        if self.days and published_at[:10] not in near_days(self.days):
            return False
        if self.since and not published_at >= self.since:
            return False
        if self.until and not published_at <= self.until:
            return False
        return article_id not in self.excluded

    @property
    def unrestricted(self) -> bool:
        return self == Scope()


def near_days(days: Iterable[date]) -> set[str]:
    """ISO days within `DAY_TOLERANCE` of any of `days`."""
    return {
        (day + timedelta(days=delta)).isoformat()
        for day in days
        for delta in range(-DAY_TOLERANCE, DAY_TOLERANCE + 1)
    }
