"""ONNX Runtime fp32 or int8 with a Rust tokenizer: no torch, no sentence-transformers."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from newsqa.embedding.base import ONNX_INT8, Embedder
from newsqa.embedding.models import model_id
from newsqa.embedding.onnx_export import LIMITS, MODEL_FILE, TOKENIZER, exported_model
from newsqa.embedding.wordpieces import PieceSpans, WordPieceCounts


class OnnxEmbedder(Embedder):
    """The exported model in ONNX Runtime; batches sorted by length, padded per batch."""

    def __init__(
        self, model: str | None = None, backend: str = ONNX_INT8, threads: int | None = None
    ) -> None:
        self.model_id = model_id(model)
        self.backend = backend
        self._precision = "int8" if backend == ONNX_INT8 else "fp32"
        self._threads = threads or 0
        self._sessions_lock = threading.Lock()

    @cached_property
    def _folder(self) -> Path:
        return exported_model(self.model_id, self._precision)

    @cached_property
    def _limits(self) -> dict[str, int]:
        return json.loads((self._folder / LIMITS).read_text(encoding="utf-8"))

    @cached_property
    def _counter(self) -> Any:
        """The tokenizer as it is, for counting: no truncation, no padding, no special tokens."""
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self._folder / TOKENIZER))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        return tokenizer

    @cached_property
    def _pieces(self) -> WordPieceCounts | None:
        """Counts by kept per-word counts when the tokenizer is BERT-style."""
        return WordPieceCounts(self._counter) if WordPieceCounts.fits(self._counter) else None

    @cached_property
    def _tokenizer(self) -> Any:
        """The tokenizer as the model is fed: special tokens, truncated to the model's limit."""
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(self._folder / TOKENIZER))
        tokenizer.enable_truncation(self.max_tokens)
        tokenizer.no_padding()
        return tokenizer

    @cached_property
    def _batch_session(self) -> Any:
        return self._session(self._threads)

    @cached_property
    def _query_session(self) -> Any:
        return self._session(1)

    def _session(self, threads: int) -> Any:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or (os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        with self._sessions_lock:
            return onnxruntime.InferenceSession(
                str(self._folder / MODEL_FILE[self._precision]),
                options,
                providers=["CPUExecutionProvider"],
            )

    @property
    def dimension(self) -> int:
        return int(self._limits["dimension"])

    @property
    def max_tokens(self) -> int:
        return int(self._limits["max_seq_length"])

    def count_tokens(self, text: str) -> int:
        return self.count_tokens_many([text])[0]

    def count_tokens_many(self, texts: Sequence[str]) -> list[int]:
        """`count_tokens` of each text: from kept word counts, else tokenised in parallel."""
        if self._pieces is not None:
            return self._pieces.counts(texts)
        encoded = self._counter.encode_batch_fast(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encoded]

    def token_spans(self, text: str) -> PieceSpans | None:
        """Word-piece counts of spans of `text`, its words counted once (None: count each
        span's text instead)."""
        return self._pieces.spans(text) if self._pieces is not None else None

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return self.empty()
        encoded = self._tokenizer.encode_batch(list(texts))  # tokenised once, in parallel
        order = np.argsort([len(e.ids) for e in encoded], kind="stable")
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        session = self._batch_session
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            vectors[rows] = self._run(session, [encoded[i] for i in rows])
        return vectors

    def encode_query(self, text: str) -> np.ndarray:
        encoded = self._tokenizer.encode(text)  # not encode_batch: no thread pool for one text
        return self._run(self._query_session, [encoded])[0]

    @staticmethod
    def _run(session: Any, encoded: list[Any]) -> np.ndarray:
        """One batch, padded to its longest text, through the model."""
        width = max(len(e.ids) for e in encoded)
        ids = np.zeros((len(encoded), width), dtype=np.int64)
        mask = np.zeros((len(encoded), width), dtype=np.int64)
        for row, item in enumerate(encoded):
            ids[row, : len(item.ids)] = item.ids
            mask[row, : len(item.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return np.ascontiguousarray(session.run(None, feed)[0], dtype=np.float32)
