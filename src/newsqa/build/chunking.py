"""Chunking: windows of whole sentences under a token budget, with sentence overlap."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from newsqa.articles import Article, Chunk
from newsqa.text.sentences import MAX_SENTENCE_CHARS, SentenceSpan, split_sentences
from newsqa.text.tokens import TokenSpans, count_tokens

TokenCounter = Callable[[str], int]
BatchTokenCounter = Callable[[list[str]], list[int]]


class SpanCounter(Protocol):
    def count_many(self, spans: Sequence[tuple[int, int]]) -> list[int]: ...


SpanCounters = Callable[[str], SpanCounter | None]  # a body's span counter, or None


@dataclass(frozen=True)
class Chunker:
    """Splits article bodies into sentence windows of at most `max_tokens` cl100k tokens.

    `model_tokens`, when given, counts tokens as the embedding model does; a window plus
    its title prefix is also kept within `model_limit` of those, so nothing is truncated.
    """

    max_tokens: int = 200
    overlap: int = 1
    model_tokens: TokenCounter | None = None
    model_limit: int = 256
    max_sentence_chars: int = MAX_SENTENCE_CHARS
    model_tokens_many: BatchTokenCounter | None = None  # the same counts, many texts at once
    model_spans: SpanCounters | None = None  # the same counts of spans of one body

    def chunk(self, article: Article) -> list[Chunk]:
        body = article.body
        spans = TokenSpans.of(body)  # cl100k over the body once; any span's count from it
        units, cost, model_cost = self._units(spans)
        model_budget = (
            self.model_limit
            - 2
            - (self._model_counts([article.title])[0] + 1 if self.model_tokens else 0)
        )
        chunks: list[Chunk] = []
        i = 0
        while i < len(units):
            j, used, model_used = i, 0, 0
            while j < len(units):
                more_model = model_cost[j] if model_cost else 0
                within = (
                    used + cost[j] <= self.max_tokens and model_used + more_model <= model_budget
                )
                if j > i and not within:
                    break
                used, model_used, j = used + cost[j], model_used + more_model, j + 1
            j, tokens = self._shrink_to_budget(spans, units, i, j)
            text = body[units[i].start : units[j - 1].end]
            chunks.append(
                Chunk(
                    article.article_id, len(chunks), text, units[i].start, units[j - 1].end, tokens
                )
            )
            if j >= len(units):
                break
            i = max(j - self.overlap, i + 1)
        return chunks

    def _shrink_to_budget(
        self, spans: TokenSpans, units: list[SentenceSpan], i: int, j: int
    ) -> tuple[int, int]:
        """Per-sentence counts are estimates of the joined text; check exactly and drop tails.
        Returns the end and the window's exact cl100k count."""
        while True:
            tokens = spans.count(units[i].start, units[j - 1].end)
            if j - i <= 1 or tokens <= self.max_tokens:
                return j, tokens
            j -= 1

    def _sentence_model_counts(self, body: str, sentences: list[SentenceSpan]) -> list[int]:
        counter = self.model_spans(body) if self.model_spans is not None else None
        if counter is None:
            return self._model_counts([s.text for s in sentences])
        return counter.count_many([(s.start, s.end) for s in sentences])

    def _model_counts(self, texts: list[str]) -> list[int]:
        """Model word pieces of each text, counted in one batch when the counter can."""
        if self.model_tokens_many is not None:
            return self.model_tokens_many(texts)
        assert self.model_tokens is not None
        return [self.model_tokens(t) for t in texts]

    def _units(self, spans: TokenSpans) -> tuple[list[SentenceSpan], list[int], list[int] | None]:
        """Sentences, with cl100k cost (+1 for the joining space) and model cost, each
        counted once; one over the budget is cut at word boundaries (rare: lists, tables)."""
        limit = self.max_tokens
        if self.model_tokens:
            limit = min(limit, self.model_limit // 2)
        sentences = split_sentences(spans.text, self.max_sentence_chars)
        cl100k = spans.count_many([(s.start, s.end) for s in sentences])
        model = self._sentence_model_counts(spans.text, sentences) if self.model_tokens else None
        units: list[SentenceSpan] = []
        cost: list[int] = []
        model_cost: list[int] | None = [] if model is not None else None
        for k, sentence in enumerate(sentences):
            too_long = cl100k[k] > limit or (model is not None and model[k] > limit)
            if not too_long:
                units.append(sentence)
                cost.append(cl100k[k] + 1)
                if model_cost is not None and model is not None:
                    model_cost.append(model[k])
                continue
            pieces = [
                half
                for piece in _cut_at_words(sentence, limit)
                for half in _halve_until(piece, lambda text: self._fits(text, limit))
            ]
            units.extend(pieces)
            cost.extend(spans.count(p.start, p.end) + 1 for p in pieces)
            if model_cost is not None:
                model_cost.extend(self._model_counts([p.text for p in pieces]))
        return units, cost, model_cost

    def _fits(self, text: str, limit: int) -> bool:
        """`text` is at most `limit` tokens for cl100k and for the embedding model."""
        return count_tokens(text) <= limit and (
            self.model_tokens is None or self.model_tokens(text) <= limit
        )


def _cut_at_words(sentence: SentenceSpan, limit: int) -> list[SentenceSpan]:
    """Pieces of about `limit // 2` words (a word is at least one token in either tokenizer)."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", sentence.text)]
    step = max(1, limit // 2)
    pieces: list[SentenceSpan] = []
    for k in range(0, len(words), step):
        group = words[k : k + step]
        start, end = sentence.start + group[0][0], sentence.start + group[-1][1]
        pieces.append(SentenceSpan(sentence.text[group[0][0] : group[-1][1]], start, end))
    return pieces


def _halve_until(piece: SentenceSpan, fits: Callable[[str], bool]) -> list[SentenceSpan]:
    """`piece` if it fits, else its halves, cut between words where it has several (words of
    many tokens), inside its one word otherwise (a URL or code longer than a chunk)."""
    if fits(piece.text) or len(piece.text) <= 1:
        return [piece]
    gaps = [(m.start(), m.end()) for m in re.finditer(r"\s+", piece.text)]
    if gaps:
        left_end, right_start = gaps[len(gaps) // 2]
    else:
        left_end = right_start = len(piece.text) // 2
    left = SentenceSpan(piece.text[:left_end], piece.start, piece.start + left_end)
    right = SentenceSpan(piece.text[right_start:], piece.start + right_start, piece.end)
    return [*_halve_until(left, fits), *_halve_until(right, fits)]
