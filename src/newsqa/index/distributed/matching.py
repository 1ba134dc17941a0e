"""Story matching for a distributed build: the local build's filing decisions, on the driver.

Which copy of a story is kept depends on reading order, so matching runs once, in order,
against the index writer, exactly as `update_index` does it. It is cheap next to
embedding (a hash look-up and a few LSH band queries per article).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from newsqa.articles import Article
from newsqa.index.distributed.rows import ReadKey
from newsqa.index.store import FORMAT_VERSION, MANIFEST, IndexStore, IndexUnavailable, Manifest
from newsqa.index.stores.placement import StorePlacement
from newsqa.index.updates import BuildReport, file_article
from newsqa.index.writer import IndexWriter


@dataclass(frozen=True)
class WriterSpec:
    """What opens an IndexWriter for this build (the same arguments the local build passes)."""

    index_dir: Path
    model: str
    dimension: int
    chunk_tokens: int
    chunk_overlap: int
    embedding_backend: str
    approximate_from: int
    placement: StorePlacement = field(default_factory=StorePlacement)  # a new index's store

    def open(self, fresh: bool) -> IndexWriter:
        return IndexWriter(
            self.index_dir,
            fresh=fresh,
            model=self.model,
            dimension=self.dimension,
            chunk_tokens=self.chunk_tokens,
            chunk_overlap=self.chunk_overlap,
            embedding_backend=self.embedding_backend,
            approximate_from=self.approximate_from,
            placement=self.placement,
        )

    def made_alike(self) -> bool:
        """Whether the index on disk was made with this model, backend and chunking, so
        its vectors are the ones this build would make (the condition to resume into it)."""
        if not (self.index_dir / MANIFEST).exists():
            return False
        try:
            manifest = Manifest.read(self.index_dir)
        except IndexUnavailable:
            return False
        return (
            manifest.format_version == FORMAT_VERSION
            and manifest.model == self.model
            and manifest.embedding_backend == self.embedding_backend
            and (manifest.chunk_tokens, manifest.chunk_overlap)
            == (self.chunk_tokens, self.chunk_overlap)
        )


@dataclass
class StoryMatcher:
    """Files articles into a writer in reading order; remembers ids across commits."""

    threshold: float
    seen: set[str] = field(default_factory=set)

    def file(self, writer: IndexWriter, article: Article, report: BuildReport) -> bool:
        """True when the article's chunks must be embedded (new or changed text)."""
        return file_article(writer, article, self.seen, self.threshold, report)


def stored_ids(index_dir: Path) -> set[str]:
    """Ids of every story and recorded copy in the index on disk."""
    store = IndexStore.open(index_dir)
    try:
        ids = {str(row[0]) for row in store.db.execute("SELECT article_id FROM articles")}
        with suppress(sqlite3.OperationalError):  # an index from before copies were recorded
            ids |= {str(row[0]) for row in store.db.execute("SELECT article_id FROM syndication")}
        return ids
    finally:
        store.close()


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
    return spec.made_alike() and stored_ids(spec.index_dir) <= input_ids
