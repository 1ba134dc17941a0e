"""Sentence splitting with character offsets (rule-based, fast, abbreviation-aware)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "mt",
    "gen",
    "gov",
    "sen",
    "rep",
    "col",
    "lt",
    "sgt",
    "capt",
    "cmdr",
    "adm",
    "pres",
    "rev",
    "hon",
    "inc",
    "ltd",
    "co",
    "corp",
    "vs",
    "etc",
    "no",
    "nos",
    "fig",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "approx",
    "est",
    "dept",
    "univ",
    "assn",
    "bros",
    "e.g",
    "i.e",
    "u.s",
    "u.k",
    "u.n",
    "a.m",
    "p.m",
    "al",
    "ft",
    "ave",
    "blvd",
    "rd",
    "mln",
    "bn",
}
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then space.
# It starts only where a run of punctuation starts and never backtracks into the run, so a
# long run ("......") is scanned once: linear, not quadratic, in its length.
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’)\]]*+(?=\s)")
_NEXT_START = re.compile(r"\s++[\"'“‘(\[]*+[A-Z0-9]")
# Longest sentence kept whole; a longer run of text without sentence punctuation (a table,
# a list, a wall of text) is cut into windows of at most this many characters at spaces.
MAX_SENTENCE_CHARS = 2_000


@dataclass(frozen=True)
class SentenceSpan:
    """A sentence and its [start, end) character offsets in the text it came from."""

    text: str
    start: int
    end: int


def split_sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[SentenceSpan]:
    """Split on sentence punctuation and line breaks; never returns empty sentences.

    A sentence longer than `max_chars` is cut into windows at spaces, so the time spent on
    any text is linear in its length.
    """
    spans: list[SentenceSpan] = []
    for para_start, para_end in _paragraphs(text):
        start = para_start
        for match in _BOUNDARY.finditer(text, para_start, para_end):
            cut = match.end()
            if not _is_boundary(text, match.start(), cut):
                continue
            _add(spans, text, start, cut, max_chars)
            start = cut
        _add(spans, text, start, para_end, max_chars)
    return spans


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def _is_boundary(text: str, punct_at: int, cut: int) -> bool:
    if not _NEXT_START.match(text, cut):
        return False
    if text[punct_at] != ".":
        return True
    word = re.search(r"([A-Za-z.]+)$", text[max(0, punct_at - 12) : punct_at])
    if word:
        token = word.group(1).lower().strip(".")
        if token in _ABBREVIATIONS:
            return False
        if len(token) == 1 and token.isalpha():  # initials such as "J. Smith"
            return False
    return True


def _add(spans: list[SentenceSpan], text: str, start: int, end: int, max_chars: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > max_chars:
        cut = _window_end(text, start, start + max(1, max_chars))
        _add(spans, text, start, cut, max_chars)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append(SentenceSpan(text[start:end], start, end))


def _window_end(text: str, start: int, limit: int) -> int:
    """Where a window from `start` ends: the last space in its second half, else `limit`."""
    half = start + (limit - start) // 2
    space = max(text.rfind(" ", half, limit), text.rfind("\t", half, limit))
    return space if space > start else limit
