"""Chunking speed: articles per second, first with nothing kept and again, against one plain
tiktoken pass over the same bodies (a floor no chunker that counts cl100k tokens can pass)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from newsqa.articles import Article
from newsqa.config import Settings
from newsqa.index.embedding import make_embedder
from newsqa.index.updates import make_chunker
from newsqa.text.tokens import cl100k, forget_counts


@dataclass(frozen=True)
class ChunkingSpeed:
    articles: int
    chunks: int
    first_s: float  # nothing kept from before: every word counted for the first time
    again_s: float  # the same articles again, word counts kept
    tiktoken_s: float  # one `encode_ordinary` of each body

    def per_second(self, seconds: float) -> float:
        return self.articles / seconds if seconds else 0.0


def measure(articles: Sequence[Article], settings: Settings) -> ChunkingSpeed:
    encode = cl100k().encode_ordinary
    start = time.perf_counter()
    for article in articles:
        encode(article.body)
    tiktoken_s = time.perf_counter() - start
    make_chunker(settings, make_embedder(settings.model, settings.backend)).chunk(articles[0])
    forget_counts()  # tokenizers loaded above; from here no word's count is known
    chunker = make_chunker(settings, make_embedder(settings.model, settings.backend))
    times = []
    for _ in range(2):
        start = time.perf_counter()
        chunks = sum(len(chunker.chunk(a)) for a in articles)
        times.append(time.perf_counter() - start)
    return ChunkingSpeed(len(articles), chunks, times[0], times[1], tiktoken_s)
