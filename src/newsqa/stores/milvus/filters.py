"""Scopes as Milvus filter expressions, applied inside each search (before ranking)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from newsqa.stores.scope import Scope, near_days

OUTLET_MARK = "|"  # `outlet_list` holds "|source|outlet|...|"


def milvus_filter(scope: Scope, lite: bool = False) -> str:
    """A Milvus boolean expression for `scope` (empty: every chunk), the same rules as the
    embedded store's masks. milvus-lite evaluates array functions row by row in Python, so
    there outlets are matched with LIKE on the joined `outlet_list` (vectorised) instead."""
    parts: list[str] = []
    if scope.sources is not None:
        names = sorted(scope.sources)
        plain = lite and not any(c in name for name in names for c in '%_\\"')
        if plain:
            likes = " or ".join(f'outlet_list like "%|{_listed(name)}|%"' for name in names)
            parts.append(f"({likes})")
        else:
            listed = strings(names)
            parts.append(f"(source in {listed} or array_contains_any(outlets, {listed}))")
    if scope.days:
        parts.append(f"day in {strings(sorted(near_days(scope.days)))}")
    if scope.since:
        parts.append(f"published_at >= {quote(scope.since)}")
    if scope.until:
        parts.append(f"published_at <= {quote(scope.until)}")
    if scope.excluded:
        parts.append(f"article_id not in {strings(sorted(scope.excluded))}")
    if scope.within is not None:
        parts.append(f"article_id in {strings(sorted(scope.within))}")
    return " and ".join(parts)


def outlet_list(source: str, outlets: Sequence[str]) -> str:
    """The source and every outlet of a story, joined for LIKE filters."""
    names = [_listed(n) for n in dict.fromkeys([source, *outlets]) if n]
    return OUTLET_MARK + OUTLET_MARK.join(names) + OUTLET_MARK if names else ""


def _listed(name: str) -> str:
    """An outlet name as `outlet_list` holds it ("Cnbc | World" becomes "Cnbc / World")."""
    return name.replace(OUTLET_MARK, "/")


def strings(values: Iterable[str]) -> str:
    """A Milvus list literal of strings."""
    return "[" + ", ".join(quote(v) for v in values) + "]"


def quote(value: str) -> str:
    """A Milvus string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
