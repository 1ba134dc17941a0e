"""Resident memory of a whole newsqa process answering questions over a synthetic index.

`make` writes an index folder as every build does (`IndexWriter`): generated news-like text
(Zipf-distributed words, sentences of 14 words, 15 chunks per article) and random clustered
unit vectors in an IVF index. `measure` opens it in a fresh process, answers questions and
reads the process's resident memory.

    python -m benchmarks.process_memory make /tmp/idx-1m --chunks 1000000
    python -m benchmarks.process_memory measure /tmp/idx-1m
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from itertools import islice
from pathlib import Path
from typing import Protocol

import numpy as np

from newsqa.articles import Article, Chunk
from newsqa.config import DEFAULT_MODEL
from newsqa.index.manifest import Manifest
from newsqa.index.writer import WriterSpec

AT_SCALE = 1_000_000  # chunks of the index that `--parts process-1m` makes
ARTICLES_PER_BATCH = 2_000  # articles whose vectors are made at once
CHUNKS_PER_ARTICLE = 15
SENTENCES_PER_CHUNK = 7
WORDS_PER_SENTENCE = 14
VOCABULARY = 40_000
OUTLETS = 40
NEWS_WORDS = tuple(
    [
        "council",
        "minister",
        "harbour",
        "election",
        "river",
        "farmers",
        "strike",
        "court",
        "budget",
        "school",
        "hospital",
        "railway",
        "festival",
        "museum",
        "storm",
        "police",
        "market",
        "factory",
        "bank",
        "energy",
        "drought",
        "football",
        "mayor",
        "tunnel",
        "airport",
        "union",
        "teachers",
        "prices",
        "housing",
        "library",
        "orchard",
        "vaccine",
        "satellite",
    ]
)
QUESTION_FORMS = (
    "What did the {a} say about the {b}?",
    "Why did the {a} {b} {c}?",
    "When was the {a} {b} announced?",
    "Who is behind the {a} {b} plan?",
    "How many {a} were affected by the {b}?",
    "What happened to the {a} {b}?",
)


def vocabulary(seed: int = 7) -> np.ndarray:
    """News words first (common ranks), then pronounceable made-up words."""
    rng = np.random.default_rng(seed)
    onsets = [*"bcdfghjklmnprstvwz", "br", "ch", "st", "tr", "pl", "gr", "sh"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou"]
    codas = ["", "n", "r", "s", "t", "l", "m", "nd", "st"]
    words = dict.fromkeys(NEWS_WORDS)
    while len(words) < VOCABULARY:
        parts = int(rng.integers(2, 4))
        word = (
            "".join(
                onsets[rng.integers(len(onsets))] + vowels[rng.integers(len(vowels))]
                for _ in range(parts)
            )
            + codas[rng.integers(len(codas))]
        )
        words.setdefault(word, None)
    common = list(words)[len(NEWS_WORDS) :]
    # the news words sit at ranks 20-52: frequent, but not in every chunk
    ordered = [*common[:20], *NEWS_WORDS, *common[20:]]
    return np.array(ordered, dtype=object)


def _ranks(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return np.minimum(rng.zipf(1.2, size=shape) - 1, VOCABULARY - 1)


def synthetic_articles(chunks: int, seed: int = 0) -> Iterator[tuple[Article, list[Chunk]]]:
    """News-like articles of `CHUNKS_PER_ARTICLE` chunks each (the last may have fewer), with
    their chunks, `chunks` in all."""
    words = vocabulary()
    outlets = [f"Outlet {i:02d} News" for i in range(OUTLETS)]
    rng = np.random.default_rng(seed)
    first_day = datetime(2024, 1, 1, tzinfo=timezone.utc)
    for a in range(-(-chunks // CHUNKS_PER_ARTICLE)):
        article_id = f"a{a:07d}"
        n = min(CHUNKS_PER_ARTICLE, chunks - a * CHUNKS_PER_ARTICLE)
        ranks = _ranks(rng, (n, SENTENCES_PER_CHUNK, WORDS_PER_SENTENCE))
        title = " ".join(words[_ranks(rng, (8,))]).capitalize()
        texts = [
            " ".join(" ".join(words[s]).capitalize() + "." for s in ranks[c]) for c in range(n)
        ]
        its_chunks, start = [], 0
        for position, text in enumerate(texts):
            its_chunks.append(Chunk(article_id, position, text, start, start + len(text), 200))
            start += len(text) + 1
        source = outlets[int(rng.integers(OUTLETS))]
        published = first_day + timedelta(minutes=int(rng.integers(0, 2 * 365 * 1440)))
        article = Article(
            article_id,
            title,
            " ".join(texts),
            source=source,
            published_at=published.isoformat(),
            url=f"https://example.org/{a}",
            origin="synthetic",
        )
        yield article, its_chunks


def make(index_dir: Path, chunks: int) -> Manifest:
    """The whole synthetic index, written as every index is (`IndexWriter`): articles, chunks
    and FTS5 rows, random clustered unit vectors (as benchmarks/scale.py) in an IVF index,
    and the manifest with checksums."""
    from benchmarks.scale import DIMENSION, synthetic_blocks

    per_batch = ARTICLES_PER_BATCH * CHUNKS_PER_ARTICLE
    blocks = synthetic_blocks(chunks, step=per_batch)
    spec = WriterSpec(
        index_dir,
        DEFAULT_MODEL,
        DIMENSION,
        chunk_tokens=200,
        chunk_overlap=1,
        embedding_backend="onnx-int8",
        approximate_from=1,  # IVF at any size, as at 1M chunks
    )
    written = 0
    with spec.open(fresh=True) as writer:
        articles = synthetic_articles(chunks)
        while batch := list(islice(articles, ARTICLES_PER_BATCH)):
            vectors = next(blocks)
            row = 0
            for article, its_chunks in batch:
                writer.put_article(article)
                writer.add_chunks(article.title, its_chunks, vectors[row : row + len(its_chunks)])
                row += len(its_chunks)
            written += row
            if written % (10 * per_batch) == 0:
                print(f"  {written:,} chunks", flush=True)
        return writer.commit()


def questions(count: int = 20, seed: int = 3) -> list[str]:
    """Questions on words of middle frequency (ranks 20-2000), some on the news words."""
    words = vocabulary()
    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        picked = words[rng.integers(20, 2000, 3)]
        form = QUESTION_FORMS[i % len(QUESTION_FORMS)]
        out.append(form.format(a=picked[0], b=picked[1], c=picked[2]))
    return out


@dataclass(frozen=True)
class ProcessMemory:
    chunks: int
    questions: int
    rss_open_mib: float  # VmRSS after NewsQA.open
    rss_first_mib: float  # after the first (warm-up) question: catalog loaded
    rss_after_mib: float  # after all questions
    peak_mib: float  # VmHWM: peak resident memory of the whole process
    p50_ms: float
    p95_ms: float
    open_s: float
    first_s: float


def _status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rss_mib() -> float:
    return _status_mib("VmRSS")


def _peak_mib() -> float:
    """The process's peak resident memory. VmHWM, not `ru_maxrss`: Linux carries ru_maxrss
    across exec, so a child forked from a large process (the bench) inherits its peak."""
    hwm = _status_mib("VmHWM")
    return hwm if hwm == hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Asker(Protocol):
    def ask(self, question: str) -> object: ...

    def warm_up(self) -> None: ...


def measure_here(
    open_index: Callable[[Path], Asker], index_dir: Path, count: int = 20
) -> ProcessMemory:
    """Open, warm up, ask `count` questions in this process; call it in a fresh one
    (`python -m benchmarks.process_memory measure INDEX_DIR`, as `measure` does)."""
    from benchmarks.speed_query import percentile

    start = time.perf_counter()
    qa = open_index(index_dir)
    open_s = time.perf_counter() - start
    rss_open = _rss_mib()
    start = time.perf_counter()
    qa.warm_up()
    first_s = time.perf_counter() - start
    rss_first = _rss_mib()
    times = []
    for question in questions(count):
        start = time.perf_counter()
        qa.ask(question)
        times.append((time.perf_counter() - start) * 1000)
    peak = _peak_mib()
    return ProcessMemory(
        chunks=Manifest.read(index_dir).chunks,
        questions=count,
        rss_open_mib=rss_open,
        rss_first_mib=rss_first,
        rss_after_mib=_rss_mib(),
        peak_mib=peak,
        p50_ms=statistics.median(times),
        p95_ms=percentile(times, 0.95),
        open_s=open_s,
        first_s=first_s,
    )


def measure(index_dir: Path, count: int = 20) -> ProcessMemory:
    """`measure_here` in a fresh process (nothing else loaded or kept)."""
    root = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    command = [sys.executable, "-m", "benchmarks.process_memory", "measure", str(index_dir)]
    done = subprocess.run(
        [*command, "--questions", str(count)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
    )
    return ProcessMemory(**json.loads(done.stdout.strip().splitlines()[-1]))


def measure_made(chunks: int, count: int = 20) -> ProcessMemory:
    """Make an index of `chunks` in a scratch folder (GBs at 1M), measure, remove it."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="newsqa-rss-") as folder:
        make(Path(folder), chunks)
        return measure(Path(folder), count)


