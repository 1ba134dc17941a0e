"""Follow-up questions: resolve 'he', 'that deal', 'what happened next' from earlier turns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsqa.question.names import question_names
from newsqa.records import Answer, Passage
from newsqa.text.words import content_words

Turn = str | Answer
_PRONOUN = re.compile(r"\b(he|she|him|her|his|hers|they|them|their|it|its)\b", re.I)
_POINTS_BACK = re.compile(
    r"\b(this|that|these|those|there|then|next|afterwards?|later|else|also|too|the same)\b",
    re.I,
)
MIN_OWN_WORDS = 3
FOCUS_PASSAGES = 3


@dataclass(frozen=True)
class FollowUp:
    """A question made self-contained: the text to search with, and articles to keep in view."""

    query: str
    focus: frozenset[str] = field(default_factory=frozenset)
    passages: tuple[Passage, ...] = ()

    @property
    def resolved(self) -> bool:
        return bool(self.focus) or bool(self.passages)


def needs_context(question: str) -> bool:
    """Does the question lean on an earlier turn: a pronoun, few words of its own, or 'that
    deal' / 'what happened next' in a question that names nothing itself?"""
    if _PRONOUN.search(question) or len(content_words(question)) < MIN_OWN_WORDS:
        return True
    return bool(_POINTS_BACK.search(question)) and not question_names(question)


def resolve_followup(question: str, history: Sequence[Turn] | None) -> FollowUp:
    """Carry the last turn's names and words into the query, and its cited articles into view."""
    if not history or not needs_context(question):
        return FollowUp(question)
    last = history[-1]
    previous = last.question if isinstance(last, Answer) else str(last)
    if isinstance(last, Answer) and last.abstained and len(history) > 1:
        return resolve_followup(question, history[:-1])
    carried = question_names(previous) or content_words(previous)
    own = set(content_words(question))
    extra = [w for w in carried if w.lower() not in own]
    query = f"{question} ({' '.join(extra)})" if extra else question
    if not isinstance(last, Answer) or last.abstained:
        return FollowUp(query)
    focus = frozenset(c.article_id for c in last.citations)
    kept = tuple(p for p in last.passages if p.article_id in focus)[:FOCUS_PASSAGES]
    return FollowUp(query, focus, kept)


def with_focus(passages: list[Passage], follow: FollowUp) -> list[Passage]:
    """The retrieved passages, then the earlier turn's passages that retrieval left out."""
    have = {p.chunk_id for p in passages}
    return passages + [p for p in follow.passages if p.chunk_id not in have]
