"""MilvusStore: an index whose chunks are searched in Milvus (dense + BM25, filtered before
ranking); articles, syndication and word counts come from the index folder's SQLite catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from newsqa.articles import Article
from newsqa.index.store import IndexStore, IndexUnavailable, Manifest, StoredChunk
from newsqa.index.stores.milvus_chunks import MilvusChunks
from newsqa.index.stores.milvus_client import milvus_client
from newsqa.index.stores.milvus_search import LEXICAL_POOL, MilvusQueries, MilvusSearch
from newsqa.index.stores.protocol import Prefetched


class MilvusStore:
    """A `NewsStore` over a Milvus chunk collection and the index folder's catalogue."""

    def __init__(self, catalogue: IndexStore, chunks: MilvusChunks) -> None:
        self.catalogue = catalogue
        self.manifest: Manifest = catalogue.manifest
        self.index_dir = catalogue.index_dir
        self.collection = chunks
        self.queries = MilvusQueries(chunks)

    @classmethod
    def open(
        cls, index_dir: Path | str, model: str | None = None, uri: str = "", token: str = ""
    ) -> MilvusStore:
        """Open the index folder's catalogue (without its vectors) and its Milvus collection;
        `uri` (settings) overrides the address recorded at build time."""
        catalogue = IndexStore.open(index_dir, model, load_vectors=False)
        manifest = catalogue.manifest
        try:
            chunks = MilvusChunks(
                milvus_client(uri or manifest.milvus_uri, token),
                manifest.milvus_collection,
                manifest.dimension,
                uri or manifest.milvus_uri,
            )
            if not chunks.exists():
                raise IndexUnavailable(
                    f"Milvus at {uri or manifest.milvus_uri} has no collection "
                    f"{manifest.milvus_collection!r}; rebuild with `newsqa build PATH... "
                    f"--store milvus --index {index_dir}`"
                )
            chunks.ensure()
        except BaseException:
            catalogue.close()
            raise
        return cls(catalogue, chunks)

    # -- searching -------------------------------------------------------------------------

    def prefetch(self, matches: Sequence[str]) -> Prefetched:
        return {m: self.queries.bm25(m, LEXICAL_POOL, "") for m in matches}

    def question_search(self, vector: np.ndarray, prefetched: Prefetched) -> MilvusSearch:
        return MilvusSearch(self.queries, vector, dict(prefetched))

    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, StoredChunk]:
        return self.collection.stored(chunk_ids)

    # -- the catalogue ---------------------------------------------------------------------

    def neighbours(
        self, article_id: str, positions: Sequence[int]
    ) -> list[tuple[int, str, int, int]]:
        return self.catalogue.neighbours(article_id, positions)

    def body_span(self, article_id: str, start: int, end: int) -> str:
        return self.catalogue.body_span(article_id, start, end)

    def article(self, article_id: str) -> Article | None:
        return self.catalogue.article(article_id)

    def idf(self, words: Sequence[str] | set[str]) -> dict[str, float]:
        return self.catalogue.idf(words)

    def match_count(self, match: str) -> int:
        return self.catalogue.match_count(match)

    def word_texts(self, word: str, n: int) -> list[str]:
        return self.catalogue.word_texts(word, n)

    def article_count(self) -> int:
        return self.catalogue.article_count()

    def chunk_count(self) -> int:
        return self.catalogue.chunk_count()

    def sources(self) -> list[tuple[str, int]]:
        return self.catalogue.sources()

    def outlet_names(self) -> list[str]:
        return self.catalogue.outlet_names()

    def recent_headlines(self, n: int) -> list[tuple[str, str]]:
        return self.catalogue.recent_headlines(n)

    def article_ids_of(self, keys: Sequence[str]) -> set[str]:
        return self.catalogue.article_ids_of(keys)

    def date_range(self) -> tuple[str | None, str | None]:
        return self.catalogue.date_range()

    def close(self) -> None:
        self.catalogue.close()  # the Milvus client is shared per address and stays open
