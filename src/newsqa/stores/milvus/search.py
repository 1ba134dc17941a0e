"""Searching a Milvus chunk collection: hits that carry their scope fields, and one
question's dense and BM25 searches planned as the embedded store plans them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from newsqa.stores.milvus.chunks import MilvusChunks
from newsqa.stores.milvus.client import is_local
from newsqa.stores.milvus.filters import milvus_filter
from newsqa.stores.milvus.fts_terms import Fts5Terms
from newsqa.stores.protocol import Ranked
from newsqa.stores.scope import LEXICAL_POOL, Scope, scoped_hits

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


class MilvusQueries:
    """Dense and BM25 searches on one collection; question words are cut into terms the way
    the chunks' terms were (the index's FTS5 tokenizer)."""

    def __init__(self, chunks: MilvusChunks) -> None:
        self.chunks = chunks
        self.terms = Fts5Terms()
        self.lite = is_local(chunks.uri)

    def bm25(self, match: str, n: int, expr: str) -> list[SearchHit]:
        """BM25 hits on the words of an FTS5 MATCH expression, cut into the chunks' terms."""
        terms = self.terms.words(match_words(match))
        return self.search("sparse", terms, n, expr) if terms else []

    def search(self, field: str, query: Any, n: int, expr: str) -> list[SearchHit]:
        """Top-n chunks by `field` ("vector": inner product, "sparse": BM25) among those
        `expr` allows, best first, each with what scope checks need."""
        metric = "IP" if field == "vector" else "BM25"
        results = self.chunks.client.search(
            self.chunks.name,
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


class MilvusSearch:
    """One question's searches in Milvus, by the embedded store's plan: dense search filters
    inside Milvus; BM25 runs once per claim unfiltered (while the question is encoded) and
    each scope keeps its hits, searching again with the filter only when too few are left."""

    def __init__(
        self, queries: MilvusQueries, vector: np.ndarray, pools: dict[str, list[SearchHit]]
    ) -> None:
        self.queries = queries
        self.chunks = queries.chunks
        self.vector = np.asarray(vector, dtype=np.float32).reshape(-1).tolist()
        self.pools = pools
        self._vectors: dict[int, np.ndarray] = {}

    def any_in(self, scope: Scope) -> bool:
        expr = milvus_filter(scope, self.queries.lite)
        if not expr:
            return True
        rows = self.chunks.client.query(
            self.chunks.name, filter=expr, output_fields=["chunk_id"], limit=1
        )
        return bool(rows)

    def dense(self, n: int, scope: Scope) -> Ranked:
        expr = milvus_filter(scope, self.queries.lite)
        return [
            (hit.chunk_id, hit.score) for hit in self.queries.search("vector", self.vector, n, expr)
        ]

    def lexical(self, match: str, n: int, scope: Scope) -> Ranked:
        if match not in self.pools:
            self.pools[match] = self.queries.bm25(match, LEXICAL_POOL, "")
        pool = self.pools[match]
        admitted = None if scope.unrestricted else [hit.within(scope) for hit in pool]

        def search_again() -> Ranked:
            hits = self.queries.bm25(match, n, milvus_filter(scope, self.queries.lite))
            return [(hit.chunk_id, hit.score) for hit in hits]

        ranked = [(hit.chunk_id, hit.score) for hit in pool]
        return scoped_hits(ranked, n, admitted, search_again)

    def similarity(self, chunk_ids: Sequence[int]) -> dict[int, float]:
        wanted = [cid for cid in chunk_ids if cid not in self._vectors]
        self._vectors.update(self.chunks.vectors(wanted))
        query = np.asarray(self.vector, dtype=np.float32)
        return {cid: float(self._vectors[cid] @ query) for cid in chunk_ids if cid in self._vectors}
