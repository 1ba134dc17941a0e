"""Index updates: ingest → match stories → chunk → embed → one atomic write, with a summary."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from newsqa.articles import Article, Chunk, canonical_url
from newsqa.build.chunking import Chunker
from newsqa.build.settings import BuildSettings, ChunkingSettings
from newsqa.embedding import Embedder
from newsqa.index.manifest import MANIFEST, Manifest, StorePlacement
from newsqa.index.reader import IndexReader
from newsqa.index.writer import IndexWriter, WriterSpec
from newsqa.ingest import Rejection, load_paths
from newsqa.progress import Progress
from newsqa.stores.placement import mirror_chunks, new_placement
from newsqa.text.shingles import band_keys, shingles, similarity


@dataclass
class BuildReport:
    """What one build, add or remove did, counted per article; `embedded` counts model inputs."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0  # exact copies of an indexed story (same text), skipped
    syndicated: int = 0  # near-identical copies from other outlets, recorded on the story
    removed: int = 0
    embedded: int = 0  # texts sent to the embedding model
    articles: int = 0  # articles in the index afterwards
    chunks: int = 0  # chunks in the index afterwards
    rejected: list[Rejection] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    manifest: Manifest | None = None
    stages: dict[str, float] = field(
        default_factory=dict
    )  # seconds: read, match, chunk, embed, write


