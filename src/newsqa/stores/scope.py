"""Scope: which articles a search may return (outlets, days, date range, exclusions)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

DAY_TOLERANCE = 1  # a day named in a question matches articles dated ±1 day (time zones)

# The lexical scope policy every store follows: one unfiltered BM25 query per claim keeps
# LEXICAL_POOL hits, which serve every outlet/date scope; a scope left with fewer than
# MIN_SCOPED_HITS of them (from a full pool) is searched again with its filter.
LEXICAL_POOL = 300
MIN_SCOPED_HITS = 20


@dataclass(frozen=True)
class Scope:
    """Which articles a search may return; every store applies it before ranking."""

    sources: frozenset[str] | None = None
    days: tuple[date, ...] = ()
    since: str | None = None
    until: str | None = None
    excluded: frozenset[str] = frozenset()  # article ids never returned
    within: frozenset[str] | None = None  # only these article ids (a conversation's story)

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
        if self.within is not None:
            clauses.append(f"a.article_id IN ({','.join('?' * len(self.within))})")
            params.extend(sorted(self.within))
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
        if self.within is not None and article_id not in self.within:
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


def scoped_hits(
    pool: Sequence[tuple[int, float]],
    n: int,
    admitted: Sequence[bool] | None,
    search_again: Callable[[], list[tuple[int, float]]],
) -> list[tuple[int, float]]:
    """The top `n` of a claim's unfiltered BM25 pool inside a scope (`admitted`: per hit,
    None when the scope admits all), or `search_again()` when too few of them are left."""
    if admitted is None:
        return list(pool[:n])
    kept = [hit for hit, ok in zip(pool, admitted, strict=True) if ok]
    if len(kept) >= min(n, MIN_SCOPED_HITS) or len(pool) < LEXICAL_POOL:
        return kept[:n]
    return search_again()
