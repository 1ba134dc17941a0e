"""Questions typed without capitals ("who won the nhl stanley cup?"): each word gets the
casing the archive itself writes it with, so the names in it are found as in a cased
question ("NHL Stanley Cup") and checked against the archive the same way."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

from newsqa.text.words import STOPWORDS

WordTexts = Callable[[str], Sequence[str]]

SIGHTINGS = 3  # a word seen fewer times mid-sentence keeps its lowercase
CAPITALISED_SHARE = 0.8  # capitalised in at least this share of its mid-sentence sightings
MAX_WORDS = 40  # words of one question looked up (a long question costs no more than this)
_TOKEN = re.compile(r"[^\W_]+(?:[’'-][^\W_]+)*")


def recased(question: str, texts_of: WordTexts) -> str:
    """`question` with each word written as the archive writes it mid-sentence, when the
    question has no capital letter at all; otherwise `question` unchanged."""
    if any(ch.isupper() for ch in question):
        return question
    pieces: list[str] = []
    last = 0
    looked_up: set[str] = set()
    for match in _TOKEN.finditer(question):
        word = match.group(0)
        pieces.append(question[last : match.start()])
        form = None
        wanted = word not in STOPWORDS and len(word) > 1 and not word.isdigit()
        if wanted and (word in looked_up or len(looked_up) < MAX_WORDS):
            looked_up.add(word)
            form = archive_form(word, texts_of(word))
        pieces.append(form or word)
        last = match.end()
    pieces.append(question[last:])
    return "".join(pieces)


def archive_form(word: str, texts: Sequence[str]) -> str | None:
    """The capitalised form ("Stanley", "NHL") the texts give `word` in most of its
    mid-sentence sightings, or None when they mostly write it in lowercase."""
    pattern = re.compile(rf"(?<![\w’'-])({re.escape(word)})(?![\w’'-])", re.I)
    forms: Counter[str] = Counter()
    for text in texts:
        for m in pattern.finditer(text):
            before = text[: m.start()].rstrip()
            if not before or before.endswith((".", "?", "!", ":", "“", '"', "\n")):
                continue  # a sentence's first word says nothing about the word
            forms[m.group(1)] += 1
    seen = sum(forms.values())
    capitalised = Counter({f: c for f, c in forms.items() if f[0].isupper()})
    if seen < SIGHTINGS or sum(capitalised.values()) < CAPITALISED_SHARE * seen:
        return None
    return capitalised.most_common(1)[0][0]
