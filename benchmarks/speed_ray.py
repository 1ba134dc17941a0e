"""Ray build throughput per worker against local builds of the same articles, in one run.

`python -m benchmarks.speed_ray CORPUS.json --articles 120 --workers 1,2 --cpus 2`
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from newsqa.build.distributed.build import build_with_ray
from newsqa.build.distributed.cluster import RayOptions, import_ray
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import BuildReport, build_from_paths
from newsqa.embedding import Embedder, make_embedder
from newsqa.index.reader import IndexReader
from newsqa.index.vectors import vector_ids


@dataclass(frozen=True)
class BuildRun:
    """One build of the articles: how, how long, how much went through the model."""

    how: str
    articles: int
    chunks: int
    word_pieces: int  # what the model read, special tokens included (as in docs/performance.md)
    seconds: float
    stages: dict[str, float]
    min_cosine: float = 1.0  # against the local one-thread build, chunk by chunk (same ids)

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.seconds

    @property
    def tokens_per_s(self) -> float:
        return self.word_pieces / self.seconds


def word_pieces(index_dir: Path, embedder: Embedder) -> int:
    """Word pieces of every embedded text (title, newline, chunk), as the model counts them."""
    reader = IndexReader.open(index_dir)
    try:
        ids = vector_ids(reader.vectors).tolist()
        chunks = [
            c for i in range(0, len(ids), 500) for c in reader.chunks(ids[i : i + 500]).values()
        ]
    finally:
        reader.close()
    limit = embedder.max_tokens
    return sum(min(embedder.count_tokens(f"{c.title}\n{c.text}") + 2, limit) for c in chunks)


def min_cosine(index_dir: Path, reference_dir: Path) -> float:
    """The lowest cosine between a chunk's vector here and under the same id in the reference."""
    here, there = (_vectors(d) for d in (index_dir, reference_dir))
    ids = vector_ids(there)
    if sorted(vector_ids(here).tolist()) != sorted(ids.tolist()):
        return float("nan")  # other chunk ids: not the same index
    return min(float(np.dot(here.reconstruct(int(i)), there.reconstruct(int(i)))) for i in ids)


def _vectors(index_dir: Path) -> faiss.Index:
    reader = IndexReader.open(index_dir)
    reader.close()
    assert reader.vectors is not None
    return reader.vectors


def _run(
    how: str, build: object, index_dir: Path, embedder: Embedder, reference: Path | None = None
) -> BuildRun:
    start = time.perf_counter()
    report: BuildReport = build()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    return BuildRun(
        how,
        report.articles,
        report.chunks,
        word_pieces(index_dir, embedder),
        seconds,
        report.stages,
        min_cosine(index_dir, reference) if reference else 1.0,
    )


def measure(paths: Sequence[Path], workers: Sequence[int], cpus: int) -> list[BuildRun]:
    """Local builds on one thread and on all cores, then Ray builds with each worker count."""
    ray = import_ray()
    runs: list[BuildRun] = []
    with tempfile.TemporaryDirectory(prefix="newsqa-ray-bench-") as folder:
        root = Path(folder)
        one = make_embedder(threads=1)
        one.encode(["warm up"])  # exports the model once, before anything is timed
        settings = BuildSettings(index_dir=root / "local-1")
        runs.append(
            _run(
                "local, 1 thread",
                lambda: build_from_paths(paths, settings, one),
                settings.index_dir,
                one,
            )
        )
        started = time.perf_counter()
        ray.init(num_cpus=cpus, include_dashboard=False, logging_level=logging.WARNING)
        print(f"ray.init(num_cpus={cpus}): {time.perf_counter() - started:.1f} s")
        try:
            for count in workers:
                index_dir = root / f"ray-{count}"
                options = RayOptions(workers=count, commit_every=10**9)
                runs.append(
                    _run(
                        f"Ray, {count} worker{'s' if count > 1 else ''}",
                        lambda o=options, d=index_dir: build_with_ray(
                            paths, BuildSettings(index_dir=d), one, o
                        ),
                        index_dir,
                        one,
                        root / "local-1",
                    )
                )
        finally:
            ray.shutdown()
        every = make_embedder()
        settings = BuildSettings(index_dir=root / "local-all")
        runs.append(
            _run(
                "local, all cores",
                lambda: build_from_paths(paths, settings, every),
                settings.index_dir,
                one,
                root / "local-1",
            )
        )
    return runs


def markdown(runs: Sequence[BuildRun]) -> str:
    lines = [
        "| build | articles | chunks | seconds | articles/s | tokens/s | min cosine | stages (s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        stages = ", ".join(f"{k} {v:.1f}" for k, v in r.stages.items())
        lines.append(
            f"| {r.how} | {r.articles} | {r.chunks} | {r.seconds:.1f} | "
            f"{r.articles_per_s:.2f} | {r.tokens_per_s:.0f} | {r.min_cosine:.4f} | {stages} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a JSON list of articles (MultiHop-RAG corpus)")
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--workers", default="1,2", help="Ray worker counts to time")
    parser.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray instance")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsqa-ray-corpus-") as folder:
        subset = Path(folder) / "articles.json"
        articles = json.loads(args.corpus.read_text("utf-8"))[: args.articles]
        subset.write_text(json.dumps(articles), "utf-8")
        runs = measure([subset], [int(w) for w in args.workers.split(",")], args.cpus)
    print(markdown(runs))


if __name__ == "__main__":
    main()
