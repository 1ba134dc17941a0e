"""Passage windows: grow a retrieved chunk into the surrounding sentences, up to a token budget.

Chunks are cut at fixed places, so a claim often straddles two of them; the passage shown and
scored is instead the chunk widened evenly on both sides with whole sentences from its
neighbours, never past `budget` cl100k tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from newsqa.text.sentences import SentenceSpan, split_sentences
from newsqa.text.tokens import count_tokens


@dataclass(frozen=True)
class Window:
    """A span [start, end) of an article body."""

    start: int
    end: int


def widen(
    chunk_start: int,
    chunk_end: int,
    pieces: list[tuple[int, str, int, int]],
    budget: int,
) -> Window:
    """`pieces` are (position, text, start, end) of the chunk and its neighbours, in order."""
    sentences = _sentences(pieces)
    inside = [i for i, s in enumerate(sentences) if s.start >= chunk_start and s.end <= chunk_end]
    if not inside:
        return Window(chunk_start, chunk_end)
    cost = [_tokens(s.text) + 1 for s in sentences]
    low, high = inside[0], inside[-1]
    used = sum(cost[low : high + 1])
    grew = True
    while grew:
        grew = False
        if high + 1 < len(sentences) and used + cost[high + 1] <= budget:
            high += 1
            used += cost[high]
            grew = True
        if low > 0 and used + cost[low - 1] <= budget:
            low -= 1
            used += cost[low]
            grew = True
    return Window(sentences[low].start, sentences[high].end)


@lru_cache(maxsize=16384)
def _tokens(text: str) -> int:
    return count_tokens(text)


@lru_cache(maxsize=4096)
def _split(text: str) -> tuple[SentenceSpan, ...]:
    return tuple(split_sentences(text))


def _sentences(pieces: list[tuple[int, str, int, int]]) -> list[SentenceSpan]:
    seen: dict[int, SentenceSpan] = {}
    for _, text, start, _ in pieces:
        for s in _split(text):
            seen.setdefault(start + s.start, SentenceSpan(s.text, start + s.start, start + s.end))
    ordered = sorted(seen.values(), key=lambda s: s.start)
    return [s for i, s in enumerate(ordered) if i == 0 or s.start >= ordered[i - 1].end]
