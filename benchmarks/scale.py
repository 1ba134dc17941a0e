"""Scale tests with synthetic data: vector search (exact and IVF) and FTS5 BM25 at 10k-1M chunks."""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.speed_query import percentile
from newsqa.index.vectors import APPROXIMATE_FROM, build_approximate, probe_count

DIMENSION = 384
QUERIES = 100


@dataclass(frozen=True)
class ScaleRow:
    chunks: int
    exact_p50_ms: float
    exact_p95_ms: float
    ivf_p50_ms: float
    ivf_p95_ms: float
    ivf_recall_at_10: float
    ivf_build_s: float
    exact_mib: float  # fp32 matrix held for exact search
    ivf_mib: float  # IVF-SQ8 index as written to disk (held in memory the same)
    bm25_p50_ms: float
    bm25_p95_ms: float
    chosen: str  # what newsqa would use at this size


def synthetic_vectors(n: int, seed: int = 0) -> np.ndarray:
    """Unit vectors around many topics, roughly as clustered as news chunk embeddings."""
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((max(50, n // 200), DIMENSION), dtype=np.float32)
    vectors = np.empty((n, DIMENSION), dtype=np.float32)
    step = 100_000
    for start in range(0, n, step):
        rows = min(step, n - start)
        picked = topics[rng.integers(0, len(topics), rows)]
        vectors[start : start + rows] = picked + 0.7 * rng.standard_normal(
            (rows, DIMENSION), dtype=np.float32
        )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def measure(n: int) -> ScaleRow:
    import faiss

    vectors = synthetic_vectors(n)
    queries = synthetic_vectors(QUERIES, seed=1)
    exact_times, exact_top = [], []
    for query in queries:
        start = time.perf_counter()
        scores = vectors @ query
        top = np.argpartition(-scores, 99)[:100]
        top = top[np.argsort(-scores[top])]
        exact_times.append((time.perf_counter() - start) * 1000)
        exact_top.append(top[:10])
    start = time.perf_counter()
    ids = np.arange(n, dtype=np.int64)
    index = build_approximate(vectors, ids)
    build_s = time.perf_counter() - start
    ivf_times, recall = [], []
    for query, truth in zip(queries, exact_top, strict=True):
        start = time.perf_counter()
        _, found = index.search(query.reshape(1, -1), 100)
        ivf_times.append((time.perf_counter() - start) * 1000)
        recall.append(len(set(found[0][:10]) & set(truth)) / 10)
    ivf_bytes = faiss.serialize_index(index).nbytes
    bm25 = _bm25_times(n)
    return ScaleRow(
        chunks=n,
        exact_p50_ms=statistics.median(exact_times),
        exact_p95_ms=percentile(exact_times, 0.95),
        ivf_p50_ms=statistics.median(ivf_times),
        ivf_p95_ms=percentile(ivf_times, 0.95),
        ivf_recall_at_10=float(np.mean(recall)),
        ivf_build_s=build_s,
        exact_mib=vectors.nbytes / 2**20,
        ivf_mib=ivf_bytes / 2**20,
        bm25_p50_ms=bm25[0],
        bm25_p95_ms=bm25[1],
        chosen=f"ivf (nprobe {probe_count(index.nlist)}/{index.nlist})"
        if n >= APPROXIMATE_FROM
        else "exact",
    )


def _bm25_times(n: int, words_per_chunk: int = 60) -> tuple[float, float]:
    """An FTS5 table like newsqa's with `n` chunks of Zipf-distributed words; BM25 top-100
    for 50 three-word questions."""
    rng = np.random.default_rng(2)
    vocabulary = np.array([f"w{i}" for i in range(50_000)])
    ranks = np.minimum(rng.zipf(1.2, size=(n, words_per_chunk)) - 1, len(vocabulary) - 1)
    with tempfile.TemporaryDirectory(prefix="newsqa-fts-") as folder:
        db = sqlite3.connect(Path(folder) / "fts.sqlite")
        db.execute(
            "CREATE VIRTUAL TABLE chunks_fts USING fts5(title, text, tokenize='porter unicode61')"
        )
        step = 50_000
        for start in range(0, n, step):
            rows = ranks[start : start + step]
            db.executemany(
                "INSERT INTO chunks_fts(rowid, title, text) VALUES (?, ?, ?)",
                ((start + i, "t", " ".join(vocabulary[r])) for i, r in enumerate(rows)),
            )
        db.commit()
        times = []
        for _ in range(50):
            words = vocabulary[rng.integers(20, 2000, 3)]
            match = " OR ".join(f'"{w}"' for w in words)
            start = time.perf_counter()
            db.execute(
                "SELECT rowid, -bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH ? "
                "ORDER BY bm25(chunks_fts) LIMIT 100",
                (match,),
            ).fetchall()
            times.append((time.perf_counter() - start) * 1000)
        db.close()
    return statistics.median(times), percentile(times, 0.95)
