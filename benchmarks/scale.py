"""Scale tests with synthetic data: vector search (exact and IVF) and newsqa's FTS5 BM25 at 10k-1M chunks."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.speed_query import percentile
from newsqa.articles import Article, Chunk
from newsqa.index.vectors import APPROXIMATE_FROM, build_approximate, probe_count

DIMENSION = 384
QUERIES = 100
ARTICLE_CHUNKS = 15  # chunks per article of the BM25 index


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


def synthetic_blocks(n: int, seed: int = 0, step: int = 100_000) -> Iterator[np.ndarray]:
    """`n` unit vectors around many topics, roughly as clustered as news chunk embeddings,
    in blocks of `step` rows (a large set need not be held whole)."""
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((max(50, n // 200), DIMENSION), dtype=np.float32)
    for start in range(0, n, step):
        rows = min(step, n - start)
        picked = topics[rng.integers(0, len(topics), rows)]
        block = picked + 0.7 * rng.standard_normal((rows, DIMENSION), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        yield block


def synthetic_vectors(n: int, seed: int = 0) -> np.ndarray:
    """`synthetic_blocks` as one matrix."""
    vectors = np.empty((n, DIMENSION), dtype=np.float32)
    start = 0
    for block in synthetic_blocks(n, seed):
        vectors[start : start + len(block)] = block
        start += len(block)
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
    """An index of `n` chunks of Zipf-distributed words (15 to an article), written and read
    as newsqa's own (`IndexWriter`, `IndexReader.lexical_search`); BM25 top-100 for 50
    three-word questions."""
    from newsqa.index.reader import IndexReader
    from newsqa.index.writer import WriterSpec

    rng = np.random.default_rng(2)
    vocabulary = np.array([f"w{i}" for i in range(50_000)])
    ranks = np.minimum(rng.zipf(1.2, size=(n, words_per_chunk)) - 1, len(vocabulary) - 1)
    with tempfile.TemporaryDirectory(prefix="newsqa-fts-") as folder:
        # the vectors are not searched here: one dimension, kept exact
        spec = WriterSpec(Path(folder), "none", 1, 200, 1, approximate_from=n + 1)
        with spec.open(fresh=True) as writer:
            for first in range(0, n, ARTICLE_CHUNKS):
                article, chunks = _article(first, vocabulary, ranks[first : first + ARTICLE_CHUNKS])
                writer.put_article(article)
                writer.add_chunks(article.title, chunks, np.zeros((len(chunks), 1), np.float32))
            writer.commit()
        reader = IndexReader.open(folder)
        times = []
        for _ in range(50):
            words = vocabulary[rng.integers(20, 2000, 3)]
            match = " OR ".join(f'"{w}"' for w in words)
            start = time.perf_counter()
            reader.lexical_search(match, 100)
            times.append((time.perf_counter() - start) * 1000)
        reader.close()
    return statistics.median(times), percentile(times, 0.95)


def _article(first: int, vocabulary: np.ndarray, ranks: np.ndarray) -> tuple[Article, list[Chunk]]:
    """Article `first` (its first chunk's number) made of one chunk per row of word ranks."""
    article_id = f"s{first:08d}"
    chunks, start = [], 0
    for position, row in enumerate(ranks):
        text = " ".join(vocabulary[row])
        chunks.append(Chunk(article_id, position, text, start, start + len(text), 200))
        start += len(text) + 1
    body = " ".join(c.text for c in chunks)
    return Article(article_id, "t", body, origin="synthetic"), chunks
