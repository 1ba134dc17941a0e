"""`newsqa build --ray`: read, match, chunk and embed on Ray Data; commit in batches here.

Reading runs as Ray tasks over the files, chunking and embedding as an actor pool that
loads the model once per actor. Story matching and the writes run on the driver through
the same IndexWriter as a local build, in reading order, so chunk ids, vectors and
syndication records come out as a local build's. Every `commit_every` articles the
staged index is swapped into place: a killed build keeps every batch it reported, and a
re-run resumes, embedding only what is not yet in the index.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from newsqa.articles import Article
from newsqa.build.distributed.chunk_stream import ChunkStream
from newsqa.build.distributed.cluster import (
    RayOptions,
    embedding_workers,
    import_ray,
    ray_session,
)
from newsqa.build.distributed.embedding import EmbeddingSpec, GroupEmbedder, chunk_articles
from newsqa.build.distributed.grouping import GROUP, length_groups
from newsqa.build.distributed.matching import can_resume, plan_embedding
from newsqa.build.distributed.reading import (
    REJECTION,
    articles_of,
    file_rows,
    read_files,
    rejection_of,
)
from newsqa.build.distributed.rows import ReadKey
from newsqa.build.distributed.writing import OnCommit, write_in_batches
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import BuildReport, writer_spec
from newsqa.embedding import Embedder
from newsqa.index.reader import IndexReader
from newsqa.progress import Progress
from newsqa.stores.placement import new_placement

ARTICLES_PER_TASK = 16  # articles per embedding call: small enough to spread, big enough to batch
ROWS_PER_BATCH = 256  # rows per batch the driver pulls
MAX_BLOCKS = 4096  # blocks the chunks are spread over for embedding


def build_with_ray(
    paths: Iterable[Path | str],
    settings: BuildSettings,
    embedder: Embedder,
    options: RayOptions,
    progress: Progress | None = None,
    columns: Mapping[str, str] | None = None,
    on_commit: OnCommit | None = None,
) -> BuildReport:
    """Rebuild (or resume rebuilding) the index from PATHS on Ray; see the module docstring."""
    import_ray()  # before loading anything: without Ray, one line saying how to install it
    progress = progress or Progress.silent()
    report = BuildReport()
    # on the driver: reading the dimension exports the ONNX model once, up front
    spec = writer_spec(settings, embedder, new_placement(settings.stores, settings.index_dir))
    with ray_session(options) as ray, warnings.catch_warnings():
        _configure(ray)
        started = time.perf_counter()
        articles = _read(ray, paths, settings, columns, report)
        report.stages["read"] = time.perf_counter() - started

        started = time.perf_counter()
        input_ids = {str(i) for i in articles.unique("article_id")}
        fresh = not can_resume(spec, input_ids)
        plan = plan_embedding(_in_order(articles), spec, fresh, settings.syndication_threshold)
        report.stages["match"] = time.perf_counter() - started

        started = time.perf_counter()
        stream = _embedded(ray, articles, plan, settings, embedder, options)
        total = articles.count()
        rows = progress.track(_Counted(_in_order(articles), total), "Embedding on Ray", "articles")
        try:
            write_in_batches(
                rows,
                stream,
                spec,
                fresh,
                plan,
                settings.syndication_threshold,
                report,
                on_commit,
                options.commit_every,
            )
        finally:
            stream.close()  # stops Ray's executor before the session ends
        report.stages["embed"] = time.perf_counter() - started - report.stages.get("write", 0.0)
    _count_index(spec.index_dir, report)
    return report


def _read(
    ray: ModuleType,
    paths: Iterable[Path | str],
    settings: BuildSettings,
    columns: Mapping[str, str] | None,
    report: BuildReport,
) -> Any:
    """The input's articles as a materialised dataset in reading order; refusals reported."""
    files = file_rows(paths)
    if not files:
        raise ValueError("no articles to index (no readable files given)")
    read = (
        ray.data.from_items(files, override_num_blocks=min(len(files), 200))
        .map_batches(
            read_files,
            fn_kwargs={
                "columns": dict(columns) if columns else None,
                "limits": settings.limits,
            },
            batch_size=None,
        )
        .materialize()
    )
    report.rejected = [
        rejection_of(row) for row in read.filter(lambda row: row[REJECTION] is not None).take_all()
    ]
    articles = read.filter(lambda row: row[REJECTION] is None).drop_columns([REJECTION])
    articles = articles.materialize()
    if articles.count() == 0:
        reasons = "; ".join(f"{r.path}: {r.reason}" for r in report.rejected[:5])
        raise ValueError("no articles to index" + (f" ({reasons})" if reasons else ""))
    return articles


