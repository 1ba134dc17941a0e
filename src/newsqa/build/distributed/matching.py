"""Story matching for a distributed build: the local build's filing decisions, on the driver.

Which copy of a story is kept depends on reading order, so matching runs once, in order,
against the index writer, exactly as `update_index` does it. It is cheap next to
embedding (a hash look-up and a few LSH band queries per article).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsqa.articles import Article
from newsqa.build.distributed.rows import ReadKey
from newsqa.build.updates import BuildReport, file_article
from newsqa.index.health import refuse_damaged
from newsqa.index.manifest import FORMAT_VERSION, MANIFEST, IndexUnavailable, Manifest
from newsqa.index.reader import IndexReader
from newsqa.index.writer import IndexWriter, WriterSpec


@dataclass
class StoryMatcher:
    """Files articles into a writer in reading order; remembers ids across commits."""

    threshold: float
    seen: set[str] = field(default_factory=set)

    def file(self, writer: IndexWriter, article: Article, report: BuildReport) -> bool:
        """True when the article's chunks must be embedded (new or changed text)."""
        return file_article(writer, article, self.seen, self.threshold, report)


def made_alike(spec: WriterSpec) -> bool:
    """Whether the index on disk was made with this model, backend and chunking, so
    its vectors are the ones this build would make (the condition to resume into it)."""
    if not (spec.index_dir / MANIFEST).exists():
        return False
    try:
        manifest = Manifest.read(spec.index_dir)
    except IndexUnavailable:
        return False
    return (
        manifest.format_version == FORMAT_VERSION
        and manifest.model == spec.model
        and manifest.embedding_backend == spec.embedding_backend
        and (manifest.chunk_tokens, manifest.chunk_overlap)
        == (spec.chunk_tokens, spec.chunk_overlap)
    )


def stored_ids(index_dir: Path) -> set[str]:
    """Ids of every story and recorded copy in the index on disk."""
    reader = IndexReader.open(index_dir, load_vectors=False)
    try:
        return reader.stored_ids()
    finally:
        reader.close()


def plan_embedding(
    articles: Iterable[tuple[ReadKey, Article]], spec: WriterSpec, fresh: bool, threshold: float
) -> dict[ReadKey, int]:
    """The articles whose chunks this build must embed, with their place in the input
    (nothing is committed here)."""
    matcher = StoryMatcher(threshold)
    report = BuildReport()
    with spec.open(fresh) as writer:
        return {
            key: place
            for place, (key, article) in enumerate(articles)
            if matcher.file(writer, article, report)
        }


def can_resume(spec: WriterSpec, input_ids: set[str]) -> bool:
    """Resume into the index on disk when it was made alike and holds nothing but input
    articles (a killed run of this build); otherwise the build starts from empty."""
    if not made_alike(spec):
        return False
    try:
        refuse_damaged(spec.index_dir)
        return stored_ids(spec.index_dir) <= input_ids
    except IndexUnavailable:
        return False  # a damaged index is rebuilt from empty, never resumed into
