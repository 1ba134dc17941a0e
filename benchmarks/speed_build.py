"""End-to-end build time by stage, against a plain torch fp32 encode() of the same texts."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsqa.articles import Article
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import build_from_articles, embedding_text, make_chunker
from newsqa.config import Settings
from newsqa.embedding import make_embedder, resolve_model_path


@dataclass(frozen=True)
class BuildSpeed:
    articles: int
    chunks: int
    backend: str
    build_s: float
    stages: dict[str, float]
    reference_s: float  # plain sentence-transformers fp32 encode() of the same texts

    @property
    def ratio(self) -> float:
        return self.reference_s / self.build_s


def plain_torch_encode(texts: Sequence[str]) -> float:
    """Seconds for what a user of sentence-transformers would write: one encode() call."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(resolve_model_path("default"), device="cpu")
    model.encode(list(texts[:8]))
    start = time.perf_counter()
    model.encode(list(texts), batch_size=64, normalize_embeddings=True)
    return time.perf_counter() - start


def measure(articles: Sequence[Article], settings: Settings) -> BuildSpeed:
    """Build `articles` into a temporary index with the default backend; the torch reference
    runs before and after the build and is averaged (the machine's load drifts)."""
    embedder = make_embedder(settings.model, settings.backend)
    chunker = make_chunker(BuildSettings.from_settings(settings).chunking, embedder)
    texts = [embedding_text(a, c) for a in articles for c in chunker.chunk(a)]
    before = plain_torch_encode(texts)
    with tempfile.TemporaryDirectory(prefix="newsqa-bench-") as folder:
        fresh = make_embedder(settings.model, settings.backend)  # nothing cached from above
        start = time.perf_counter()
        report = build_from_articles(
            articles,
            BuildSettings.from_settings(settings.replace(index_dir=Path(folder) / "index")),
            fresh,
        )
        build_s = time.perf_counter() - start
    after = plain_torch_encode(texts)
    return BuildSpeed(
        articles=len(articles),
        chunks=report.chunks,
        backend=fresh.backend,
        build_s=build_s,
        stages=report.stages,
        reference_s=(before + after) / 2,
    )
