"""Example questions for the page, made by rule from the index's newest headlines: a headline
that is itself a question is asked as it is; any other is asked about the names it (or else
its summary) holds ("What do the articles say about Ukraine and Russia?"), never about a
cut-off headline."""

from __future__ import annotations

import re
import threading

from newsqa.api import NewsQA

EXAMPLES = 3
CANDIDATES_PER_EXAMPLE = 3  # headlines looked at per example wanted
MAX_QUESTION_WORDS = 14  # a longer headline-question reads as a headline, not as a question
MAX_NAME_WORDS = 4
NAMES_PER_QUESTION = 2
MIN_MENTIONS = 2  # a name the story itself uses at least this often
_QUESTION_WORDS = {
    "who", "what", "when", "where", "why", "how", "which", "whose", "is", "are", "was", "were",
    "do", "does", "did", "can", "could", "will", "would", "should", "has", "have",
}  # fmt: skip
# a capitalised word of these inside a "name" means a Title Case headline was read as one
_TITLE_CASE_WORDS = {
    "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "is", "of", "on",
    "or", "than", "that", "the", "to", "vs", "with",
}  # fmt: skip
_QUOTES = "\"'‘’“”"
_POSSESSIVE = re.compile(r"(?:’s|'s)$")


def question_from_title(title: str) -> str:
    """The headline itself when it is a short question ("Are NBA Christmas Day games a
    better tradition?"); '' for any other headline."""
    text = " ".join(title.split()).strip(_QUOTES + " ")
    words = text.split(" ")
    if (
        not text.endswith("?")
        or words[0].lower() not in _QUESTION_WORDS
        or len(words) > MAX_QUESTION_WORDS
        or any(mark in text for mark in (":", " — ", " – ", " - "))
    ):
        return ""
    return text


def question_about(names: list[str]) -> str:
    """ "What do the articles say about A?" or "... about A and B?" ('' without names)."""
    if not names:
        return ""
    return f"What do the articles say about {' and '.join(names[:NAMES_PER_QUESTION])}?"


def question_on_headline(title: str) -> str:
    """'What do the articles say about “Harbour ferry sinks off the cape”?' for a short,
    whole headline ('' for a long one, or one cut or labelled by a colon or dash): the
    fallback for an archive whose headlines name nothing its stories repeat."""
    text = " ".join(title.split()).strip(_QUOTES + " ").rstrip(".!?")
    words = text.split(" ")
    if (
        not text
        or len(words) > MAX_QUESTION_WORDS
        or any(mark in text for mark in (":", " — ", " – ", " - ", "…", "..."))
    ):
        return ""
    return f"What do the articles say about “{text}”?"


def headline_names(qa: NewsQA, title: str, body: str) -> list[str]:
    """The names a headline holds that its story goes on to use, as a reader would say them:
    no possessive, no name that is part of a longer one, none of a Title Case headline's
    capitalised ordinary words, none that is only a headline's label ("Tennis News")."""
    found: list[str] = []
    for raw in qa.analyse(f"On {title}").names:  # the headline's first word may be a name
        name = _POSSESSIVE.sub("", raw.strip(_QUOTES + ".,;: "))
        if "." in name and f"{name}." in title:  # "K.O." and "U.S." keep their last dot
            name += "."
        words = name.split()
        if not words or len(words) > MAX_NAME_WORDS:
            continue
        if len(words) == 1 and _mentions(name.lower(), body) > 0:
            continue  # an ordinary word capitalised in the headline ("Top 50 drivers")
        if any(w.lower() in _TITLE_CASE_WORDS for w in words[1:] if w[:1].isupper()):
            continue
        if name not in found and _mentions(name, body) >= MIN_MENTIONS:
            found.append(name)
    return [n for n in found if not any(n != other and n in other.split() for other in found)]


def _mentions(name: str, text: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", text))


def example_questions(qa: NewsQA, n: int = EXAMPLES) -> list[str]:
    """Questions about the index's newest articles that the index answers, one per article."""
    questions: list[str] = []
    catalogue = qa.store.catalogue
    headlines = catalogue.recent_headlines(n * CANDIDATES_PER_EXAMPLE)
    for title, summary in headlines:
        ids = sorted(catalogue.article_ids_of([title]))
        article = catalogue.article(ids[0]) if ids else None
        story = f"{summary}\n{article.body if article else ''}"
        names = headline_names(qa, title, story) or headline_names(qa, summary, story)
        about = question_about(names)
        for question in (question_from_title(title), about):
            if question and question not in questions and not qa.ask(question).abstained:
                questions.append(question)
                break
        if len(questions) == n:
            return questions
    for title, _ in headlines:  # too few stories repeat a name: their whole headlines
        question = question_on_headline(title)
        if question and question not in questions and not qa.ask(question).abstained:
            questions.append(question)
            if len(questions) == n:
                break
    return questions


class ExampleShelf:
    """The examples of the index now open, worked out once per index generation (each is
    asked once to be sure it is answered; a page load should not ask them again)."""

    def __init__(self, qa: NewsQA) -> None:
        self.qa = qa
        self._lock = threading.Lock()
        self._made_for: object = None
        self._questions: list[str] = []

    def questions(self) -> list[str]:
        store = self.qa.store
        with self._lock:
            if self._made_for is not store:
                self._questions = example_questions(self.qa)
                self._made_for = store
            return list(self._questions)
