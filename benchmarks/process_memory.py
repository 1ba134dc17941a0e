"""Resident memory of a whole newsqa process answering questions over a synthetic index.

`make` writes an index folder that `NewsQA.open(dir).ask(q)` accepts: the store's own SQLite
schema (articles, chunks, FTS5, update tables) filled directly with generated news-like text
(Zipf-distributed words, sentences of 14 words, ~15 chunks per article), random unit vectors
in an IVF index built by `index/vectors.py`, and a manifest with checksums. `measure` opens
it in a fresh process, answers questions and reads the process's resident memory.

    python -m benchmarks.process_memory make /tmp/idx-1m --chunks 1000000
    newsqa bench-process /tmp/idx-1m
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol

import numpy as np

from newsqa.config import DEFAULT_MODEL
from newsqa.index import schema
from newsqa.index.manifest import DATABASE, FORMAT_VERSION, MANIFEST, VECTORS, Manifest, sha256_of

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


def write_catalogue(index_dir: Path, chunks: int, seed: int = 0) -> int:
    """The SQLite file (store schema, FTS5 filled); returns the number of articles."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / DATABASE
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-262144")
    schema.create(db)
    words = vocabulary()
    outlets = [f"Outlet {i:02d} News" for i in range(OUTLETS)]
    rng = np.random.default_rng(seed)
    first_day = datetime(2024, 1, 1, tzinfo=timezone.utc)
    articles = -(-chunks // CHUNKS_PER_ARTICLE)
    chunk_id = 0
    batch = 2_000
    for first in range(0, articles, batch):
        count = min(batch, articles - first)
        article_rows, chunk_rows, fts_rows = [], [], []
        for a in range(first, first + count):
            n = min(CHUNKS_PER_ARTICLE, chunks - chunk_id)
            ranks = _ranks(rng, (n, SENTENCES_PER_CHUNK, WORDS_PER_SENTENCE))
            title = " ".join(words[_ranks(rng, (8,))]).capitalize()
            texts = [
                " ".join(" ".join(words[s]).capitalize() + "." for s in ranks[c]) for c in range(n)
            ]
            body, start = [], 0
            for position, text in enumerate(texts):
                chunk_rows.append(
                    (chunk_id, f"a{a:07d}", position, text, start, start + len(text), 200)
                )
                fts_rows.append((chunk_id, title, text))
                body.append(text)
                start += len(text) + 1
                chunk_id += 1
            source = outlets[int(rng.integers(OUTLETS))]
            published = first_day + timedelta(minutes=int(rng.integers(0, 2 * 365 * 1440)))
            text = " ".join(body)
            article_rows.append(
                (
                    f"a{a:07d}",
                    title,
                    text,
                    source,
                    published.replace(microsecond=0).isoformat(),
                    f"https://example.org/{a}",
                    None,
                    None,
                    None,
                    "synthetic",
                    json.dumps([source]),
                    hashlib.sha256(text.encode()).hexdigest(),
                )
            )
        db.executemany("INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", article_rows)
        db.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?,?)", chunk_rows)
        db.executemany("INSERT INTO chunks_fts(rowid, title, text) VALUES (?,?,?)", fts_rows)
        db.commit()
        if first % 20_000 == 0:
            print(f"  {chunk_id:,} chunks", flush=True)
    db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize')")
    db.commit()
    db.close()
    return articles


def write_vectors(index_dir: Path, chunks: int) -> str:
    """Random clustered unit vectors (as bench/scale.py) in the project's IVF index."""
    import faiss

    from benchmarks.scale import synthetic_vectors
    from newsqa.index.vectors import build_approximate, describe

    index_dir.mkdir(parents=True, exist_ok=True)
    index = build_approximate(synthetic_vectors(chunks), np.arange(chunks, dtype=np.int64))
    faiss.write_index(index, str(index_dir / VECTORS))
    return describe(index)


def write_manifest(index_dir: Path) -> Manifest:
    import faiss

    from newsqa.index.vectors import describe, kind_of

    vectors = faiss.read_index(str(index_dir / VECTORS), faiss.IO_FLAG_MMAP)
    db = sqlite3.connect(index_dir / DATABASE)
    articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    chunks = db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    db.close()
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        model=DEFAULT_MODEL,
        dimension=vectors.d,
        vector_layout=describe(vectors),
        vector_index=kind_of(vectors),
        chunk_tokens=200,
        chunk_overlap=1,
        embedding_backend="onnx-int8",
        articles=int(articles),
        chunks=int(chunks),
        built_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        checksums={name: sha256_of(index_dir / name) for name in (DATABASE, VECTORS)},
    )
    (index_dir / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2), "utf-8")
    return manifest


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
    (`newsqa bench-process INDEX_DIR`, as `measure` does)."""
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
    """`measure_here` in a fresh `newsqa` process (nothing else loaded or kept)."""
    command = [sys.executable, "-m", "newsqa", "bench-process", str(index_dir)]
    done = subprocess.run(
        [*command, "--questions", str(count)],
        check=True,
        capture_output=True,
        text=True,
    )
    return ProcessMemory(**json.loads(done.stdout.strip().splitlines()[-1]))


def make(index_dir: Path, chunks: int) -> Manifest:
    """The whole synthetic index: vectors, catalogue, manifest."""
    write_vectors(index_dir, chunks)
    write_catalogue(index_dir, chunks)
    return write_manifest(index_dir)


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
    parser.add_argument("action", choices=("make",))
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("--chunks", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("catalogue", "vectors", "manifest"))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.only is None:
        print(make(args.index_dir, args.chunks))
    if args.only == "vectors":
        print("vectors:", write_vectors(args.index_dir, args.chunks), flush=True)
    if args.only == "catalogue":
        print("articles:", write_catalogue(args.index_dir, args.chunks), flush=True)
    if args.only == "manifest":
        print(write_manifest(args.index_dir))
    print(f"made in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
