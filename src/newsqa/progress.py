"""Progress reporting: rich progress bars on a terminal, silence in library use."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sized
from typing import TypeVar

T = TypeVar("T")


class Progress:
    """Wraps iterables in progress bars with counts and rate, or passes them through."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @classmethod
    def silent(cls) -> Progress:
        return cls(False)

    def track(self, items: Iterable[T], label: str, unit: str = "items") -> Iterator[T]:
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

        total = len(items) if isinstance(items, Sized) else None
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
                bar.advance(task)
                elapsed = bar.tasks[0].elapsed or 0.0
                done = bar.tasks[0].completed
                if elapsed > 0:
                    bar.update(task, rate=f"{done / elapsed:.1f} {unit}/s")
