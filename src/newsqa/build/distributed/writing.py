"""Writing a distributed build: articles filed in reading order, committed batch by batch."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack

from newsqa.articles import Article
from newsqa.build.distributed.chunk_stream import ChunkStream
from newsqa.build.distributed.matching import StoryMatcher
from newsqa.build.distributed.rows import ReadKey
from newsqa.build.updates import BuildReport
from newsqa.index.manifest import IndexUnavailable
from newsqa.index.writer import IndexWriter, WriterSpec

OnCommit = Callable[[BuildReport, int], None]  # (the report so far, articles read so far)


class IndexChangedDuringBuild(IndexUnavailable):
    """Another writer changed the index between the matching pass and the writes."""


def write_in_batches(
    rows: Iterable[tuple[ReadKey, Article]],
    stream: ChunkStream,
    spec: WriterSpec,
    fresh: bool,
    plan: Mapping[ReadKey, int],
    syndication_threshold: float,
    report: BuildReport,
    on_commit: OnCommit | None,
    commit_every: int,
) -> None:
    """File each article again in reading order, store its chunks, commit every batch."""
    matcher = StoryMatcher(syndication_threshold)
    read = 0
    with ExitStack() as batch:
        writer: IndexWriter | None = None
        for key, article in rows:
            if writer is None:
                writer = batch.enter_context(spec.open(fresh=fresh and read == 0))
            if matcher.file(writer, article, report):
                if key not in plan:
                    raise IndexChangedDuringBuild(
                        f"{spec.index_dir} changed during the build; run it again to resume"
                    )
                chunks, vectors = stream.take(key, article.article_id)
                writer.add_chunks(article.title, chunks, vectors)
                report.embedded += len(chunks)
            read += 1
            if read % max(1, commit_every) == 0:
                _commit(writer, report, read, on_commit)
                batch.close()  # the writer lock is free between batches
                writer = None
        if writer is not None:
            _commit(writer, report, read, on_commit)


def _commit(
    writer: IndexWriter, report: BuildReport, read: int, on_commit: OnCommit | None
) -> None:
    """Swap the batch into place (when it changed anything), then say so."""
    if not writer.changed:
        return
    started = time.perf_counter()
    report.manifest = writer.commit()
    report.stages["write"] = report.stages.get("write", 0.0) + time.perf_counter() - started
    if on_commit:
        on_commit(report, read)
