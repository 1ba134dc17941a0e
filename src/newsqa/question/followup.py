"""Follow-up questions: resolve 'he', 'the fine', 'what happened next' against the conversation."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newsqa.question.names import question_names
from newsqa.records import Answer, Passage
from newsqa.text.words import content_words, stem

Turn = str | Answer
_PRONOUN = re.compile(r"\b(he|she|him|her|his|hers|they|them|their|it|its)\b", re.I)
_POINTS_BACK = re.compile(
    r"\b(this|that|these|those|there|then|next|afterwards?|later|else|also|too|the same)\b",
    re.I,
)
# "the fine", "the final", "the deal": a thing the conversation already introduced
_DEFINITE = re.compile(r"\bthe\s+(?!same\b)([a-z][\w-]*)\b", re.I)
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# a year inside a full date ("published on October 4, 2023") dates a report, not the story
_FULL_DATE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+"
    rf"{_MONTH}\s+\d{{4}}\b|\b\d{{4}}-\d\d-\d\d\b",
    re.I,
)
# days and months name a time, not who or what the story is about
_CALENDAR = re.compile(
    r"^(mon|tues|wednes|thurs|fri|satur|sun)day$|^(jan|febr)uary$|^(march|april|may|june|july"
    r"|august|september|october|november|december)$",
    re.I,
)
MIN_OWN_WORDS = 3
FOCUS_PASSAGES = 3
ANSWER_NAMES = 3  # names an answer is about, carried when the questions named none
STORY_ARTICLES = 12  # the earlier answers' articles a follow-up is searched in first


@dataclass(frozen=True)
class FollowUp:
    """A question made self-contained: the text to search with, the articles to keep in view,
    and the conversation's story (its articles and time frame) to answer from first."""

    query: str
    focus: frozenset[str] = field(default_factory=frozenset)
    passages: tuple[Passage, ...] = ()
    story: tuple[str, ...] = ()  # the earlier answers' articles, the latest answer's first
    years: frozenset[int] = frozenset()  # years the conversation named: its time frame
    fallback: str = ""  # the whole archive searched as asked, when the story and its names fail

    @property
    def resolved(self) -> bool:
        return bool(self.focus) or bool(self.passages)


def needs_context(question: str) -> bool:
    """Does the question lean on an earlier turn: a pronoun, few words of its own, or 'that
    deal' / 'what happened next' in a question that names nothing itself?"""
    if _PRONOUN.search(question) or len(content_words(question)) < MIN_OWN_WORDS:
        return True
    return bool(_POINTS_BACK.search(question)) and not question_names(question)


def continues(question: str, earlier: Sequence[str]) -> bool:
    """May the question stay in the conversation's story: it leans on an earlier turn, or it
    refers by 'the …' to something an earlier turn spoke of ("the model" after "its new AI
    model", "the fine" after "why was it fined"), or to something it does not name ("the
    game", "the final"), naming nothing the earlier turns did not name?"""
    if needs_context(question):
        return True
    referred = [m.group(1).lower() for m in _DEFINITE.finditer(question)]
    if not referred:
        return False
    said = " ".join(earlier)
    spoken = {stem(w) for w in content_words(said)}
    if any(stem(word) in spoken for word in referred):
        return True
    return all(name.lower() in said.lower() for name in question_names(question))


