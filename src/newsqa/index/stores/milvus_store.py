"""MilvusStore: an index whose chunks are searched in Milvus (dense + BM25, filtered before
ranking); articles, syndication and word counts come from the index folder's SQLite catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsqa.articles import Article
from newsqa.index.scope import Scope, near_days
from newsqa.index.store import IndexStore, IndexUnavailable, Manifest, StoredChunk
from newsqa.index.stores.fts_terms import Fts5Terms
from newsqa.index.stores.milvus_chunks import MilvusChunks, _strings, quote
from newsqa.index.stores.milvus_client import milvus_client
from newsqa.index.stores.protocol import Prefetched, Ranked

_TERM = re.compile(r'"([^"]*)"')


def milvus_filter(scope: Scope) -> str:
    """A Milvus boolean expression for `scope` (empty: every chunk), the same rules as the
    embedded store's masks: an outlet is the source or any outlet that carried the story."""
    parts: list[str] = []
    if scope.sources is not None:
        names = _strings(sorted(scope.sources))
        parts.append(f"(source in {names} or array_contains_any(outlets, {names}))")
    if scope.days:
        parts.append(f"day in {_strings(sorted(near_days(scope.days)))}")
    if scope.since:
        parts.append(f"published_at >= {quote(scope.since)}")
    if scope.until:
        parts.append(f"published_at <= {quote(scope.until)}")
    if scope.excluded:
        parts.append(f"article_id not in {_strings(sorted(scope.excluded))}")
    return " and ".join(parts)


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
        return {}  # Milvus filters inside each search; nothing to share between scopes

    def question_search(self, vector: np.ndarray, prefetched: Prefetched) -> MilvusSearch:
        return MilvusSearch(self.collection, vector, self.terms)

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
    """One question's searches in Milvus: each scope is a filter expression inside the search."""

    def __init__(self, chunks: MilvusChunks, vector: np.ndarray, terms: Fts5Terms) -> None:
        self.chunks = chunks
        self.terms = terms
        self.vector = np.asarray(vector, dtype=np.float32).reshape(-1).tolist()
        self._vectors: dict[int, np.ndarray] = {}

    def any_in(self, scope: Scope) -> bool:
        expr = milvus_filter(scope)
        if not expr:
            return True
        rows = self.chunks.client.query(
            self.chunks.name, filter=expr, output_fields=["chunk_id"], limit=1
        )
        return bool(rows)

    def dense(self, n: int, scope: Scope) -> Ranked:
        return self._search([self.vector], "vector", "IP", n, scope)

    def lexical(self, match: str, n: int, scope: Scope) -> Ranked:
        terms = self.terms.words(match_words(match))
        if not terms:
            return []
        # milvus-lite reports BM25 scores negated; a server reports them positive
        hits = [
            (cid, abs(score)) for cid, score in self._search([terms], "sparse", "BM25", n, scope)
        ]
        return sorted(hits, key=lambda hit: hit[1], reverse=True)

    def similarity(self, chunk_ids: Sequence[int]) -> dict[int, float]:
        wanted = [cid for cid in chunk_ids if cid not in self._vectors]
        self._vectors.update(self.chunks.vectors(wanted))
        query = np.asarray(self.vector, dtype=np.float32)
        return {cid: float(self._vectors[cid] @ query) for cid in chunk_ids if cid in self._vectors}

    def _search(self, data: list[Any], field: str, metric: str, n: int, scope: Scope) -> Ranked:
        results = self.chunks.client.search(
            self.chunks.name,
            data=data,
            anns_field=field,
            limit=int(n),
            filter=milvus_filter(scope),
            search_params={"metric_type": metric},
            output_fields=["chunk_id"],
        )
        return [(int(hit["chunk_id"]), float(hit["distance"])) for hit in results[0]]
