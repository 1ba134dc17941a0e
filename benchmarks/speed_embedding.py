"""Embedding throughput per backend, against torch fp32 and the CPU's measured FLOP ceiling."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsqa.embedding import BACKENDS, make_embedder


@dataclass(frozen=True)
class Throughput:
    backend: str
    seconds: float
    tokens: int
    ratio: float  # torch fp32 seconds ÷ this backend's seconds, same texts, same run
    ceiling_share: float  # tokens/s as a share of the FLOP ceiling's tokens/s

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds


def flop_ceiling(size: int = 2048, repeats: int = 3) -> float:
    """GFLOP/s of a large fp32 matrix product on all cores (the best of a few)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def flops_per_token(
    mean_tokens: float, layers: int = 6, hidden: int = 384, inner: int = 1536
) -> float:
    """all-MiniLM-L6-v2's multiply-adds per token: dense layers plus attention over the text."""
    dense = 2 * layers * (4 * hidden * hidden + 2 * hidden * inner)
    attention = 4 * layers * hidden * mean_tokens
    return dense + attention


def measure(
    texts: Sequence[str], threads: int | None = None, rounds: int = 2
) -> tuple[list[Throughput], float]:
    """Each backend encodes `texts` once per round, the backends interleaved and the ceiling
    measured in every round; the best of the rounds counts (the machine's load drifts)."""
    counter = make_embedder(backend="onnx-fp32")
    tokens = sum(min(counter.count_tokens(t) + 2, counter.max_tokens) for t in texts)
    per_token = flops_per_token(tokens / max(1, len(texts)))
    embedders = {b: make_embedder(backend=b, threads=threads) for b in BACKENDS}
    for embedder in embedders.values():
        embedder.encode(list(texts[:8]))  # load and warm up
    seconds = dict.fromkeys(BACKENDS, float("inf"))
    ceiling = 0.0
    for _ in range(rounds):
        ceiling = max(ceiling, flop_ceiling())
        for backend, embedder in embedders.items():
            start = time.perf_counter()
            embedder.encode(list(texts))
            seconds[backend] = min(seconds[backend], time.perf_counter() - start)
    reference = seconds[BACKENDS[0]]
    rows = [
        Throughput(
            backend=name,
            seconds=s,
            tokens=tokens,
            ratio=reference / s,
            ceiling_share=(tokens / s) / (ceiling * 1e9 / per_token),
        )
        for name, s in seconds.items()
    ]
    return rows, ceiling
