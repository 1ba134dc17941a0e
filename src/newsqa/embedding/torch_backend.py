"""torch fp32 through sentence-transformers: the reference backend, any model it loads."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np

from newsqa.embedding.base import TORCH_FP32, Embedder
from newsqa.embedding.models import model_id, offline_environment, resolve_model_path


class TorchEmbedder(Embedder):
    """sentence-transformers on torch, fp32 on the CPU."""

    backend = TORCH_FP32

    def __init__(self, model: str | None = None, threads: int | None = None) -> None:
        self.model_id = model_id(model)
        self._threads = threads
        self.query_threads = 1
        self._busy = threading.Lock()  # a fast tokenizer must not be used by two threads at once

    @cached_property
    def _model(self) -> Any:
        offline_environment(self.model_id)
        import torch
        from sentence_transformers import SentenceTransformer

        if self._threads:
            torch.set_num_threads(self._threads)
        try:
            return SentenceTransformer(resolve_model_path(self.model_id), device="cpu")
        except OSError as exc:
            raise RuntimeError(
                f"cannot load embedding model {self.model_id!r}: {exc}. Give a local path or a "
                "model already in the Hugging Face cache (this machine may be offline)."
            ) from exc

    @property
    def dimension(self) -> int:
        getter = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        return int(getter())

    @property
    def max_tokens(self) -> int:
        return int(self._model.max_seq_length)

    def count_tokens(self, text: str) -> int:
        model = self._model
        with self._busy:
            return len(
                model.tokenizer(text, add_special_tokens=False, truncation=False)["input_ids"]
            )

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return self.empty()
        model = self._model
        with self._busy:
            vectors = model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        import torch

        previous = torch.get_num_threads()
        torch.set_num_threads(self.query_threads)
        try:
            with self._busy:
                vector = self._forward(text, torch)
            return np.ascontiguousarray(vector, dtype=np.float32)
        finally:
            torch.set_num_threads(previous)

    def _forward(self, text: str, torch: Any) -> np.ndarray:
        """The model's own modules without `encode`'s batching machinery (the same vector)."""
        model = self._model
        prepare = getattr(model, "preprocess", None) or model.tokenize
        with torch.inference_mode():
            features = model.forward(prepare([text]))
        vector = torch.nn.functional.normalize(features["sentence_embedding"][0], dim=-1)
        return vector.float().numpy()
