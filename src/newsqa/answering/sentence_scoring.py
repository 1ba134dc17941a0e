"""Candidate sentences from retrieved articles, scored against the question's terms."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from newsqa.answering.statements import is_statement
from newsqa.articles import Article
from newsqa.records import Passage
from newsqa.text.sentences import split_sentences
from newsqa.text.words import terms

MAX_SENTENCE_CHARS = 600


class ArticleLibrary(Protocol):
    """Where the composer reads whole articles (a store's catalogue, whichever store searches)."""

    def article(self, article_id: str) -> Article | None: ...


@dataclass(frozen=True)
class Sentence:
    """One sentence of a retrieved article with its exact span in the article body."""

    passage: Passage  # the article's best retrieved passage (metadata, retrieval score)
    text: str
    start: int
    end: int
    rank: int  # rank of its article among the retrieved articles, from 0
    in_passage: bool  # inside a retrieved passage (not only elsewhere in its article)
    words: frozenset[str]
    outlets: tuple[str, ...] = ()  # every outlet that carried the article, its source first

    @property
    def article_id(self) -> str:
        return self.passage.article_id


@lru_cache(maxsize=1024)
def _split(body: str) -> tuple[tuple[str, int, int, frozenset[str]], ...]:
    return tuple(
        (s.text, s.start, s.end, terms(s.text))
        for s in split_sentences(body)
        if len(s.text) <= MAX_SENTENCE_CHARS and is_statement(s.text)
    )


def best_passages(
    passages: Sequence[Passage], articles: int, keep: frozenset[str] = frozenset()
) -> list[Passage]:
    """The best passage of each of the first `articles` distinct retrieved articles, and of
    the articles in `keep`."""
    best: dict[str, Passage] = {}
    for p in passages:
        if p.article_id not in best and (len(best) < articles or p.article_id in keep):
            best[p.article_id] = p
    return list(best.values())


def candidates(
    passages: Sequence[Passage],
    articles: int,
    library: ArticleLibrary | None,
    keep: frozenset[str] = frozenset(),
) -> list[Sentence]:
    """Every sentence of the top retrieved articles (of their passages without a library)."""
    out: list[Sentence] = []
    for rank, head in enumerate(best_passages(passages, articles, keep)):
        spans = [(p.start, p.end) for p in passages if p.article_id == head.article_id]
        article = library.article(head.article_id) if library is not None else None
        if article is not None:
            sentences = _split(article.body)
        else:
            sentences = tuple(
                (t, p.start + s, p.start + e, w)
                for p in passages
                if p.article_id == head.article_id
                for t, s, e, w in _split(p.text)
            )
        carried = article.outlets if article is not None else getattr(head, "outlets", ())
        outlets = tuple(o for o in dict.fromkeys([head.source, *carried]) if o)
        seen: set[int] = set()
        for text, start, end, words in sentences:
            if start in seen:
                continue
            seen.add(start)
            inside = any(s <= start and end <= e for s, e in spans)
            out.append(Sentence(head, text, start, end, rank, inside, words, outlets))
    return out


def term_weights(
    question_terms: frozenset[str], sentences: Sequence[Sentence], pair_weight: float = 0.5
) -> dict[str, float]:
    """IDF of each question term over the candidate sentences (rarer there: more telling);
    a pair of adjacent words counts `pair_weight` times its IDF."""
    df = Counter(w for s in sentences for w in s.words & question_terms)
    n = len(sentences) or 1
    return {
        w: math.log(1 + n / (df[w] + 0.5)) * (pair_weight if " " in w else 1.0)
        for w in question_terms
        if df[w]
    }