def resolve_followup(
    question: str, history: Sequence[Turn] | None, outlets: Iterable[str] = ()
) -> FollowUp:
    """The question read in its conversation: the names and years of the turns it follows
    carried into the query, the earlier answers' articles as the story to answer from."""
    outlets = tuple(outlets)
    turns = [t for t in history or () if not (isinstance(t, Answer) and t.abstained)]
    if not turns and history:
        turns = [history[-1]]  # only declined turns: their words still say what was asked
    asked = [t.question if isinstance(t, Answer) else str(t) for t in turns]
    if not turns or not continues(question, asked):
        return FollowUp(question)
    thread = _thread(turns)
    carried = _carried(thread, question, outlets)
    query = f"{question} ({', '.join(carried)})" if carried else question
    fallback = query if needs_context(question) else question
    # a declined answer stays only when no turn was answered: the closest articles it named
    answers = [t for t in reversed(thread) if isinstance(t, Answer)]
    if not answers:
        return FollowUp(query, fallback=fallback)
    last = answers[0]
    focus = frozenset(c.article_id for c in last.citations)
    kept = tuple(p for p in last.passages if p.article_id in focus)[:FOCUS_PASSAGES]
    years = frozenset(y for t in thread for y in story_years(_asked(t)))
    story = _story(answers, _story_names(thread, outlets))
    return FollowUp(query, focus, kept, story, years, fallback)


def story_years(question: str) -> set[int]:
    """Years a question names as its time frame ("the 2023 Rugby World Cup", "in 2022"), not
    those of the dates it gives for reports ("published on October 4, 2023")."""
    return {int(y) for y in _YEAR.findall(_FULL_DATE.sub(" ", question))}


def _asked(turn: Turn) -> str:
    return turn.question if isinstance(turn, Answer) else str(turn)


def _thread(turns: Sequence[Turn]) -> list[Turn]:
    """The turns of the current story: back from the latest to the one that began it (the
    last turn that did not itself lean on the ones before)."""
    start = len(turns) - 1
    while start > 0:
        earlier = [_asked(t) for t in turns[:start]]
        if not continues(_asked(turns[start]), earlier):
            break
        start -= 1
    return list(turns[start:])


def _carried(thread: Sequence[Turn], question: str, outlets: Sequence[str]) -> list[str]:
    """The story's names the new question does not say itself (outlets and dates aside: an
    outlet named once does not restrict the follow-ups), else the latest question's words."""
    own = question.lower()
    names = _story_names(thread, outlets)
    carried = [n for n in names if n.lower() not in own]
    if carried or names:
        return carried
    words = set(content_words(question))
    return [w for w in content_words(_asked(thread[-1])) if w not in words]


def _story_names(thread: Sequence[Turn], outlets: Sequence[str]) -> list[str]:
    """The names the story's questions name (or, naming none, its latest answer's)."""
    names = dict.fromkeys(n for turn in thread for n in _names(_asked(turn), outlets))
    if not names and isinstance(thread[-1], Answer):
        names = dict.fromkeys(_answer_names(thread[-1], outlets))
    return list(names)


def _names(text: str, outlets: Sequence[str]) -> list[str]:
    return [n for n in question_names(text, outlets) if not _CALENDAR.match(n)]


def _answer_names(answer: Answer, outlets: Sequence[str]) -> list[str]:
    """The names an answer's lead sentences mention more than once, most mentioned first."""
    counts = Counter(n for c in answer.lead_citations for n in _names(c.sentence, outlets))
    return [n for n, k in counts.most_common(ANSWER_NAMES) if k > 1]


def _story(answers: Sequence[Answer], names: Sequence[str]) -> tuple[str, ...]:
    """The story's articles: those its answers cited (the latest answer's first), then those
    the latest answer was found among that mention the story's names (all of them when it
    has none): the articles retrieved beside it on other stories are left out."""
    story: dict[str, None] = {}
    for answer in answers:
        story.update(dict.fromkeys(c.article_id for c in answer.citations))
    wanted = [n.lower() for n in names]
    for p in answers[0].passages:
        text = f"{p.title}\n{p.text}".lower()
        if not wanted or any(n in text for n in wanted):
            story.setdefault(p.article_id, None)
    return tuple(story)[:STORY_ARTICLES]


def with_focus(passages: list[Passage], follow: FollowUp) -> list[Passage]:
    """The retrieved passages, then the earlier turn's passages that retrieval left out."""
    have = {p.chunk_id for p in passages}
    return passages + [p for p in follow.passages if p.chunk_id not in have]
