"""newsqa against txtai on the same articles and model, txtai in the benchmark's own venv.

txtai is never a dependency of newsqa: `python -m benchmarks --peers` makes a separate virtual
environment (`.venv-bench` by default) with txtai and the packages it shares with newsqa at
the versions newsqa runs with (the same torch), and runs `txtai_peer.py` there. txtai indexes
exactly the texts newsqa embeds (title and chunk, already chunked, so its time has no
chunking in it); newsqa's time is its whole build from articles.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from benchmarks.speed_query import percentile
from newsqa.articles import Article
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import build_from_articles, embedding_text, make_chunker
from newsqa.config import Settings
from newsqa.embedding import make_embedder, resolve_model_path

TXTAI = "txtai==9.14.0"
SHARED = ("torch", "transformers", "tokenizers", "huggingface-hub", "numpy", "faiss-cpu")
PEER_SCRIPT = Path(__file__).with_name("txtai_peer.py")


@dataclass(frozen=True)
class PeerComparison:
    """newsqa and txtai on the same articles; `error` says why txtai could not run."""

    articles: int
    chunks: int
    newsqa_build_s: float  # mean of a build before and one after txtai's
    newsqa_p50_ms: float
    newsqa_p95_ms: float
    txtai_version: str = ""
    txtai_index_s: float = 0.0
    txtai_p50_ms: float = 0.0
    txtai_p95_ms: float = 0.0
    error: str = ""

    @property
    def ratio(self) -> float:
        """newsqa's indexing throughput over txtai's (>1: newsqa indexes faster)."""
        return self.txtai_index_s / self.newsqa_build_s if self.newsqa_build_s else 0.0


def peer_python(venv: Path) -> Path:
    """The peer venv's python, made on first use; RuntimeError with the failing command."""
    python = venv / "bin" / "python"
    if python.exists() and _has_txtai(python):
        return python
    pins = _installed(SHARED)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as constraints:
        constraints.write("\n".join(pins) + "\n")
    for command in (
        [sys.executable, "-m", "venv", str(venv)],
        [str(python), "-m", "pip", "install", "--quiet", TXTAI, "-c", constraints.name],
    ):
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            raise RuntimeError(f"`{' '.join(command)}` failed: {' / '.join(tail)}")
    return python


def _has_txtai(python: Path) -> bool:
    done = subprocess.run([str(python), "-c", "import txtai"], capture_output=True, timeout=300)
    return done.returncode == 0


def _installed(names: Sequence[str]) -> list[str]:
    """`name==version` of each package as installed beside newsqa (from requirements.lock)."""
    pins = []
    for name in names:
        try:
            pins.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            continue
    return pins


def measure(
    articles: Sequence[Article],
    settings: Settings,
    questions: Sequence[str],
    venv: Path,
    open_ask: Callable[[Path], Callable[[str], object]],
) -> PeerComparison:
    """newsqa builds the articles, txtai indexes the same texts, newsqa builds again; each
    answers the questions on its own index of those articles."""
    embedder = make_embedder(settings.model, settings.backend)
    chunker = make_chunker(BuildSettings.from_settings(settings).chunking, embedder)
    texts = [embedding_text(a, c) for a in articles for c in chunker.chunk(a)]
    with tempfile.TemporaryDirectory(prefix="newsqa-peers-") as folder:
        index_dir = Path(folder) / "index"
        first = _build(articles, settings, index_dir)
        p50, p95 = _latency(open_ask(index_dir), questions)
        base = PeerComparison(len(articles), len(texts), first, p50, p95)
        try:
            peer = _run_txtai(peer_python(venv), texts, questions)
        except (RuntimeError, OSError, subprocess.SubprocessError, ValueError) as exc:
            return replace(base, error=str(exc))
        second = _build(articles, settings, Path(folder) / "again")
    return PeerComparison(
        len(articles),
        len(texts),
        (first + second) / 2,
        p50,
        p95,
        peer["txtai"],
        peer["index_s"],
        statistics.median(peer["query_ms"]),
        percentile(peer["query_ms"], 0.95),
    )


def _build(articles: Sequence[Article], settings: Settings, index_dir: Path) -> float:
    fresh = make_embedder(settings.model, settings.backend)  # nothing cached from before
    start = time.perf_counter()
    build_from_articles(
        articles, BuildSettings.from_settings(settings.replace(index_dir=index_dir)), fresh
    )
    return time.perf_counter() - start


def _latency(ask: Callable[[str], object], questions: Sequence[str]) -> tuple[float, float]:
    ask(questions[0])
    times = []
    for question in questions:
        start = time.perf_counter()
        ask(question)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), percentile(times, 0.95)


def _run_txtai(python: Path, texts: list[str], questions: Sequence[str]) -> dict:
    job = {"model": resolve_model_path("default"), "texts": texts, "questions": list(questions)}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as source:
        json.dump(job, source)
    done = subprocess.run(
        [str(python), str(PEER_SCRIPT), source.name],
        capture_output=True,
        text=True,
        timeout=3600,
        env=os.environ | {"HF_HUB_OFFLINE": "1"},
    )
    Path(source.name).unlink(missing_ok=True)
    if done.returncode != 0:
        raise RuntimeError(f"txtai run failed: {done.stderr.strip().splitlines()[-3:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