def markdown_line(m: ProcessMemory) -> str:
    return (
        f"Whole `newsqa` process over a made index of {m.chunks:,} chunks (IVF vectors, SQLite/"
        f"FTS5 catalogue; synthetic text and vectors; `python -m benchmarks.process_memory`), "
        f"in a fresh process: resident memory {m.rss_open_mib:.0f} MiB after `NewsQA.open` "
        f"({m.open_s:.1f} s), {m.rss_first_mib:.0f} MiB after the first question (catalog and "
        f"question embedder loaded, {m.first_s:.1f} s), {m.rss_after_mib:.0f} MiB after "
        f"{m.questions} more; **peak {m.peak_mib:.0f} MiB**; ask p50 / p95 {m.p50_ms:.0f} / "
        f"{m.p95_ms:.0f} ms."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.process_memory")
    parser.add_argument("action", choices=("make", "measure"))
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("--chunks", type=int, default=AT_SCALE, help="make: chunks to make")
    parser.add_argument("--questions", type=int, default=20, help="measure: after the warm-up")
    args = parser.parse_args(argv)
    if args.action == "measure":  # one JSON line, read back by `measure`
        from newsqa.api import NewsQA

        print(json.dumps(asdict(measure_here(NewsQA.open, args.index_dir, args.questions))))
        return
    start = time.perf_counter()
    print(make(args.index_dir, args.chunks))
    print(f"made in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
