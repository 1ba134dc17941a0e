"""Composer: picks verbatim sentences covering the question's parts, numbers citations, abstains."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from newsqa.abstention import abstain_answer, evidence_gaps
from newsqa.answer import Answer, Citation
from newsqa.answer_types import expected_type, has_answer_type
from newsqa.names import question_names
from newsqa.outlets import OutletMentions, find_outlets
from newsqa.query_terms import content_words
from newsqa.retrieval import Passage
from newsqa.sentence_scoring import (
    QUESTION_FRAME,
    ArticleLibrary,
    Sentence,
    candidates,
    stem,
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
    unknown_word_margin: float = 0.05
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
        topic_words = [
            w
            for w in dict.fromkeys(content_words(question))
            if len(w) >= 5 and w.isalpha() and stem(w) not in QUESTION_FRAME
        ]
        gaps = evidence_gaps(mentions, names, self.count_matches)
        unknown = evidence_gaps(OutletMentions(), (), self.count_matches, topic_words)
        if gaps:
            return abstain_answer(question, passages, gaps)
        drop = QUESTION_FRAME | terms(" ".join(mentions.known), pairs=False)
        q_terms = frozenset(w for w in terms(question) if not set(w.split()) & drop)
        pool = candidates(passages, self.articles, self.library, self.focus)
        if mentions.known:
            named = [s for s in pool if set(s.outlets) & set(mentions.known)]
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
        # Words the archive never uses ("sourdough" in a politics archive) raise the bar: then
        # only strong evidence for the rest of the question is shown, else we say what's missing.
        bar = self.abstain_threshold + (self.unknown_word_margin if unknown else 0.0)
        if not chosen or self._confidence(coverage, relevance) < bar:
            return abstain_answer(question, passages, unknown)
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
        """Greedy: add the sentence with the largest gain until none clears its bar."""
        state = _Selection(named, mentioned_days(question), weights, total)
        lexical = {s: state.share(s.words) for s in pool}
        floor = self.article_floor * max(lexical.values(), default=0.0)
        article_cap = max(self.max_articles, len(named))
        while len(state.chosen) < self.max_sentences:
            best, best_gain = None, 0.0
            for s in pool:
                fresh = state.fresh_outlets(s)
                new_article = s.article_id not in state.per_article
                if new_article and (
                    len(state.per_article) >= article_cap
                    or state.outlet_articles(s) >= self.per_outlet
                    or lexical[s] < (floor * self.named_outlet_floor if fresh else floor)
                ):
                    continue  # too many articles, or a weak one (less strict for outlets asked)
                if state.per_article[s.article_id] >= self.per_article or s.words in state.seen:
                    continue
                if not fresh and any(
                    _overlap(s.words, c.words) >= self.duplicate_overlap for c in state.chosen
                ):
                    continue  # says what a chosen sentence already says
                gain = self._gain(s, state, question, kind, top, fresh, new_article)
                needed = self.min_gain if new_article else self.min_gain_cited
                if gain is not None and gain >= needed and gain > best_gain:
                    best, best_gain = s, gain
            if best is None:
                break
            state.add(best)
        return state.chosen

    def _gain(
        self,
        s: Sentence,
        state: _Selection,
        question: str,
        kind: str | None,
        top: float,
        fresh: set[str],
        new_article: bool,
    ) -> float | None:
        """New question terms covered, plus retrieval prior and bonuses; None: adds nothing."""
        gain = state.share(s.words - state.covered)
        if fresh:  # the best sentence of each outlet asked about, even if repetitive
            gain = max(gain, 0.5 * state.share(s.words))
        if gain <= 0:
            return None
        prior = s.passage.score / top * (1.0 if s.in_passage else 0.6)
        prior += 0.5 if s.article_id in self.focus else 0.0
        gain += self.prior_weight * prior / (1 + s.rank)
        if state.days and published_on(s.passage.published_at, state.days):
            gain += self.date_bonus
        if kind and has_answer_type(s.text, kind, question):
            gain += self.type_bonus
        if fresh:
            gain += self.outlet_bonus
        if new_article:
            gain -= self.new_article_gain
        return gain


@dataclass
class _Selection:
    """The sentences chosen so far: the terms, outlets and articles they already cover."""

    named: set[str]
    days: set[tuple[int, int]]
    weights: dict[str, float]
    total: float
    chosen: list[Sentence] = field(default_factory=list)
    covered: set[str] = field(default_factory=set)
    outlets: set[str] = field(default_factory=set)
    per_article: Counter[str] = field(default_factory=Counter)
    seen: set[frozenset[str]] = field(default_factory=set)

    def share(self, words: Iterable[str]) -> float:
        """IDF-weighted share of the question's terms among `words`."""
        weights = self.weights
        return sum(weights[w] for w in weights.keys() & set(words)) / self.total

    def fresh_outlets(self, s: Sentence) -> set[str]:
        """Outlets the question asks about that `s` would be the first to cite."""
        return (set(s.outlets) & self.named) - self.outlets

    def outlet_articles(self, s: Sentence) -> int:
        """Articles already cited from the outlets asked about that `s` comes from."""
        mine = set(s.outlets) & self.named
        if not mine:
            return 0
        return len({c.article_id for c in self.chosen if set(c.outlets) & mine})

    def add(self, s: Sentence) -> None:
        self.chosen.append(s)
        self.covered |= s.words & self.weights.keys()
        self.outlets |= set(s.outlets)
        self.per_article[s.article_id] += 1
        self.seen.add(s.words)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap of two sentences' terms."""
    return len(a & b) / (len(a | b) or 1)


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
