"""Choosing a backend by name."""

from __future__ import annotations

from newsqa.embedding.base import DEFAULT_BACKEND, TORCH_FP32, Embedder, check_backend


def make_embedder(
    model: str | None = None, backend: str | None = None, threads: int | None = None
) -> Embedder:
    """An embedder of `model` (default: the bundled all-MiniLM-L6-v2) on `backend`."""
    backend = check_backend(backend or DEFAULT_BACKEND)
    if backend == TORCH_FP32:
        from newsqa.embedding.torch_backend import TorchEmbedder

        return TorchEmbedder(model, threads)
    from newsqa.embedding.onnx_backend import OnnxEmbedder

    return OnnxEmbedder(model, backend, threads)
