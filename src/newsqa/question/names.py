"""Names in questions: the capitalised phrases that name someone or something."""

from __future__ import annotations

import re
from collections.abc import Iterable

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