@contextmanager
def _timed(report: BuildReport, stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        report.stages[stage] = report.stages.get(stage, 0.0) + time.perf_counter() - start


def make_chunker(chunking: ChunkingSettings, embedder: Embedder) -> Chunker:
    return Chunker(
        max_tokens=chunking.chunk_tokens,
        overlap=chunking.chunk_overlap,
        model_tokens=embedder.count_tokens,
        model_limit=embedder.max_tokens,
        max_sentence_chars=chunking.max_sentence_chars,
        model_tokens_many=getattr(embedder, "count_tokens_many", None),
        model_spans=getattr(embedder, "token_spans", None),
    )


def embedding_text(article: Article, chunk: Chunk) -> str:
    """What the model embeds: the title as context, then the chunk."""
    return f"{article.title}\n{chunk.text}"


def update_index(
    articles: Iterable[Article],
    settings: BuildSettings,
    embedder: Embedder,
    progress: Progress | None = None,
    fresh: bool = False,
) -> BuildReport:
    """Add new articles, replace changed ones, skip unchanged and duplicate ones.

    `fresh` starts from an empty index (a rebuild); otherwise the current index is copied
    and changed. Either way the result replaces the index in one atomic swap, and only if
    something changed.
    """
    progress = progress or Progress.silent()
    articles = list(articles)
    report = BuildReport()
    new_index = fresh or not (settings.index_dir / MANIFEST).exists()
    # a new index goes to the store the settings name (checked before any embedding work);
    # an existing one keeps its own
    placement = (
        new_placement(settings.stores, settings.index_dir)
        if new_index
        else StorePlacement(milvus_token=settings.stores.milvus_token)
    )
    # the dimension of an existing index is its own: the model need not be loaded for it
    spec = writer_spec(settings, embedder, placement, dimension=None if new_index else 0)
    with spec.open(fresh) as writer:
        chunking = replace(
            settings.chunking, chunk_tokens=writer.chunk_tokens, chunk_overlap=writer.chunk_overlap
        )
        settings = settings.replace(chunking=chunking)
        seen: set[str] = set()
        to_embed: list[Article] = []
        with _timed(report, "match"):
            for article in progress.track(articles, "Matching stories", unit="articles"):
                if file_article(writer, article, seen, settings.syndication_threshold, report):
                    to_embed.append(article)
        if to_embed:  # nothing new: the model need not even be loaded
            embed_into(writer, to_embed, settings, embedder, progress, report)
        with _timed(report, "write"):
            if writer.changed:
                report.manifest = writer.commit()
        count_index(writer, report)
    return report


def writer_spec(
    settings: BuildSettings,
    embedder: Embedder,
    placement: StorePlacement,
    dimension: int | None = None,
) -> WriterSpec:
    """How a build or add with this embedder writes (`dimension` None: the embedder's)."""
    return WriterSpec(
        Path(settings.index_dir).absolute(),
        embedder.model_id,
        embedder.dimension if dimension is None else dimension,
        settings.chunking.chunk_tokens,
        settings.chunking.chunk_overlap,
        embedder.backend,
        settings.approximate_from,
        placement,
        mirror_chunks,
    )


def remove_from_index(keys: Iterable[str], settings: BuildSettings) -> BuildReport:
    """Remove articles by id or URL; a URL of a syndicated copy drops only that outlet."""
    manifest = Manifest.read(settings.index_dir)
    report = BuildReport()
    spec = WriterSpec(
        settings.index_dir,
        manifest.model,
        manifest.dimension,
        manifest.chunk_tokens,
        manifest.chunk_overlap,
        manifest.embedding_backend,
        settings.approximate_from,
        StorePlacement(milvus_token=settings.stores.milvus_token),
        mirror_chunks,
    )
    with spec.open(fresh=False) as writer:
        for key in keys:
            found = writer.resolve(key.strip(), canonical_url(key))
            if found is None:
                report.not_found.append(key)
            elif found[0] == "story":
                writer.remove_story(found[1])
                report.removed += 1
            else:
                writer.remove_copy(found[1])
                report.removed += 1
        if writer.changed:
            report.manifest = writer.commit()
        count_index(writer, report)
    return report


def build_from_articles(
    articles: Iterable[Article],
    settings: BuildSettings,
    embedder: Embedder,
    progress: Progress | None = None,
) -> BuildReport:
    """Rebuild the index from scratch from `articles`."""
    return update_index(articles, settings, embedder, progress, fresh=True)


def build_from_paths(
    paths: Iterable[Path | str],
    settings: BuildSettings,
    embedder: Embedder,
    progress: Progress | None = None,
    columns: Mapping[str, str] | None = None,
    fresh: bool = True,
) -> BuildReport:
    """Read files and folders, then rebuild (`fresh`) or update the index with them."""
    started = time.perf_counter()
    read = load_paths(paths, columns=columns, progress=progress, limits=settings.limits)
    reading = time.perf_counter() - started
    if fresh and not read.articles:
        reasons = "; ".join(f"{r.path}: {r.reason}" for r in read.rejected[:5])
        raise ValueError("no articles to index" + (f" ({reasons})" if reasons else ""))
    report = update_index(read.articles, settings, embedder, progress, fresh=fresh)
    report.rejected = read.rejected
    report.stages = {"read": reading, **report.stages}
    return report


def file_article(
    writer: IndexWriter, article: Article, seen: set[str], threshold: float, report: BuildReport
) -> bool:
    """Decide what `article` is to the index; True when its chunks must be (re)embedded."""
    if article.article_id in seen:
        report.duplicates += 1
        return False
    seen.add(article.article_id)
    stored = writer.stored_article(article.article_id)
    if stored is not None:
        if stored.content_hash == article.content_hash:
            if stored.metadata == article.metadata:
                report.unchanged += 1
            else:
                writer.put_article(article)  # new date, outlet or link: no re-embedding
                report.updated += 1
            return False
        writer.remove_chunks(article.article_id)
        writer.put_article(article)
        report.updated += 1
        return True
    copy = writer.syndicated(article.article_id)
    if copy is not None:
        if copy[1] == article.content_hash:
            report.unchanged += 1
            return False
        writer.remove_copy(article.article_id)  # the copy changed: match it afresh below
    story = _same_story(writer, article, threshold)
    if story is not None:
        writer.add_copy(story[0], article)
        if story[1]:
            report.duplicates += 1
        else:
            report.syndicated += 1
        return False
    writer.put_article(article)
    report.added += 1
    return True


def _same_story(writer: IndexWriter, article: Article, threshold: float) -> tuple[str, bool] | None:
    """(story id, exact copy?) of an indexed story this article repeats, if any."""
    exact = writer.story_with_hash(article.content_hash)
    if exact is not None:
        return exact, True
    parts = shingles(article.body)
    best: tuple[float, str] | None = None
    for story_id, body in writer.candidate_stories(band_keys(parts)):
        if story_id == article.article_id:
            continue
        score = similarity(parts, shingles(body))
        if score >= threshold and (best is None or score > best[0]):
            best = (score, story_id)
    return (best[1], False) if best else None


def embed_into(
    writer: IndexWriter,
    articles: list[Article],
    settings: BuildSettings,
    embedder: Embedder,
    progress: Progress,
    report: BuildReport,
) -> None:
    chunker = make_chunker(settings.chunking, embedder)
    pieces: list[tuple[Article, list[Chunk]]] = []
    texts: list[str] = []
    with _timed(report, "chunk"):
        for article in progress.track(articles, "Chunking articles", unit="articles"):
            chunks = chunker.chunk(article)
            pieces.append((article, chunks))
            texts.extend(embedding_text(article, chunk) for chunk in chunks)
    with _timed(report, "embed"):
        vectors = _embed(texts, embedder, settings.embed_batch_size, progress)
    report.embedded += len(texts)
    offset = 0
    with _timed(report, "write"):
        for article, chunks in pieces:
            writer.add_chunks(article.title, chunks, vectors[offset : offset + len(chunks)])
            offset += len(chunks)


def count_index(writer: IndexWriter, report: BuildReport) -> None:
    store = IndexReader.open(writer.index_dir)
    try:
        report.articles, report.chunks = store.article_count(), store.chunk_count()
    finally:
        store.close()


EMBED_GROUP = 512  # texts per encode() call; all texts are sorted by length first


def _embed(texts: list[str], embedder: Embedder, batch_size: int, progress: Progress) -> np.ndarray:
    """All chunks of all articles at once, shortest first, so each batch pads little."""
    if not texts:
        return embedder.empty()
    order = np.argsort([len(t) for t in texts], kind="stable")
    groups = [order[i : i + EMBED_GROUP] for i in range(0, len(order), EMBED_GROUP)]
    vectors = np.empty((len(texts), embedder.dimension), dtype=np.float32)
    for rows in progress.track(groups, "Embedding", unit="chunks", weight=len):
        vectors[rows] = embedder.encode([texts[i] for i in rows], batch_size=batch_size)
    return vectors
