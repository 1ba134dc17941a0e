"""Honest refusals: what the collection lacks, and what the closest articles were about."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from newsqa.answering.answerability import Answerability
from newsqa.question import Question
from newsqa.records import ABSTAIN_TEXT, Answer, Passage

CLOSEST = 3


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


def evidence_gaps(
    unknown_outlets: Sequence[str],
    names: Sequence[str],
    count: Callable[[str], int] | None,
    words: Sequence[str] = (),
    attributed: Sequence[str] = (),
    question: Question | None = None,
) -> list[str]:
    """Sentences naming what the question needs and the collection lacks: articles from an
    outlet it asks about, or any mention of a name or topic word it asks about. A source the
    question attributes a claim to ('according to the White House') is missing only when no
    article mentions it either. With `question`, names and words are given as the user wrote
    them in it; those a follow-up carried over from earlier turns are not named."""
    gaps: list[str] = []
    if count is not None:
        attributed = [a for a in attributed if count(words_match(a)) == 0]
    unknown_outlets = [*unknown_outlets, *attributed]
    if unknown_outlets:
        gaps.append(f"There are no articles from {_join(unknown_outlets)} in the collection.")
    if count is not None:
        missing = missing_names(names, count)
        lowered = " ".join(missing).lower()
        missing += [w for w in missing_words(words, count) if w not in lowered]
        shown = question.as_asked(missing) if question is not None else missing
        if shown:
            gaps.append(f"No article mentions {_join(shown)}.")
        elif missing:
            gaps.append("No article mentions what this follow-up refers to.")
    return gaps


SLOT_NAMES = {
    "person": "a name",
    "name": "a name",
    "number": "a number or amount",
    "date": "a date",
}
LISTED_WORDS = 6  # words named on each side of "These articles discuss X, but none mentions Y"


def what_is_missing(question: Question, verdict: Answerability) -> list[str]:
    """When the closest articles cover some of the question's words but not what it asks,
    say so in the user's own words: "These articles discuss X, but none mentions Y" (a name
    or word of the question), or none gives the kind of answer asked for (a name, a figure,
    a date)."""
    missing = question.in_own_words(verdict.missing_words)
    asked = question.in_own_words(question.stem_words)
    covered = [w for w in asked if w not in missing][:LISTED_WORDS]
    if not covered:
        return []
    if missing:
        absent = missing[:LISTED_WORDS]
        return [f"These articles discuss {_join(covered)}, but none mentions {_join(absent)}."]
    if verdict.missing_slot is not None:
        wanted = SLOT_NAMES[verdict.missing_slot]
        return [
            f"These articles discuss {_join(covered)}, but none gives {wanted} that answers it."
        ]
    return [f"These articles discuss {_join(covered)}, but none answers the question directly."]


MatchOutlets = Callable[[str], Sequence[tuple[str, ...]]]


def outlet_coverage(question: Question, match_outlets: MatchOutlets) -> list[str]:
    """When the outlets a question names have no article on its topic and other outlets do:
    how many do, and the question to ask without the outlet ("No New York Times article here
    mentions israel and hamas; 23 articles from other outlets do — ask without the outlet:
    “what did the articles say about the israel hamas war?”")."""
    known = set(question.outlets.known)
    named = question.as_asked(question.names)
    within = " ".join(named).lower()
    words = question.in_own_words(question.topic_words) or question.in_own_words(
        question.stem_words
    )
    topic = [*named, *(w for w in words if w.lower() not in within)]
    if not known or not topic or not question.asked_of_all:
        return []
    carriers = match_outlets(words_match(" ".join(topic)))
    if any(known & set(outlets) for outlets in carriers):
        return []
    others = len(carriers)
    if not others:
        return []
    outlets = _join([re.sub(r"^the\s+", "", o, flags=re.I) for o in question.outlets.known])
    articles = (
        "1 article from another outlet does"
        if others == 1
        else (f"{others} articles from other outlets do")
    )
    return [
        f"No {outlets} article here mentions {_join(topic, 'and')}; {articles} — ask without "
        f"the outlet: “{question.asked_of_all}”"
    ]


def abstain_answer(
    question: str, passages: Sequence[Passage], gaps: Sequence[str], confidence: float = 0.0
) -> Answer:
    """An abstention: no citations; the closest articles are named, not cited as support."""
    parts = [ABSTAIN_TEXT, *gaps]
    closest = _closest(passages)
    if closest:
        parts.append("The closest articles are about: " + "; ".join(closest) + ".")
    return Answer(
        question,
        " ".join(parts),
        [],
        list(passages),
        abstained=True,
        confidence=round(confidence, 3),
    )


def _closest(passages: Sequence[Passage]) -> list[str]:
    seen: dict[str, str] = {}
    for p in passages:
        if p.article_id in seen or len(seen) == CLOSEST:
            continue
        details = ", ".join(x for x in (p.source, (p.published_at or "")[:10]) if x)
        seen[p.article_id] = f"“{p.title}”" + (f" ({details})" if details else "")
    return list(seen.values())


def _join(items: Sequence[str], last: str = "or") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]
