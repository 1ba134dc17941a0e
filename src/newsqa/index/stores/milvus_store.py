"""MilvusStore: an index whose chunks are searched in Milvus (dense + BM25, filtered before
ranking); articles, syndication and word counts come from the index folder's SQLite catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from newsqa.articles import Article
from newsqa.index.scope import Scope
from newsqa.index.store import IndexStore, IndexUnavailable, Manifest, StoredChunk
from newsqa.index.stores.fts_terms import Fts5Terms
from newsqa.index.stores.milvus_chunks import MilvusChunks
from newsqa.index.stores.milvus_client import is_local, milvus_client
from newsqa.index.stores.milvus_filters import milvus_filter
from newsqa.index.stores.protocol import Prefetched, Ranked

LEXICAL_POOL = 300  # unfiltered BM25 hits kept per claim, as the embedded store keeps
MIN_SCOPED_HITS = 20
_TERM = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class SearchHit:
    """A search hit with its article's id, outlets and date, so a scope can be checked here."""

    FIELDS: ClassVar[tuple[str, ...]] = (
        "chunk_id",
        "article_id",
        "source",
        "outlets",
        "published_at",
    )
    chunk_id: int
    score: float
    article_id: str
    source: str
    outlets: tuple[str, ...]
    published_at: str

    @classmethod
    def of(cls, hit: dict[str, Any], score: Callable[[float], float]) -> SearchHit:
        entity = hit.get("entity", hit)
        return cls(
            int(hit["chunk_id"]),
            score(float(hit["distance"])),
            entity.get("article_id", ""),
            entity.get("source", ""),
            tuple(entity.get("outlets") or ()),
            entity.get("published_at", ""),
        )

    def within(self, scope: Scope) -> bool:
        return scope.admits(self.article_id, self.source, self.outlets, self.published_at)


def match_words(match: str) -> list[str]:
    """The words of an FTS5 MATCH expression (`"a" OR "b"`)."""
    words = _TERM.findall(match) or re.findall(r"\w+", match)
    return [w for w in words if w.strip()]


class MilvusStore:
    """A `NewsStore` over a Milvus chunk collection and the index folder's catalogue."""

    def __init__(self, catalogue: IndexStore, chunks: MilvusChunks) -> None:
        self.catalogue = catalogue
        self.manifest: Manifest = catalogue.manifest
        self.index_dir = catalogue.index_dir
        self.collection = chunks
        self.terms = Fts5Terms()  # question words cut as the chunks' terms were
        self.lite = is_local(chunks.uri)

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
        return {m: self.bm25(m, LEXICAL_POOL, "") for m in matches}

    def question_search(self, vector: np.ndarray, prefetched: Prefetched) -> MilvusSearch:
        return MilvusSearch(self, vector, dict(prefetched))

    def bm25(self, match: str, n: int, expr: str) -> list[SearchHit]:
        """BM25 hits on the words of an FTS5 MATCH expression, cut into the chunks' terms."""
        terms = self.terms.words(match_words(match))
        return self.search("sparse", terms, n, expr) if terms else []

    def search(self, field: str, query: Any, n: int, expr: str) -> list[SearchHit]:
        """Top-n chunks by `field` ("vector": inner product, "sparse": BM25) among those
        `expr` allows, best first, each with what scope checks need."""
        metric = "IP" if field == "vector" else "BM25"
        results = self.collection.client.search(
            self.collection.name,
            data=[query],
            anns_field=field,
            limit=int(n),
            filter=expr,
            search_params={"metric_type": metric},
            output_fields=list(SearchHit.FIELDS),
        )
        # milvus-lite reports BM25 scores negated; a server reports them positive
        hits = [SearchHit.of(hit, abs if metric == "BM25" else float) for hit in results[0]]
        return sorted(hits, key=lambda hit: hit.score, reverse=True)

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

    def article_count(self) -> int:
        return self.catalogue.article_count()

    def chunk_count(self) -> int:
        return self.catalogue.chunk_count()

    def sources(self) -> list[tuple[str, int]]:
        return self.catalogue.sources()

    def outlet_names(self) -> list[str]:
        return self.catalogue.outlet_names()

    def recent_titles(self, n: int) -> list[str]:
        return self.catalogue.recent_titles(n)

    def article_ids_of(self, keys: Sequence[str]) -> set[str]:
        return self.catalogue.article_ids_of(keys)

    def date_range(self) -> tuple[str | None, str | None]:
        return self.catalogue.date_range()

    def close(self) -> None:
        self.catalogue.close()  # the Milvus client is shared per address and stays open


class MilvusSearch:
    """One question's searches in Milvus, by the embedded store's plan: dense search filters
    inside Milvus; BM25 runs once per claim unfiltered (while the question is encoded) and
    each scope keeps its hits, searching again with the filter only when too few are left."""

    def __init__(
        self, store: MilvusStore, vector: np.ndarray, pools: dict[str, list[SearchHit]]
    ) -> None:
        self.store = store
        self.chunks = store.collection
        self.vector = np.asarray(vector, dtype=np.float32).reshape(-1).tolist()
        self.pools = pools
        self._vectors: dict[int, np.ndarray] = {}

    def any_in(self, scope: Scope) -> bool:
        expr = milvus_filter(scope, self.store.lite)
        if not expr:
            return True
        rows = self.chunks.client.query(
            self.chunks.name, filter=expr, output_fields=["chunk_id"], limit=1
        )
        return bool(rows)

    def dense(self, n: int, scope: Scope) -> Ranked:
        expr = milvus_filter(scope, self.store.lite)
        return [
            (hit.chunk_id, hit.score) for hit in self.store.search("vector", self.vector, n, expr)
        ]

    def lexical(self, match: str, n: int, scope: Scope) -> Ranked:
        if match not in self.pools:
            self.pools[match] = self.store.bm25(match, LEXICAL_POOL, "")
        pool = self.pools[match]
        if scope.unrestricted:
            return [(hit.chunk_id, hit.score) for hit in pool[:n]]
        kept = [(hit.chunk_id, hit.score) for hit in pool if hit.within(scope)]
        if len(kept) >= min(n, MIN_SCOPED_HITS) or len(pool) < LEXICAL_POOL:
            return kept[:n]
        hits = self.store.bm25(match, n, milvus_filter(scope, self.store.lite))
        return [(hit.chunk_id, hit.score) for hit in hits]

    def similarity(self, chunk_ids: Sequence[int]) -> dict[int, float]:
        wanted = [cid for cid in chunk_ids if cid not in self._vectors]
        self._vectors.update(self.chunks.vectors(wanted))
        query = np.asarray(self.vector, dtype=np.float32)
        return {cid: float(self._vectors[cid] @ query) for cid in chunk_ids if cid in self._vectors}
