"""Speed and memory benchmark of an index: ask latency, build size, peak memory, as Markdown."""

from __future__ import annotations

import platform
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from newsqa.records import Answer

SAMPLE_QUESTIONS = (
    "Who attended the Victory Day parade in Moscow?",
    "What did the two leaders pledge in their joint statement?",
    "How many nations sent troops to the parade?",
    "What is a good recipe for banana bread?",
)


@dataclass(frozen=True)
class BenchResult:
    """Measured figures of one benchmark run."""

    index_dir: str
    articles: int
    chunks: int
    index_mib: float
    questions: int
    load_s: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    peak_rss_mib: float

    def markdown(self) -> str:
        when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        rows = [
            (
                "index",
                f"{self.index_dir}: {self.articles} articles, {self.chunks} chunks, {self.index_mib:.1f} MiB on disk",
            ),
            ("questions asked", str(self.questions)),
            ("open index + load model + first answer", f"{self.load_s:.2f} s"),
            (
                "ask latency p50 / p95 / max",
                f"{self.p50_ms:.1f} / {self.p95_ms:.1f} / {self.max_ms:.1f} ms",
            ),
            ("peak resident memory", f"{self.peak_rss_mib:.0f} MiB"),
            (
                "machine",
                f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
            ),
        ]
        table = "\n".join(f"| {name} | {value} |" for name, value in rows)
        return f"# newsqa benchmark\n\nRun {when} with `newsqa bench`.\n\n| measure | value |\n|---|---|\n{table}\n"


def run_bench(
    index_dir: Path,
    open_index: Callable[[], Callable[[str], Answer]],
    questions: Sequence[str],
    counts: Callable[[], tuple[int, int]],
) -> BenchResult:
    """Time opening the index and answering each question once after a warm-up answer."""
    started = time.perf_counter()
    ask = open_index()
    ask(questions[0])
    load_s = time.perf_counter() - started
    times = []
    for question in questions:
        t0 = time.perf_counter()
        ask(question)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    articles, chunks = counts()
    size = sum(f.stat().st_size for f in Path(index_dir).iterdir() if f.is_file())
    return BenchResult(
        index_dir=str(index_dir),
        articles=articles,
        chunks=chunks,
        index_mib=size / 2**20,
        questions=len(times),
        load_s=load_s,
        p50_ms=statistics.median(times),
        p95_ms=times[min(len(times) - 1, int(0.95 * (len(times) - 1) + 0.5))],
        max_ms=times[-1],
        peak_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
