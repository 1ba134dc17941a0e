"""Words of questions and sentences: tokenising, stopwords, light stemming, FTS5 MATCH expressions."""

from __future__ import annotations

import re
from itertools import pairwise

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "according",
        "article",
        "articles",
        "report",
        "reported",
        "reports",
        "reporting",
        "said",
        "says",
        "news",
        "story",
    ]
)
_WORD = re.compile(r"[\w][\w'’.-]*[\w]|[\w]", re.UNICODE)


def content_words(text: str) -> list[str]:
    """Lower-cased words of `text` without stopwords, possessives or edge punctuation."""
    words = []
    for raw in _WORD.findall(text.lower()):
        if raw.endswith(("'s", "’s")):
            raw = raw[:-2]
        word = raw.strip(".'’-")
        if word and word not in STOPWORDS:
            words.append(word)
    return words


def search_terms(text: str) -> list[str]:
    """Distinct content words as FTS5 sees them (split at punctuation), in question order."""
    seen: dict[str, None] = {}
    for word in content_words(text):
        for part in re.split(r"[^\w]+", word):
            if part and part not in STOPWORDS:
                seen.setdefault(part, None)
    return list(seen)


def fts_match(text: str | list[str]) -> str:
    """An FTS5 MATCH expression: the distinct content words (or given terms), quoted, OR-ed."""
    words = search_terms(text) if isinstance(text, str) else text
    return " OR ".join(f'"{w}"' for w in words)


def stem(word: str) -> str:
    """A light suffix stemmer, enough to match 'accused' with 'accuses' or 'charges'."""
    for suffix, repl, min_len in (
        ("ies", "y", 5),
        ("sses", "ss", 5),
        ("ing", "", 6),
        ("ed", "", 5),
        ("es", "", 5),
        ("s", "", 4),
    ):
        if word.endswith(suffix) and len(word) >= min_len and not word.endswith("ss"):
            word = word[: -len(suffix)] + repl
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word  # pledge ~ pledged


def terms(text: str, pairs: bool = True) -> frozenset[str]:
    """Stemmed content words of `text`, and (with `pairs`) each two adjacent ones as 'a b'."""
    words = [stem(w) for w in content_words(text)]
    if not pairs:
        return frozenset(words)
    return frozenset(words) | {f"{a} {b}" for a, b in pairwise(words)}


# the month names, January first (dates in questions and values in sentences)
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
