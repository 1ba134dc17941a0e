"""Question latency: warm p50/p95, a plain exact FAISS query as reference, cold start from the
shell, and recall of the approximate index on the index's own (real) vectors."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from newsqa.embedding import Embedder, resolve_model_path
from newsqa.index.reader import IndexReader
from newsqa.index.vectors import build_approximate, probe_count, vector_ids


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))]


@dataclass(frozen=True)
class Latency:
    questions: int
    p50_ms: float
    p95_ms: float
    plain_p50_ms: float  # sentence-transformers encode + exact FAISS search, same questions
    plain_p95_ms: float


def warm_latency(
    ask: Callable[[str], object], index_dir: Path, questions: Sequence[str]
) -> Latency:
    """Each question asked of newsqa and of the plain dense lookup in turn (which goes first
    alternates), so both see the same load on a shared machine."""
    plain = _PlainDense(index_dir)
    ask(questions[0])
    plain(questions[0])
    ours: list[float] = []
    theirs: list[float] = []
    for turn, question in enumerate(questions):
        pair = [(ask, ours), (plain, theirs)]
        for run, times in pair if turn % 2 == 0 else pair[::-1]:
            start = time.perf_counter()
            run(question)
            times.append((time.perf_counter() - start) * 1000)
    plain.close()
    return Latency(
        len(ours),
        statistics.median(ours),
        percentile(ours, 0.95),
        statistics.median(theirs),
        percentile(theirs, 0.95),
    )


class _PlainDense:
    """What a minimal dense QA lookup costs: torch encode of the question, FAISS top-10."""

    def __init__(self, index_dir: Path) -> None:
        import faiss
        import torch
        from sentence_transformers import SentenceTransformer

        self._torch = torch
        self._threads = torch.get_num_threads()
        torch.set_num_threads(1)  # as newsqa encodes questions
        self._model = SentenceTransformer(resolve_model_path("default"), device="cpu")
        self._index = faiss.read_index(str(index_dir / "vectors.faiss"))

    def __call__(self, question: str) -> None:
        vector = self._model.encode([question], normalize_embeddings=True)
        self._index.search(np.asarray(vector, dtype=np.float32), 10)

    def close(self) -> None:
        self._torch.set_num_threads(self._threads)


@dataclass(frozen=True)
class ColdStart:
    ask_s: float  # `newsqa ask` from the shell, median of runs
    import_reference_s: float  # `python -c "import sentence_transformers"`, median of runs
    peak_rss_mib: float  # the largest of those `newsqa ask` processes


# `newsqa ask` that reports its own peak memory on exit: VmHWM starts afresh at exec, while
# rusage's maxrss would include the benchmark process the child was forked from (Linux)
_REPORTING = (
    "import atexit, re, runpy, sys\n"
    "def peak():\n"
    "    status = open('/proc/self/status').read()\n"
    "    sys.stderr.write('\\nPEAK_RSS_KB=' + re.search(r'VmHWM:\\s+(\\d+)', status).group(1) + '\\n')\n"
    "atexit.register(peak)\n"
    "sys.argv = ['newsqa', *sys.argv[1:]]\n"
    "runpy.run_module('newsqa', run_name='__main__')\n"
)


def cold_start(index_dir: Path, question: str, runs: int = 3) -> ColdStart:
    """`newsqa ask` in a new process (after one untimed run that fills the OS file cache and,
    on a new machine, the ONNX export cache)."""
    newsqa = [sys.executable, "-c", _REPORTING, "ask", question, "--index", str(index_dir)]
    reference = [sys.executable, "-c", "import sentence_transformers"]
    _wall(newsqa)
    asks = [_wall(newsqa) for _ in range(runs)]
    imports = [_wall(reference) for _ in range(runs)]
    peak = max(kb for _, kb in asks) / 1024
    return ColdStart(
        statistics.median(s for s, _ in asks), statistics.median(s for s, _ in imports), peak
    )


def _wall(command: list[str]) -> tuple[float, int]:
    """Seconds the command took, and the peak memory it reported (KiB; 0 if none)."""
    start = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - start
    marks = [line for line in done.stderr.splitlines() if line.startswith("PEAK_RSS_KB=")]
    return seconds, int(marks[-1].split("=")[1]) if marks else 0


@dataclass(frozen=True)
class RealRecall:
    vectors: int
    lists: int
    probes: int
    recall_at_10: float


def real_recall(index_dir: Path, embedder: Embedder, questions: Sequence[str]) -> RealRecall:
    """The index's own vectors put into an IVF index as a large archive would be; recall@10
    of its answers against exact search, for the benchmark questions."""
    store = IndexReader.open(index_dir)
    ids = vector_ids(store.vectors)
    matrix = store.vectors.index.reconstruct_n(0, store.vectors.ntotal)
    approximate = build_approximate(np.ascontiguousarray(matrix), ids)
    queries = np.vstack([embedder.encode_query(q) for q in questions]).astype(np.float32)
    _, found = approximate.search(queries, 10)
    exact = ids[np.argsort(-(queries @ matrix.T), axis=1)[:, :10]]
    recall = float(np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact, strict=True)]))
    lists = approximate.nlist
    store.close()
    return RealRecall(len(ids), lists, probe_count(lists), recall)
