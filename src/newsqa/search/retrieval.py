"""Retriever: dense and lexical (BM25) search on any `NewsStore`, fused by weighted scores."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

import numpy as np

from newsqa.embedding import Embedder
from newsqa.index.reader import StoredChunk
from newsqa.question import Question, QuestionPart
from newsqa.records import Passage
from newsqa.search.passage_windows import Window, widen
from newsqa.search.recency import recency_prior
from newsqa.search.settings import RetrievalSettings
from newsqa.stores.protocol import NewsStore, QuestionSearch
from newsqa.stores.scope import Scope
from newsqa.text.sentences import split_sentences
from newsqa.text.tokens import count_tokens
from newsqa.text.words import content_words


@dataclass(frozen=True)
class Candidate:
    """A chunk found by one or more searches, with the evidence used to rank it."""

    chunk_id: int
    order: int
    whole: float
    part: float


def passage_of(chunk: StoredChunk, score: float, dense_score: float = 0.0) -> Passage:
    """A stored chunk as a retrieved passage with its scores."""
    return Passage(
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
    """Outlet- and date-aware hybrid retrieval with claim-level reranking.

    1. The question comes analysed (`Question.plan`): outlets and days it names, its claims.
    2. Each (claim, outlet) pair gets its own hybrid search — dense fused with BM25, both
       from the store (embedded or Milvus) — with filters applied before ranking.
    3. The lists are interleaved; candidates are reranked by list order, by their best
       normalised score for the whole question and for any single claim (a question of one
       claim is its own claim), by how much of a claim's rare words one sentence of the chunk
       holds, and, for questions about current news ("this week", "recently") or asked on a
       known day, by how near the chunk's article is to that day (else to the newest
       candidate).
    4. Each chunk is widened with whole neighbouring sentences up to `passage_tokens`.
    """

    def __init__(
        self,
        store: NewsStore,
        embedder: Embedder,
        settings: RetrievalSettings,
        encode_query: Callable[[str], np.ndarray] | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.encode_query = encode_query or embedder.encode_query
        self.settings = settings
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsqa-bm25")

    def search(
        self, question: Question, k: int | None = None, scope: Scope | None = None
    ) -> list[Passage]:
        k = k or self.settings.top_k
        scope = scope or Scope()
        plan = question.plan
        # One encoding per question: claims differ mostly in their rare words, which the
        # lexical side of each claim's search picks up (measured: separate claim vectors
        # add 0.006 MRR on dev for 3-4x the encoding time).
        # BM25 for every claim runs in a worker thread while the question is encoded.
        pending = self._worker.submit(self.store.search.prefetch, list(question.search_matches))
        vector = self.encode_query(question.search_texts[0])
        searches = self.store.search.question_search(vector, pending.result())
        whole_lists = self._searches(plan.whole, searches, scope, plan.whole)
        part_lists = [
            ranked
            for part in plan.parts
            for ranked in self._searches(part, searches, scope, plan.whole)
        ] or whole_lists  # a question of one claim: the whole question is that claim
        # the question's nearest chunks by embedding always reach the reranker, even when
        # their words rank them low and fusion would leave them out
        always = self.settings.dense_always
        nearest = [searches.dense(always, scope)] if always else []
        candidates = _candidates(whole_lists, part_lists, self.settings.rerank_pool, nearest)
        if not candidates:
            return []
        chunks = self.store.search.chunks([c.chunk_id for c in candidates])
        ranked = self._rerank(candidates, chunks, question)
        similarity = searches.similarity([cid for cid, _ in ranked])
        return self._passages(ranked, chunks, similarity, k)

    def _searches(
        self,
        part: QuestionPart,
        searches: QuestionSearch,
        scope: Scope,
        whole: QuestionPart,
    ) -> list[list[tuple[int, float]]]:
        """One fused list per outlet the part names; a claim naming no outlet of its own is
        searched once over all the outlets the whole question names."""
        if part is whole or part.outlets:
            groups: list[frozenset[str] | None] = list(part.outlets) or [None]
        else:
            groups = [frozenset().union(*whole.outlets)] if whole.outlets else [None]
        days = part.dates if (part is not whole or len(groups) <= 1) else ()
        return [self._hybrid(part.match, searches, _narrow(scope, group, days)) for group in groups]

    def _hybrid(
        self, match: str, searches: QuestionSearch, scope: Scope
    ) -> list[tuple[int, float]]:
        if scope.days and not searches.any_in(scope):
            scope = replace(scope, days=())  # no article that day
        dense = searches.dense(self.settings.dense_candidates, scope)
        lexical = searches.lexical(match, self.settings.lexical_candidates, scope)
        fused = fuse(dense, lexical, self.settings.dense_weight)
        return sorted(fused.items(), key=lambda item: item[1], reverse=True)

    def _rerank(
        self,
        candidates: list[Candidate],
        chunks: dict[int, StoredChunk],
        question: Question,
    ) -> list[tuple[int, float]]:
        claims = question.search_words
        idf = self.store.catalogue.idf(set().union(*claims))
        weights = self.settings.rerank_weights
        # about current news ("this week"), or asked on a known day: the reports nearest
        # that day (else the newest) count more
        dated = question.recent or question.asked_on is not None
        near_weight = self.settings.recency_weight if dated else 0.0
        newest = (
            recency_prior(
                ((ch.article_id, ch.published_at) for ch in chunks.values()),
                self.settings.recency_days,
                question.asked_on,
            )
            if near_weight
            else {}
        )
        scored = []
        for c in candidates:
            chunk = chunks.get(c.chunk_id)
            if chunk is None:
                continue
            coverage = _best_sentence_coverage(chunk.text, claims, idf)
            score = (
                weights[0] / (1 + c.order)
                + weights[1] * c.whole
                + weights[2] * c.part
                + weights[3] * coverage
                + near_weight * newest.get(chunk.article_id, 0.0)
            )
            scored.append((c.chunk_id, score))
        return sorted(scored, key=lambda item: item[1], reverse=True)

    def _passages(
        self,
        ranked: list[tuple[int, float]],
        chunks: dict[int, StoredChunk],
        similarity: dict[int, float],
        k: int,
    ) -> list[Passage]:
        passages: list[Passage] = []
        for chunk_id, score in _diversified(
            ranked, chunks, self.settings.article_decay, self.settings.diversify_after
        ):
            chunk = chunks[chunk_id]
            pieces = self.store.catalogue.neighbours(
                chunk.article_id, [chunk.position - 1, chunk.position, chunk.position + 1]
            )
            window = widen(chunk.start, chunk.end, pieces, self.settings.passage_tokens)
            same_article = [p for p in passages if p.article_id == chunk.article_id]
            if len(same_article) >= self.settings.passages_per_article:
                continue
            if any(_overlaps(p, chunk.article_id, window) for p in same_article):
                continue
            text = self.store.catalogue.body_span(chunk.article_id, window.start, window.end)
            if count_tokens(text) > PASSAGE_TOKEN_LIMIT:
                text, window = chunk.text, Window(chunk.start, chunk.end)
            passages.append(
                replace(
                    passage_of(chunk, score, similarity.get(chunk_id, 0.0)),
                    text=text,
                    start=window.start,
                    end=window.end,
                )
            )
            if len(passages) == k:
                break
        return passages


PASSAGE_TOKEN_LIMIT = 256


def _diversified(
    ranked: list[tuple[int, float]], chunks: dict[int, StoredChunk], decay: float, head: int
) -> list[tuple[int, float]]:
    """The first `head` chunks as ranked; after them a greedy order in which each further
    chunk of an already chosen article counts `decay` times less, so other articles
    (another outlet's report, a second story of the same outlet) rise into the top k."""
    if decay >= 1.0:
        return ranked
    out = list(ranked[:head])
    left = list(ranked[head:])
    taken: dict[str, int] = {}
    for chunk_id, _ in out:
        taken[chunks[chunk_id].article_id] = taken.get(chunks[chunk_id].article_id, 0) + 1
    while left:
        best = max(
            range(len(left)),
            key=lambda i: left[i][1] * decay ** taken.get(chunks[left[i][0]].article_id, 0),
        )
        chunk_id, score = left.pop(best)
        article = chunks[chunk_id].article_id
        taken[article] = taken.get(article, 0) + 1
        out.append((chunk_id, score))
    return out


def _narrow(scope: Scope, sources: frozenset[str] | None, days: tuple[date, ...]) -> Scope:
    """The caller's scope, further limited to the outlets and days a question names."""
    if sources is not None and scope.sources is not None:
        sources = (sources & scope.sources) or scope.sources
    return replace(scope, sources=sources if sources is not None else scope.sources, days=days)


def _candidates(
    whole_lists: list[list[tuple[int, float]]],
    part_lists: list[list[tuple[int, float]]],
    pool: int,
    extra_lists: Sequence[list[tuple[int, float]]] = (),
) -> list[Candidate]:
    """Round-robin over all lists (whole question first, `extra_lists` last), with each
    chunk's best scores in the whole-question and claim lists."""
    whole_best = _best_normalised(whole_lists)
    part_best = _best_normalised(part_lists)
    lists = [*whole_lists, *part_lists, *extra_lists]
    order: list[int] = []
    seen: set[int] = set()
    depth = max((len(ranked) for ranked in lists), default=0)
    for rank in range(depth):
        for ranked in lists:
            if rank < len(ranked) and ranked[rank][0] not in seen:
                seen.add(ranked[rank][0])
                order.append(ranked[rank][0])
        if len(order) >= pool:
            break
    return [
        Candidate(cid, i, whole_best.get(cid, 0.0), part_best.get(cid, 0.0))
        for i, cid in enumerate(order[:pool])
    ]


def _best_normalised(lists: list[list[tuple[int, float]]]) -> dict[int, float]:
    best: dict[int, float] = {}
    for ranked in lists:
        if not ranked:
            continue
        top = ranked[0][1] or 1.0
        for cid, score in ranked:
            best[cid] = max(best.get(cid, 0.0), score / top)
    return best


def _best_sentence_coverage(
    text: str, claims: Sequence[frozenset[str]], idf: dict[str, float]
) -> float:
    """Largest share of one claim's IDF mass found in a single sentence of `text`."""
    best = 0.0
    sentences = _sentence_words(text)
    for claim in claims:
        total = math.fsum(idf.get(w, 0.0) for w in claim)
        if total <= 0:
            continue
        for words in sentences:
            best = max(best, math.fsum(idf.get(w, 0.0) for w in claim & words) / total)
    return best


@lru_cache(maxsize=8192)
def _sentence_words(text: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(content_words(s.text)) for s in split_sentences(text))


def _overlaps(passage: Passage, article_id: str, window: Window) -> bool:
    if passage.article_id != article_id:
        return False
    shared = min(passage.end, window.end) - max(passage.start, window.start)
    return shared > 0.6 * max(1, window.end - window.start)


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
