"""Names in questions (capitalised phrases) and whether the collection mentions them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from newsqa.question.outlets import normalise
from newsqa.text.words import STOPWORDS

_WORD = r"[A-Z][\w’'.&-]*[\w]"
_NAME = re.compile(rf"(?<![\w’'-]){_WORD}(?:\s(?:of\s|de\s|van\s|von\s)?{_WORD})*")
_GENERIC = {
    "did",
    "does",
    "do",
    "is",
    "was",
    "were",
    "are",
    "has",
    "have",
    "which",
    "who",
    "what",
    "when",
    "where",
    "how",
    "after",
    "before",
    "between",
    "considering",
    "based",
    "according",
    "following",
    "given",
    "while",
    "in",
    "on",
    "both",
}


def question_names(question: str, outlets: Iterable[str] = ()) -> list[str]:
    """Capitalised phrases of `question` that name something: not its first word, not an
    outlet it attributes articles to, not a question word."""
    outlet_keys = {normalise(o) for o in outlets if o}
    names: dict[str, None] = {}
    for m in _NAME.finditer(question):
        words = m.group(0).split()
        if m.start() == 0 or question[: m.start()].rstrip().endswith((".", "?", "!")):
            words = words[1:]
        while words and words[0].lower() in _GENERIC | STOPWORDS:
            words = words[1:]
        for name in re.split(r"(?:’s|'s)(?:\s|$)", " ".join(words)):
            name = name.strip(".’' ")
            key = normalise(name)
            if len(key) < 3 or any(key in o or o in key for o in outlet_keys):
                continue
            names.setdefault(name, None)
    return list(names)


def words_match(name: str) -> str:
    """An FTS5 query for chunks holding every word of `name`."""
    return " AND ".join(f'"{w}"' for w in re.findall(r"\w+", name.lower()))


def missing_names(names: Iterable[str], count: Callable[[str], int]) -> list[str]:
    """Names the collection never mentions (`count` gives chunk hits of an FTS5 query)."""
    return [n for n in names if count(words_match(n)) == 0]


UNKNOWN_WORD_PREFIX = 5  # a word counts as known when any indexed word shares its first letters


def missing_words(words: Iterable[str], count: Callable[[str], int]) -> list[str]:
    """Question words that no chunk contains, even as a word sharing their first letters
    ("fraudulent" is known through "fraud"; "sourdough" in a politics archive is not)."""
    missing = []
    for word in words:
        if count(f'"{word}"') == 0 and count(f'"{word[:UNKNOWN_WORD_PREFIX]}"*') == 0:
            missing.append(word)
    return missing
