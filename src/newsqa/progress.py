"""Progress reporting: rich progress bars on a terminal, silence in library use."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sized
from typing import TypeVar

T = TypeVar("T")
Weight = Callable[[T], int]  # how many units one item counts for (a group of 512 chunks: 512)


class Progress:
    """Wraps iterables in progress bars with counts and rate, or passes them through."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @classmethod
    def silent(cls) -> Progress:
        return cls(False)

    def track(
        self, items: Iterable[T], label: str, unit: str = "items", weight: Weight | None = None
    ) -> Iterator[T]:
        """Yield `items`, counting `unit`s: one per item, or `weight(item)` of them."""
        if not self.enabled:
            yield from items
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        items, total = counted(items, weight)
        with RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),  # stdout stays clean for --json output
        ) as bar:
            task = bar.add_task(label, total=total, unit=unit, rate="")
            for item in items:
                yield item
                bar.advance(task, weight(item) if weight else 1)
                elapsed = bar.tasks[0].elapsed or 0.0
                bar.update(task, rate=rate_text(bar.tasks[0].completed, elapsed, unit))


def counted(items: Iterable[T], weight: Weight | None) -> tuple[Iterable[T], int | None]:
    """The items (listed when they must be weighed first) and their total in units."""
    if weight is not None:
        listed = list(items)
        return listed, sum(weight(item) for item in listed)
    return items, (len(items) if isinstance(items, Sized) else None)


def rate_text(done: float, elapsed: float, unit: str) -> str:
    """ "85.3 chunks/s", or per minute when under one a second ("0.0 groups/s" said nothing)."""
    if done <= 0 or elapsed <= 0:
        return ""
    per_second = done / elapsed
    if per_second >= 1:
        return f"{per_second:.1f} {unit}/s"
    return f"{per_second * 60:.1f} {unit}/min"