def _embedded(
    ray: ModuleType,
    articles: Any,
    plan: Mapping[ReadKey, int],
    settings: BuildSettings,
    embedder: Embedder,
    options: RayOptions,
) -> ChunkStream:
    """The planned articles' chunks with their vectors, wave by wave.

    Chunking runs as tasks; each commit batch's chunks (a wave) are then grouped by length
    exactly as a local build of those articles groups them, and the actor pool embeds one
    group per call. Waves come back in order, so each batch is written and committed as
    soon as its own wave is embedded.
    """
    if not plan:
        return ChunkStream(iter(()), {})  # nothing new: no actor, no model load
    wanted = {(key.file, key.record) for key in plan}
    spec = EmbeddingSpec(
        model=settings.model or embedder.model_id,
        backend=embedder.backend,
        chunking=settings.chunking,
        batch_size=settings.embed_batch_size,
    )
    chunks = (
        articles.filter(lambda row: (row["file"], row["record"]) in wanted)
        .map_batches(chunk_articles, fn_kwargs={"spec": spec}, batch_size=ARTICLES_PER_TASK)
        .materialize()
    )
    if chunks.count() == 0:
        return ChunkStream(iter(()), {})
    waves = {key: place // max(1, options.commit_every) for key, place in plan.items()}
    groups, counts = length_groups(chunks, waves)
    workers = embedding_workers(ray, options)
    cpus = float(ray.cluster_resources().get("CPU", 1))
    embedded = (
        chunks.zip(ray.data.from_arrow(groups))
        # about one group per block: groupby sorts by group (wave first) and keeps the block
        # count, so the pool embeds groups side by side and waves come back in order
        .repartition(min(len(set(groups[GROUP].to_pylist())), MAX_BLOCKS))
        .groupby(GROUP)
        .map_groups(
            GroupEmbedder,
            fn_constructor_args=(spec,),
            compute=ray.data.ActorPoolStrategy(size=workers),
            # a CPU stays free for the tasks around the pool (a full pool can starve them)
            num_cpus=min(1.0, max(cpus - 1, cpus / 2) / workers),
            batch_format="numpy",
        )
    )
    batches = embedded.iter_batches(batch_size=ROWS_PER_BATCH, batch_format="numpy")
    return ChunkStream(batches, counts)


def _count_index(index_dir: Path, report: BuildReport) -> None:
    store = IndexReader.open(index_dir)
    try:
        report.articles, report.chunks = store.article_count(), store.chunk_count()
    finally:
        store.close()


def _in_order(articles: Any) -> Iterator[tuple[ReadKey, Article]]:
    for batch in articles.iter_batches(batch_size=ROWS_PER_BATCH, batch_format="numpy"):
        yield from articles_of(batch)


class _Counted:
    """An iterable with a known length, for a progress bar with a total."""

    def __init__(self, items: Iterable[tuple[ReadKey, Article]], total: int) -> None:
        self._items, self._total = items, total

    def __iter__(self) -> Iterator[tuple[ReadKey, Article]]:
        return iter(self._items)

    def __len__(self) -> int:
        return self._total


def _configure(ray: ModuleType) -> None:
    """Keep order through every stage; our bar instead of Ray's; no notes on Ray's own API
    (`zip` is deprecated from Ray 2.64, filters by function are slower than expressions)."""
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message="Use 'expr' instead of 'fn'")
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    # a range-partitioned sort: the groups (wave first) come back in order, so each commit
    # batch is written as soon as its wave is embedded (Ray's default shuffle hashes)
    context.shuffle_strategy = ray.data.context.ShuffleStrategy.SORT_SHUFFLE_PULL_BASED
    ray_data_log = logging.getLogger("ray.data")
    ray_data_log.setLevel(logging.ERROR)  # not the note that Ray's bars are off
    context.enable_progress_bars = False  # our own bar counts articles; Ray's would interleave
    ray_data_log.setLevel(logging.WARNING)
