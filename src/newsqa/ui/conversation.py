"""Asking from the page: the question, its filters and the earlier turns in; the updated
conversation and sources panel out."""

from __future__ import annotations

from collections.abc import Sequence

from newsqa.api import NewsQA
from newsqa.index.manifest import IndexUnavailable
from newsqa.records import Answer
from newsqa.ui.bubbles import conversation_html
from newsqa.ui.source_cards import panels_html, sources_content
from newsqa.ui.turns import Filters, Turn

MAX_TURNS = 50  # older turns drop out of the page (and of follow-up context)


class Conversation:
    """Answers questions for one page; the turns themselves live in each browser session."""

    def __init__(self, qa: NewsQA) -> None:
        self.qa = qa

    def ask(
        self,
        question: str,
        turns: Sequence[Turn] | None,
        outlets: Sequence[str] | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[Turn]:
        """The turns with this question's answer (or the reason it could not be asked) added."""
        turns = list(turns or [])
        question = (question or "").strip()
        if not question:
            return turns
        filters = Filters(tuple(outlets or ()), (since or "").strip(), (until or "").strip())
        history = [t.answer if t.answer is not None else t.question for t in turns]
        key = turns[-1].key + 1 if turns else 0
        try:
            answer = self.qa.ask(
                question,
                history=history,
                sources=filters.outlets or None,
                since=filters.since or None,
                until=filters.until or None,
            )
        except ValueError as exc:  # an unreadable date: say so in the conversation
            return self.refuse(question, turns, filters, f"Could not ask: {exc}.")
        except IndexUnavailable as exc:  # a damaged index: say what repairs it; the page stays up
            return self.refuse(question, turns, filters, f"Could not ask: {exc}")
        sources = sources_content(key, answer, self._bodies(answer))
        turns.append(Turn(key, question, filters, answer, sources))
        return turns[-MAX_TURNS:]

    def refuse(
        self, question: str, turns: Sequence[Turn] | None, filters: Filters, reason: str
    ) -> list[Turn]:
        """The turns with this question added unanswered, `reason` shown in its place."""
        turns = list(turns or [])
        key = turns[-1].key + 1 if turns else 0
        turns.append(Turn(key, question.strip(), filters, error=reason))
        return turns[-MAX_TURNS:]

    def _bodies(self, answer: Answer) -> dict[str, str]:
        bodies: dict[str, str] = {}
        store = self.qa.store
        for c in answer.citations:
            if c.article_id not in bodies:
                article = store.catalogue.article(c.article_id)
                bodies[c.article_id] = article.body if article else ""
        return bodies


def render(turns: Sequence[Turn]) -> tuple[str, str]:
    """The conversation and the sources panel for these turns (the last answer selected)."""
    return conversation_html(turns), panels_html([(t.key, t.sources_html) for t in turns])
