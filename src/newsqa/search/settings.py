"""The retriever's section of the settings: how many candidates, how they are reranked."""

from __future__ import annotations

from dataclasses import dataclass

from newsqa.config import Settings


@dataclass(frozen=True)
class RetrievalSettings:
    """The retriever's tunables (env `NEWSQA_<FIELD>`, the names `Settings` gives them)."""

    top_k: int = Settings.top_k
    dense_candidates: int = Settings.dense_candidates
    lexical_candidates: int = Settings.lexical_candidates
    dense_weight: float = Settings.dense_weight
    rerank_pool: int = Settings.rerank_pool
    dense_always: int = Settings.dense_always
    rerank_weights: tuple[float, float, float, float] = Settings.rerank_weights
    recency_weight: float = Settings.recency_weight
    recency_days: float = Settings.recency_days
    passage_tokens: int = Settings.passage_tokens
    passages_per_article: int = Settings.passages_per_article
    article_decay: float = Settings.article_decay
    diversify_after: int = Settings.diversify_after

    @classmethod
    def from_settings(cls, settings: Settings) -> RetrievalSettings:
        return cls(
            top_k=settings.top_k,
            dense_candidates=settings.dense_candidates,
            lexical_candidates=settings.lexical_candidates,
            dense_weight=settings.dense_weight,
            rerank_pool=settings.rerank_pool,
            dense_always=settings.dense_always,
            rerank_weights=settings.rerank_weights,
            recency_weight=settings.recency_weight,
            recency_days=settings.recency_days,
            passage_tokens=settings.passage_tokens,
            passages_per_article=settings.passages_per_article,
            article_decay=settings.article_decay,
            diversify_after=settings.diversify_after,
        )
