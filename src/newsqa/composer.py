"""Composer: picks verbatim sentences covering the question's parts, numbers citations, abstains."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from newsqa.abstention import abstain_answer, evidence_gaps
from newsqa.answer import Answer, Citation
from newsqa.answer_types import expected_type, has_answer_type
from newsqa.names import question_names
from newsqa.outlets import find_outlets
from newsqa.retrieval import Passage
from newsqa.sentence_scoring import (
    QUESTION_FRAME,
    ArticleLibrary,
    Sentence,
    candidates,
    term_weights,
    terms,
)
from newsqa.timeline import is_temporal, mentioned_days, published_on


@dataclass(frozen=True)
class Composer:
    """Extractive answers: a short set of sentences that together cover the question's terms.

    Greedy coverage: each step takes the sentence adding the most not-yet-covered question
    terms (IDF-weighted) plus a prior from retrieval; it stops when no sentence adds enough.
    When the question names outlets the collection has, only their articles are cited.
    """

    max_sentences: int = 8
    abstain_threshold: float = 0.40
    articles: int = 6
    per_article: int = 4
    min_gain: float = 0.12
    min_gain_cited: float = 0.08
    prior_weight: float = 0.25
    type_bonus: float = 0.1
    outlet_bonus: float = 0.3
    new_article_gain: float = 0.1
    per_outlet: int = 2
    date_bonus: float = 0.3
    pair_weight: float = 1.0
    article_floor: float = 0.65
    duplicate_overlap: float = 0.7
    named_outlet_floor: float = 0.5
    max_articles: int = 2
    library: ArticleLibrary | None = None
    outlets: Sequence[str] = ()
    count_matches: Callable[[str], int] | None = None
    focus: frozenset[str] = field(default_factory=frozenset)

    def compose(self, question: str, passages: list[Passage]) -> Answer:
        mentions = find_outlets(question, self.outlets)
        names = question_names(question, self.outlets)
        gaps = evidence_gaps(mentions, names, self.count_matches)
        if gaps:
            return abstain_answer(question, passages, gaps)
        drop = QUESTION_FRAME | terms(" ".join(mentions.known), pairs=False)
        q_terms = frozenset(w for w in terms(question) if not set(w.split()) & drop)
        pool = candidates(passages, self.articles, self.library, self.focus)
        if mentions.known:
            named = [s for s in pool if _outlet_of(s) & set(mentions.known)]
            pool = named or pool
        weights = term_weights(q_terms, pool, self.pair_weight)
        total = sum(weights.values()) + sum(
            math.log(1 + 2 * len(pool)) for w in q_terms if w not in weights and " " not in w
        )
        if not pool or not total:
            return abstain_answer(question, passages, ())
        kind = expected_type(question)
        top = max(p.score for p in passages) or 1.0
        pool = [s for s in pool if not s.words.isdisjoint(weights)]  # the rest add nothing
        chosen = self._select(question, pool, weights, total, kind, top, set(mentions.known))
        covered = {w for s in chosen for w in s.words & weights.keys()}
        coverage = sum(weights[w] for w in covered) / total
        relevance = max((p.dense_score for p in passages), default=0.0)
        if not chosen or self._confidence(coverage, relevance) < self.abstain_threshold:
            return abstain_answer(question, passages, ())
        if is_temporal(question):
            chosen = sorted(chosen, key=lambda s: (s.passage.published_at or "", s.start))
        return _answer(question, chosen, passages)

    def _confidence(self, coverage: float, relevance: float) -> float:
        return 0.5 * coverage + 0.5 * relevance

    def _select(
        self,
        question: str,
        pool: list[Sentence],
        weights: dict[str, float],
        total: float,
        kind: str | None,
        top: float,
        named: set[str],
    ) -> list[Sentence]:
        days = mentioned_days(question)
        lexical = {s: sum(weights[w] for w in s.words & weights.keys()) / total for s in pool}
        floor = self.article_floor * max(lexical.values(), default=0.0)
        article_cap = max(self.max_articles, len(named))
        chosen: list[Sentence] = []
        covered: set[str] = set()
        outlets_seen: set[str] = set()
        per_article: dict[str, int] = {}
        outlet_articles: list[tuple[str, set[str]]] = []
        seen_text: set[frozenset[str]] = set()
        while len(chosen) < self.max_sentences:
            best, best_gain = None, 0.0
            for s in pool:
                if per_article.get(s.article_id, 0) >= self.per_article or s.words in seen_text:
                    continue
                if s.article_id not in per_article and named and _outlet_of(s) & named:
                    cited = sum(1 for a in outlet_articles if a[1] & _outlet_of(s) & named)
                    if cited >= self.per_outlet:
                        continue
                matched = s.words & weights.keys()
                fresh_outlets = (_outlet_of(s) & named) - outlets_seen
                if s.article_id not in per_article and len(per_article) >= article_cap:
                    continue
                if s.article_id not in per_article and lexical[s] < (
                    floor * self.named_outlet_floor if fresh_outlets else floor
                ):
                    continue  # a weak article (the first of an outlet asked about: less strict)
                gain = sum(weights[w] for w in matched - covered) / total
                if fresh_outlets:  # the best sentence of each named outlet, even if repetitive
                    gain = max(gain, 0.5 * sum(weights[w] for w in matched) / total)
                elif any(_overlap(s.words, c.words) >= self.duplicate_overlap for c in chosen):
                    continue  # says what a chosen sentence already says
                if gain <= 0:
                    continue
                prior = s.passage.score / top * (1.0 if s.in_passage else 0.6)
                if s.article_id in self.focus:
                    prior += 0.5
                if days and published_on(s.passage.published_at, days):
                    gain += self.date_bonus
                gain += self.prior_weight * prior / (1 + s.rank)
                if kind and has_answer_type(s.text, kind, question):
                    gain += self.type_bonus
                if fresh_outlets:
                    gain += self.outlet_bonus
                if s.article_id not in per_article:
                    gain -= self.new_article_gain
                needed = self.min_gain_cited if s.article_id in per_article else self.min_gain
                if gain >= needed and gain > best_gain:
                    best, best_gain = s, gain
            if best is None:
                break
            chosen.append(best)
            covered |= best.words & weights.keys()
            outlets_seen |= _outlet_of(best)
            if best.article_id not in per_article:
                outlet_articles.append((best.article_id, _outlet_of(best)))
            per_article[best.article_id] = per_article.get(best.article_id, 0) + 1
            seen_text.add(best.words)
        return chosen


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap of two sentences' terms."""
    return len(a & b) / (len(a | b) or 1)


def _outlet_of(s: Sentence) -> set[str]:
    return set(s.outlets)


def _answer(question: str, chosen: list[Sentence], passages: list[Passage]) -> Answer:
    """Sentences in order, each ending with [n]; n follows the first appearance of its article."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    parts: list[str] = []
    for s in chosen:
        p = s.passage
        n = numbers.setdefault(p.article_id, len(numbers) + 1)
        parts.append(f"{s.text} [{n}]")
        citations.append(
            Citation(
                n,
                p.article_id,
                p.title,
                p.source,
                p.published_at,
                p.url,
                s.text,
                s.start,
                s.end,
                s.outlets,
            )
        )
    return Answer(question, " ".join(parts), citations, passages, abstained=False)
