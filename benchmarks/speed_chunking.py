"""Chunking speed: articles per second, first with nothing kept and again, against one plain
tiktoken pass over the same bodies (about the floor for a chunker that counts cl100k tokens)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from newsqa.articles import Article
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import make_chunker
from newsqa.config import Settings
from newsqa.embedding import make_embedder
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
    """Two passes over the articles; the tiktoken reference runs article by article beside
    the first pass, so both see the same load on a shared machine."""
    encode = cl100k().encode_ordinary
    make_chunker(
        BuildSettings.from_settings(settings).chunking,
        make_embedder(settings.model, settings.backend),
    ).chunk(articles[0])
    forget_counts()  # tokenizers loaded above; from here no word's count is known
    chunker = make_chunker(
        BuildSettings.from_settings(settings).chunking,
        make_embedder(settings.model, settings.backend),
    )
    first_s = tiktoken_s = 0.0
    chunks = 0
    for article in articles:
        start = time.perf_counter()
        encode(article.body)
        middle = time.perf_counter()
        chunks += len(chunker.chunk(article))
        tiktoken_s += middle - start
        first_s += time.perf_counter() - middle
    start = time.perf_counter()
    for article in articles:
        chunker.chunk(article)
    return ChunkingSpeed(len(articles), chunks, first_s, time.perf_counter() - start, tiktoken_s)
