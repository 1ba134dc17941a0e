"""Which retrieved articles an answer cites: a calibrated per-article evidence score.

Every article among the composer's candidates gets a handful of signals that say whether it
supports the question (its retrieval rank and scores, how much of the question or of one of
its claims its best sentence holds, whether it is the first article from an outlet the
question names, whether it was published on a day the question names). A logistic model
turns them into the probability that the article is evidence for the question; articles at
or above `threshold` are cited, and always at least the most probable one.

The weights were fitted on the dev questions' gold evidence articles and checked by
fitting on one half and scoring the other (see docs/quality.md); they use no outlet, word
or date of the dev set, only these generic signals.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsqa.answering import logistic
from newsqa.answering.sentence_scoring import Sentence, term_weights
from newsqa.question import Claim, Question
from newsqa.records import Passage


@dataclass(frozen=True)
class SourceSignals:
    """What the retrieval and the candidate sentences say about one article."""

    inverse_rank: float  # 1 / (1 + rank among the candidate articles)
    score_ratio: float  # its best passage's retrieval score / the top passage's
    dense: float  # its best passage's embedding similarity to the question
    best_sentence_ratio: float  # its best sentence's share of question terms / the best one's
    best_sentence: float  # IDF-weighted share of the question's terms in its best sentence
    article_coverage: float  # share of the question's terms anywhere in the article
    claim_winner: float  # 1: the best article for one of the question's claims
    named_outlet: float  # 1: from an outlet the question names
    new_named_outlet: float  # 1: the first candidate from an outlet the question names
    named_day: float  # 1: published on (or next to) a day the question names
    passages: float  # its retrieved passages / 3
    first: float  # 1: the top-ranked article


# Fitted on dev (logistic regression, L2 1e-3); see docs/quality.md for the halves check.
WEIGHTS = SourceSignals(
    inverse_rank=0.90,
    score_ratio=1.18,
    dense=0.93,
    best_sentence_ratio=0.85,
    best_sentence=0.83,
    article_coverage=0.89,
    claim_winner=1.22,
    named_outlet=-1.39,
    new_named_outlet=1.03,
    named_day=0.71,
    passages=1.58,
    first=-0.49,
)
BIAS = -3.50


@dataclass(frozen=True)
class SourceGate:
    """Cites the candidate articles whose evidence probability reaches `threshold`."""

    threshold: float = 0.45
    named_threshold: float = 0.30  # the best article of a named outlet nothing else cites
    weights: SourceSignals = WEIGHTS
    bias: float = BIAS

    def probability(self, signals: SourceSignals) -> float:
        return logistic.probability(self.weights, signals, self.bias)

    def choose(
        self, signals: dict[str, SourceSignals], outlets: dict[str, frozenset[str]]
    ) -> list[str]:
        """Article ids to cite, most probable first (never empty when there are candidates).

        `outlets` maps each candidate to the outlets the question names that carried it: an
        outlet asked about whose articles all fall short still gets its most probable one
        cited when that reaches `named_threshold`.
        """
        scored = sorted(
            ((self.probability(s), article_id) for article_id, s in signals.items()),
            key=lambda item: -item[0],
        )
        chosen = [article_id for p, article_id in scored if p >= self.threshold]
        chosen = chosen or [article_id for _, article_id in scored[:1]]
        covered = set().union(*(outlets.get(a, frozenset()) for a in chosen))
        for p, article_id in scored:
            asked = outlets.get(article_id, frozenset())
            if p >= self.named_threshold and asked - covered and article_id not in chosen:
                chosen.append(article_id)
                covered |= asked
        return chosen


def source_signals(
    question: Question,
    pool: Sequence[Sentence],
    passages: Sequence[Passage],
    weights: dict[str, float],
    total: float,
) -> dict[str, SourceSignals]:
    """Signals for every article in `pool` (candidate sentences in article rank order)."""
    by_article: dict[str, list[Sentence]] = {}
    for s in pool:
        by_article.setdefault(s.article_id, []).append(s)
    if not by_article or total <= 0:
        return {}
    top = max((p.score for p in passages), default=0.0) or 1.0
    passage_count: dict[str, int] = {}
    for p in passages:
        passage_count[p.article_id] = passage_count.get(p.article_id, 0) + 1

    def share(words: Iterable[str], w: dict[str, float], t: float) -> float:
        return math.fsum(w[x] for x in w.keys() & set(words)) / t

    best = {a: max(share(s.words, weights, total) for s in ss) for a, ss in by_article.items()}
    strongest = max(best.values()) or 1.0
    winners = _claim_winners(question.claims, pool, by_article)
    named_set = set(question.outlets.known)
    seen_outlets: set[str] = set()
    out: dict[str, SourceSignals] = {}
    for rank, (article_id, sentences) in enumerate(by_article.items()):
        head = sentences[0].passage
        carried = set(sentences[0].outlets)
        every_word = set().union(*(s.words for s in sentences))
        out[article_id] = SourceSignals(
            inverse_rank=1.0 / (1 + rank),
            score_ratio=head.score / top,
            dense=head.dense_score,
            best_sentence_ratio=best[article_id] / strongest,
            best_sentence=best[article_id],
            article_coverage=share(every_word, weights, total),
            claim_winner=float(article_id in winners),
            named_outlet=float(bool(carried & named_set)),
            new_named_outlet=float(bool((carried & named_set) - seen_outlets)),
            named_day=float(
                bool(question.days) and question.published_on_named_day(head.published_at)
            ),
            passages=passage_count.get(article_id, 0) / 3,
            first=float(rank == 0),
        )
        seen_outlets |= carried
    return out


def _claim_winners(
    claims: Sequence[Claim],
    pool: Sequence[Sentence],
    by_article: dict[str, list[Sentence]],
) -> set[str]:
    """For each claim of the question, the article whose best sentence holds most of the
    claim's terms (among the outlets the claim names, when it names any)."""
    winners: set[str] = set()
    for claim in claims:
        w = term_weights(claim.terms, pool, 1.0)
        t = math.fsum(w.values())
        if not t:
            continue
        asked = set(claim.outlets)
        best_id, best_share = None, -1.0
        for article_id, sentences in by_article.items():
            if asked and not asked & set(sentences[0].outlets):
                continue
            value = max(math.fsum(w[x] for x in w.keys() & s.words) / t for s in sentences)
            if value > best_share:
                best_id, best_share = article_id, value
        if best_id is not None:
            winners.add(best_id)
    return winners
