"""Word-piece counts of BERT-style tokenizers, each distinct word tokenised once.

A BERT tokenizer (BertNormalizer, BertPreTokenizer, WordPiece) splits text at whitespace and
around every punctuation character before it looks up word pieces, and its normaliser works
character by character; so a text's count is the sum of the counts of its pieces between
spaces and ASCII punctuation, each tokenised alone. News repeats its words: the count of
each piece is kept, and a chunker's texts are counted with a dictionary look-up per word
instead of a full tokenisation. Other tokenizers, and texts holding a special token such as
`[SEP]`, are counted by the tokenizer itself.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import numpy as np

# Runs between the separators this tokenizer always splits at: ASCII space, tab and line
# breaks (not other control characters, which it deletes) and ASCII punctuation (each its
# own piece). Splitting nowhere else keeps every piece's count the same alone as in context.
_PIECE = re.compile(r"[^ \t\n\r!-/:-@\[-`{-~]+|[!-/:-@\[-`{-~]")
# The same pieces and, between them, the runs of separators (no word pieces): a cover of
# the whole text, so a span's count is a difference of prefix sums.
_RUN = re.compile(r"[^ \t\n\r!-/:-@\[-`{-~]+|[!-/:-@\[-`{-~]|[ \t\n\r]+")
KEPT_PIECES = 500_000  # distinct pieces remembered (news vocabulary is far smaller)


class WordPieceCounts:
    """Counts word pieces (no special tokens) of texts, the same as `tokenizer.encode()`."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        self._special = tuple(
            token["content"].lower() for token in json.loads(tokenizer.to_str())["added_tokens"]
        )
        self._kept: dict[str, int] = {}

    @staticmethod
    def fits(tokenizer: Any) -> bool:
        """Whether `tokenizer` is BERT-style, so that counts add up piece by piece."""
        spec = json.loads(tokenizer.to_str())
        normalizer = spec.get("normalizer") or {}
        pre = spec.get("pre_tokenizer") or {}
        return (
            normalizer.get("type") == "BertNormalizer"
            and pre.get("type") == "BertPreTokenizer"
            and (spec.get("model") or {}).get("type") == "WordPiece"
        )

    def counts(self, texts: Sequence[str]) -> list[int]:
        kept = self._kept
        if len(kept) > KEPT_PIECES:
            kept = self._kept = {}  # replaced, never emptied under another reader
        split = [self._pieces(text) for text in texts]
        try:
            return [
                self._total(text, pieces, kept) for text, pieces in zip(texts, split, strict=True)
            ]
        except KeyError:
            new = set().union(*(p for p in split if p is not None)).difference(kept)
            kept.update(self._learn(sorted(new)))
            return [
                self._total(text, pieces, kept) for text, pieces in zip(texts, split, strict=True)
            ]

    def spans(self, text: str) -> PieceSpans | None:
        """Counts of spans of `text` (an article body) from its runs counted once; None
        when it holds a special token's text."""
        if self._has_special(text):
            return None
        runs = _RUN.findall(text)
        return PieceSpans(
            text,
            [0, *accumulate(map(len, runs))],
            [0, *accumulate(self._run_counts(runs))],
            self,
        )

    def _run_counts(self, runs: list[str]) -> list[int]:
        """Counts of runs that hold no separator (or only separators: no word pieces)."""
        kept = self._kept
        try:
            return list(map(kept.__getitem__, runs))
        except KeyError:
            kept.update(self._learn(sorted(set(runs).difference(kept))))
            return list(map(kept.__getitem__, runs))

    def _total(self, text: str, pieces: list[str] | None, kept: dict[str, int]) -> int:
        if pieces is None:  # holds a special token: the tokenizer decides
            return len(self._tokenizer.encode(text, add_special_tokens=False).ids)
        return sum(map(kept.__getitem__, pieces))

    def _pieces(self, text: str) -> list[str] | None:
        return None if self._has_special(text) else _PIECE.findall(text)

    def _has_special(self, text: str) -> bool:
        lowered = text.lower()
        return any(token in lowered for token in self._special)

    def _learn(self, pieces: list[str]) -> dict[str, int]:
        """Counts of `pieces`, tokenised in one call (joined by spaces, where the tokenizer
        splits anyway) and read from the tokens' character offsets."""
        text = " ".join(pieces)
        starts = np.cumsum([0] + [len(p) + 1 for p in pieces[:-1]])
        offsets = self._tokenizer.encode(text, add_special_tokens=False).offsets
        owner = np.searchsorted(starts, [start for start, _ in offsets], side="right") - 1
        counts = np.bincount(owner, minlength=len(pieces)) if offsets else [0] * len(pieces)
        return dict(zip(pieces, map(int, counts), strict=True))


@dataclass(frozen=True)
class PieceSpans:
    """Word-piece counts of spans of one text: whole runs by prefix sums, the parts of the
    runs cut at the span's two ends counted alone (a run holds no separator, so a part of
    one is tokenised the same alone as inside the span)."""

    text: str
    starts: list[int]  # where each run starts, then len(text)
    before: list[int]  # word pieces in the runs before each one
    counter: WordPieceCounts

    def count_many(self, spans: Sequence[tuple[int, int]]) -> list[int]:
        edges: list[str] = []
        whole: list[int] = []
        for start, end in spans:
            first = bisect_left(self.starts, start)  # the first run starting in the span
            last = bisect_right(self.starts, end) - 1  # the last run starting by its end
            if first > last:  # inside one run
                edges += [self.text[start:end], ""]
                whole.append(0)
                continue
            edges += [self.text[start : self.starts[first]], self.text[self.starts[last] : end]]
            whole.append(self.before[last] - self.before[first])
        cut = [e for e in edges if e]  # a span that starts or ends inside a run (rare)
        counted = dict(zip(cut, self.counter.counts(cut), strict=True)) if cut else {}
        return [
            w + counted.get(edges[2 * i], 0) + counted.get(edges[2 * i + 1], 0)
            for i, w in enumerate(whole)
        ]
