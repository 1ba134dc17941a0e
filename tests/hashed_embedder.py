"""A tiny stand-in for the embedding model (kill tests, the fast tier): hashed bag of words,
no torch, no model files."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsqa.api import NewsQA
from newsqa.articles import Article
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import build_from_articles
from newsqa.config import Settings
from newsqa.embedding import DEFAULT_BACKEND, Embedder

MODEL_ID = "hashed-words-test"
_WORD = re.compile(r"\w+")


class HashedEmbedder(Embedder):
    """Each word adds 1 to one of 64 dimensions; vectors are L2-normalised."""

    def __init__(
        self, model: str | None = MODEL_ID, backend: str | None = None, threads: int | None = None
    ) -> None:
        self.model_id = model or MODEL_ID
        self.backend = backend or DEFAULT_BACKEND

    @property
    def dimension(self) -> int:
        return 64

    @property
    def max_tokens(self) -> int:
        return 256

    def count_tokens(self, text: str) -> int:
        return 2 * len(_WORD.findall(text))  # at least the word pieces of real models

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                vectors[row, zlib.crc32(word.encode()) % self.dimension] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def hashed_newsqa(index_dir: Path, articles: Iterable[Article], **settings: Any) -> NewsQA:
    """`NewsQA` over `articles`, built and asked with the stand-in: the model is never loaded."""
    chosen = Settings(index_dir=index_dir, model=MODEL_ID, **settings)
    build_from_articles(articles, BuildSettings.from_settings(chosen), HashedEmbedder())
    return NewsQA(chosen, HashedEmbedder())
