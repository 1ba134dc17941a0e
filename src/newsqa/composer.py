"""Composer: picks verbatim sentences from retrieved passages, numbers citations, abstains."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from newsqa.answer import ABSTAIN_TEXT, Answer, Citation
from newsqa.answer_types import expected_type, has_answer_type
from newsqa.query_terms import content_words
from newsqa.retrieval import Passage
from newsqa.sentences import split_sentences


@dataclass(frozen=True)
class Candidate:
    """One sentence of a retrieved passage, scored against the question."""

    passage: Passage
    text: str
    start: int
    end: int
    score: float


Similarity = Callable[[str, Sequence[str]], Sequence[float]]


@dataclass(frozen=True)
class Composer:
    """Extractive answers: the best sentences (one per article), each with a citation.

    `similarity(question, sentences)` gives semantic scores (cosine) for the sentences that
    survive a cheap lexical pre-ranking; without it only term overlap is used.
    """

    max_sentences: int = 3
    abstain_threshold: float = 0.35
    candidate_passages: int = 5
    semantic_candidates: int = 24
    per_article: int = 2
    keep_ratio: float = 0.75
    type_bonus: float = 0.15
    predicate_weight: float = 2.0
    semantic_weight: float = 0.5
    similarity: Similarity | None = None

    def compose(self, question: str, passages: list[Passage], relevance: float) -> Answer:
        """`relevance` is the best raw similarity between question and collection (0..1)."""
        question_words = set(content_words(question))
        candidates = self._candidates(
            passages[: self.candidate_passages], question_words, _topic_words(question)
        )
        candidates = self._rescore(question, _unique(candidates))
        if not candidates or relevance < self.abstain_threshold or candidates[0].score <= 0:
            return Answer(question, ABSTAIN_TEXT, [], passages, abstained=True)
        chosen: list[Candidate] = []
        for candidate in candidates:
            if len(chosen) == self.max_sentences:
                break
            same_article = sum(c.passage.article_id == candidate.passage.article_id for c in chosen)
            if same_article >= self.per_article:
                continue
            if candidate.score < self.keep_ratio * candidates[0].score:
                break
            chosen.append(candidate)
        return self._answer(question, chosen, passages)

    def _candidates(
        self, passages: list[Passage], question_words: set[str], topic_words: set[str]
    ) -> list[Candidate]:
        """Every sentence of the passages, scored by IDF-weighted question-term overlap.

        IDF is taken over the candidate sentences themselves, so words shared by the whole
        context count little. Names in the question (capitalised words) locate the story and
        were used by retrieval; within it, the question's other words (what happened) locate
        the sentence, so they weigh `predicate_weight` times more.
        """
        if not passages:
            return []
        best = max(p.score for p in passages) or 1.0
        spans = [
            (p, s, set(content_words(s.text))) for p in passages for s in split_sentences(p.text)
        ]
        df = Counter(w for _, _, words in spans for w in words & question_words)
        idf = {
            w: math.log(1 + len(spans) / (df[w] + 0.5))
            * (1.0 if w in topic_words else self.predicate_weight)
            for w in question_words
        }
        total = sum(idf.values()) or 1.0
        out = [
            Candidate(
                p,
                s.text,
                p.start + s.start,
                p.start + s.end,
                sum(idf[w] for w in words & question_words) / total + 0.5 * p.score / best,
            )
            for p, s, words in spans
        ]
        return sorted(out, key=lambda c: c.score, reverse=True)

    def _rescore(self, question: str, candidates: list[Candidate]) -> list[Candidate]:
        """Blend in semantic similarity for the best lexical candidates."""
        if self.similarity is None or not candidates:
            return candidates
        head = candidates[: self.semantic_candidates]
        cosines = self.similarity(question, [c.text for c in head])
        kind = expected_type(question)
        rescored = [
            replace(
                c,
                score=c.score
                + self.semantic_weight * float(cos)
                + self.type_bonus * has_answer_type(c.text, kind, question),
            )
            for c, cos in zip(head, cosines, strict=True)
        ]
        return sorted(rescored, key=lambda c: c.score, reverse=True)

    def _answer(self, question: str, chosen: list[Candidate], passages: list[Passage]) -> Answer:
        chosen = sorted(
            chosen, key=lambda c: (c.passage.article_id != chosen[0].passage.article_id, c.start)
        )
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        parts: list[str] = []
        for candidate in chosen:
            p = candidate.passage
            n = numbers.setdefault(p.article_id, len(numbers) + 1)
            parts.append(f"{candidate.text} [{n}]")
            citations.append(
                Citation(
                    n,
                    p.article_id,
                    p.title,
                    p.source,
                    p.published_at,
                    p.url,
                    candidate.text,
                    candidate.start,
                    candidate.end,
                    p.outlets or ((p.source,) if p.source else ()),
                )
            )
        return Answer(question, " ".join(parts), citations, passages, abstained=False)


def _topic_words(question: str) -> set[str]:
    """Lower-cased words that the question capitalises mid-sentence (names of things)."""
    words = re.findall(r"(?<![.?!]\s)(?<!^)\b[A-Z][\w'’-]*", question.strip())
    return {w for word in words for w in content_words(word)}


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per sentence span (overlapping chunks repeat their edge sentences)."""
    seen: set[tuple[str, int]] = set()
    out: list[Candidate] = []
    for c in candidates:
        key = (c.passage.article_id, c.start)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
