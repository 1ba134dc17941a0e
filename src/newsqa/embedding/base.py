"""The one interface every embedding backend implements, and which backends agree."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

import numpy as np

TORCH_FP32 = "torch-fp32"
ONNX_FP32 = "onnx-fp32"
ONNX_INT8 = "onnx-int8"
BACKENDS = (TORCH_FP32, ONNX_FP32, ONNX_INT8)
# The fastest backend whose dev quality stays within 0.01 of torch fp32 (docs/performance.md).
DEFAULT_BACKEND = ONNX_INT8
# Backends in one family give the same vectors (cosine ≥ 0.9999); across families they differ.
_FAMILY = {TORCH_FP32: "fp32", ONNX_FP32: "fp32", ONNX_INT8: "int8"}

Progress = Callable[[int], None]


def check_backend(name: str) -> str:
    if name not in BACKENDS:
        raise ValueError(f"unknown embedding backend {name!r}; choose one of {', '.join(BACKENDS)}")
    return name


def compatible(index_backend: str, backend: str) -> bool:
    """Whether questions embedded by `backend` can search vectors made by `index_backend`."""
    return _FAMILY.get(index_backend) == _FAMILY.get(backend)


def query_backend(index_backend: str, wanted: str | None = None) -> str:
    """The backend that embeds questions for an index: `wanted` when compatible, else the
    torch-free member of the index's family (torch fp32 indexes are queried by ONNX fp32)."""
    if wanted is not None:
        return check_backend(wanted)
    return ONNX_FP32 if index_backend == TORCH_FP32 else check_backend(index_backend)


class Embedder(ABC):
    """Encodes texts into L2-normalised float32 vectors; counts tokens as the model does."""

    model_id: str
    backend: str

    @property
    @abstractmethod
    def dimension(self) -> int: ...

    @property
    @abstractmethod
    def max_tokens(self) -> int:
        """The model's own input limit in word pieces (longer input is truncated)."""

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for `text`, without special tokens."""

    @abstractmethod
    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Vectors of `texts` in their order (each backend may sort by length inside)."""

    @abstractmethod
    def encode_query(self, text: str) -> np.ndarray:
        """One question's vector, computed on one thread (fastest for a single short text)."""

    def empty(self) -> np.ndarray:
        return np.zeros((0, self.dimension), dtype=np.float32)
