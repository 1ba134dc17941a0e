"""What the index holds, for the page: the status strip, the outlet choices and example
questions made from the index's own most recent articles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from newsqa.api import NewsQA
from newsqa.index.manifest import IndexUnavailable

EXAMPLES = 3
EXAMPLE_WORDS = 12


@dataclass(frozen=True)
class IndexStatus:
    articles: int
    outlets: list[str]
    first: str | None
    last: str | None
    model: str
    updated: str

    @classmethod
    def read(cls, qa: NewsQA) -> IndexStatus:
        store = qa.store
        first, last = store.catalogue.date_range()
        return cls(
            store.catalogue.article_count(),
            sorted(store.catalogue.outlet_names(), key=str.casefold),
            first,
            last,
            store.manifest.model,
            store.manifest.built_at,
        )

    def html(self) -> str:
        span = f"{(self.first or '?')[:10]} – {(self.last or '?')[:10]}"
        items = [
            ("articles", f"{self.articles:,}"),
            ("outlets", f"{len(self.outlets):,}"),
            ("dates", span if self.first or self.last else "undated"),
            ("model", self.model),
            ("last update", self.updated[:16].replace("T", " ")),
        ]
        cells = "".join(
            f"<span class='newsqa-stat' data-stat='{name.replace(' ', '-')}'><small>{name}</small> "
            f"<strong>{escape(value)}</strong></span>"
            for name, value in items
        )
        return f"<div class='newsqa-status'>{cells}</div>"


def status_html(qa: NewsQA) -> str:
    try:
        return IndexStatus.read(qa).html()
    except IndexUnavailable as exc:
        return f"<div class='newsqa-status'>{escape(str(exc))}</div>"


def example_questions(qa: NewsQA, n: int = EXAMPLES) -> list[str]:
    """Questions about the index's newest articles that the index answers, one per article:
    about its headline, or else about the names in its headline and summary (a catchy
    headline's words are often nowhere in the story)."""
    questions: list[str] = []
    for title, summary in qa.store.catalogue.recent_headlines(n * 3):
        for question in (
            question_from_title(title),
            question_about_names(qa, f"{summary} {title}"),
        ):
            if question and question not in questions and not qa.ask(question).abstained:
                questions.append(question)
                break
        if len(questions) == n:
            break
    return questions


def question_about_names(qa: NewsQA, text: str) -> str:
    """ "What do the articles say about <the first two names in the text>?" ('' if none)."""
    names = qa.analyse(f"On {text}").names[:2]  # the text's first word may be a name
    return f"What do the articles say about {' and '.join(names)}?" if names else ""


def question_from_title(title: str) -> str:
    """ "What do the articles say about <the headline>?", the headline cut to a few words."""
    words = re.sub(r"\s+", " ", title).strip().rstrip(".!?:;,").split(" ")
    if not words or not words[0]:
        return ""
    topic = " ".join(words[:EXAMPLE_WORDS])
    return f"What do the articles say about {topic}?"
