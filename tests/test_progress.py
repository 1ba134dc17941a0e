"""Progress bars: counts by weight (an embedding group is its chunks) and a rate that reads."""

from __future__ import annotations

import io

import pytest
import rich.console
from rich.console import Console

from newsqa.progress import Progress, counted, rate_text


def test_rate_reads_per_minute_when_under_one_a_second() -> None:
    assert rate_text(3, 100.0, "groups") == "1.8 groups/min"  # was "0.0 groups/s"
    assert rate_text(1024, 12.0, "chunks") == "85.3 chunks/s"
    assert rate_text(0, 5.0, "chunks") == "" and rate_text(1, 0.0, "chunks") == ""


def test_weighted_items_count_their_units(monkeypatch: pytest.MonkeyPatch) -> None:
    groups = [[1, 2, 3], [4, 5], [6]]
    items, total = counted(iter(groups), len)
    assert list(items) == groups and total == 6
    assert counted(groups, None)[1] == 3
    output = io.StringIO()
    monkeypatch.setattr(
        rich.console, "Console", lambda **_: Console(file=output, width=100, force_terminal=False)
    )
    assert list(Progress(True).track(groups, "Embedding", unit="chunks", weight=len)) == groups
    assert "6/6" in output.getvalue() and "chunks" in output.getvalue()
