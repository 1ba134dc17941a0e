"""Test helper: synthetic stories of random news words (never the same story twice)."""

from __future__ import annotations

import random
from collections.abc import Iterable

from benchmarks.process_memory import NEWS_WORDS  # one list of news words for tests and bench


def word_salad(rng: random.Random, leave_out: Iterable[str] = ()) -> str:
    """Eight sentences of fourteen random news words (without `leave_out`)."""
    skip = set(leave_out)
    words = [w for w in NEWS_WORDS if w not in skip]
    return " ".join(
        " ".join(rng.choice(words) for _ in range(14)).capitalize() + "." for _ in range(8)
    )
