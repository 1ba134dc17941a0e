"""A tiny stand-in for the embedding model in kill tests: hashed bag of words, no torch."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

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
