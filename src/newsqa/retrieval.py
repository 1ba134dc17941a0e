"""Retriever: dense (FAISS) and lexical (FTS5 BM25) search, fused by weighted scores."""

from __future__ import annotations

from dataclasses import dataclass

from newsqa.config import Settings
from newsqa.embedding import Embedder
from newsqa.query_terms import fts_match
from newsqa.store import IndexStore, StoredChunk


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused relevance score and article metadata."""

    chunk_id: int
    article_id: str
    title: str
    score: float
    text: str
    source: str = ""
    published_at: str | None = None
    url: str | None = None
    start: int = 0
    end: int = 0
    dense_score: float = 0.0
    outlets: tuple[str, ...] = ()

    @classmethod
    def from_chunk(cls, chunk: StoredChunk, score: float, dense_score: float = 0.0) -> Passage:
        return cls(
            chunk_id=chunk.chunk_id,
            article_id=chunk.article_id,
            title=chunk.title,
            score=score,
            text=chunk.text,
            source=chunk.source,
            published_at=chunk.published_at,
            url=chunk.url,
            start=chunk.start,
            end=chunk.end,
            dense_score=dense_score,
            outlets=chunk.outlets,
        )


class Retriever:
    """Hybrid search: `dense_weight` × min-max dense score + (1 − w) × BM25 / max BM25."""

    def __init__(self, store: IndexStore, embedder: Embedder, settings: Settings) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings

    def search(self, question: str, k: int | None = None) -> list[Passage]:
        k = k or self.settings.top_k
        dense = self.store.dense_search(
            self.embedder.encode_query(question), self.settings.dense_candidates
        )
        lexical = self.store.lexical_search(fts_match(question), self.settings.lexical_candidates)
        fused = fuse(dense, lexical, self.settings.dense_weight)
        top = sorted(fused.items(), key=lambda item: item[1], reverse=True)[:k]
        chunks = self.store.chunks([chunk_id for chunk_id, _ in top])
        similarity = dict(dense)
        return [
            Passage.from_chunk(chunks[cid], score, similarity.get(cid, 0.0))
            for cid, score in top
            if cid in chunks
        ]


def fuse(
    dense: list[tuple[int, float]], lexical: list[tuple[int, float]], dense_weight: float
) -> dict[int, float]:
    """Weighted score fusion; each list is normalised to [0, 1] before weighting."""
    scores: dict[int, float] = {}
    if dense:
        high, low = dense[0][1], dense[-1][1]
        span = (high - low) or 1.0
        for chunk_id, score in dense:
            scores[chunk_id] = dense_weight * (score - low) / span
    if lexical:
        top = lexical[0][1] or 1.0
        for chunk_id, score in lexical:
            scores[chunk_id] = scores.get(chunk_id, 0.0) + (1 - dense_weight) * score / top
    return scores
