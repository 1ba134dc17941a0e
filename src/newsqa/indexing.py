"""Index building: ingest → chunk → embed → write, with progress and a summary."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from newsqa.articles import Article
from newsqa.chunking import Chunk, Chunker
from newsqa.config import Settings
from newsqa.embedding import Embedder
from newsqa.ingest import Rejection, load_paths
from newsqa.progress import Progress
from newsqa.store import Manifest, write_index


@dataclass
class BuildReport:
    """What a build did: counts, duplicates skipped, files rejected."""

    articles: int = 0
    chunks: int = 0
    embedded: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    manifest: Manifest | None = None


def make_chunker(settings: Settings, embedder: Embedder) -> Chunker:
    return Chunker(
        max_tokens=settings.chunk_tokens,
        overlap=settings.chunk_overlap,
        model_tokens=embedder.count_tokens,
        model_limit=embedder.max_tokens,
    )


def embedding_text(article: Article, chunk: Chunk) -> str:
    """What the model embeds: the title as context, then the chunk."""
    return f"{article.title}\n{chunk.text}"


def dedupe(articles: Iterable[Article]) -> tuple[list[Article], int]:
    """Keep the first of articles with the same id or identical content."""
    seen_ids: set[str] = set()
    seen_hashes: set[str] = set()
    kept: list[Article] = []
    skipped = 0
    for article in articles:
        if article.article_id in seen_ids or article.content_hash in seen_hashes:
            skipped += 1
            continue
        seen_ids.add(article.article_id)
        seen_hashes.add(article.content_hash)
        kept.append(article)
    return kept, skipped


def build_from_articles(
    articles: Iterable[Article],
    settings: Settings,
    embedder: Embedder,
    progress: Progress | None = None,
) -> BuildReport:
    progress = progress or Progress.silent()
    kept, duplicates = dedupe(articles)
    chunker = make_chunker(settings, embedder)
    chunks: list[Chunk] = []
    texts: list[str] = []
    for article in progress.track(kept, "Chunking articles", unit="articles"):
        for chunk in chunker.chunk(article):
            chunks.append(chunk)
            texts.append(embedding_text(article, chunk))
    vectors = _embed(texts, embedder, settings.embed_batch_size, progress)
    manifest = write_index(
        settings.index_dir,
        kept,
        chunks,
        vectors,
        model=embedder.model_id,
        chunk_tokens=settings.chunk_tokens,
        chunk_overlap=settings.chunk_overlap,
    )
    return BuildReport(len(kept), len(chunks), len(texts), duplicates, [], manifest)


def build_from_paths(
    paths: Iterable[Path | str],
    settings: Settings,
    embedder: Embedder,
    progress: Progress | None = None,
) -> BuildReport:
    report = load_paths(paths)
    if not report.articles:
        reasons = "; ".join(f"{r.path}: {r.reason}" for r in report.rejected[:5])
        raise ValueError("no articles to index" + (f" ({reasons})" if reasons else ""))
    built = build_from_articles(report.articles, settings, embedder, progress)
    built.rejected = report.rejected
    return built


def _embed(texts: list[str], embedder: Embedder, batch_size: int, progress: Progress) -> np.ndarray:
    batches = [texts[i : i + batch_size] for i in range(0, len(texts), batch_size)]
    parts = [
        embedder.encode(batch, batch_size=batch_size)
        for batch in progress.track(batches, f"Embedding {len(texts)} chunks", unit="batches")
    ]
    if not parts:
        return np.zeros((0, embedder.dimension), dtype=np.float32)
    return np.vstack(parts)
