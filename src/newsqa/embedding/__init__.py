"""Embedding backends: texts → L2-normalised vectors, by torch fp32 or ONNX Runtime fp32/int8."""

from newsqa.embedding.base import (
    BACKENDS,
    DEFAULT_BACKEND,
    Embedder,
    check_backend,
    compatible,
    query_backend,
)
from newsqa.embedding.models import model_id, resolve_model_path
from newsqa.embedding.select import make_embedder

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "Embedder",
    "check_backend",
    "compatible",
    "make_embedder",
    "model_id",
    "query_backend",
    "resolve_model_path",
]
