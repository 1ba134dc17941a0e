"""The question analysed once: one immutable record that retrieval, source selection, the
composer and abstention all read, so no later stage parses the question text again."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from newsqa.question.answer_type import expected_type
from newsqa.question.claims import QuestionPlan, clauses, plan_question
from newsqa.question.names import question_names
from newsqa.question.outlets import (
    OutletDirectory,
    OutletMentions,
    find_outlets,
    without_outlets,
)
from newsqa.question.relative_time import asks_recent, without_relative_time
from newsqa.question.timeline import asks_latest, is_temporal, mentioned_days, published_on
from newsqa.question.truecase import WordTexts, recased
from newsqa.question.yes_no import YesNo, yes_no_form
from newsqa.text.words import content_words, fts_match, stem, terms

# Words that frame a question about news rather than say what it is about.
_FRAME_WORDS = (
    "individual person entity company organization organisation name named mentioned "
    "mention discussed discuss suggest suggests indicate indicates imply implies claim "
    "claims considering information piece coverage portrayal portray depicted reporting "
    "consistent consistency inconsistent change changed both published publication source "
    "sources outlet outlets identified described describe highlighted noted whose "
    "another one two same while compared comparison regarding concerning many much "
    "say says said tell tells told article articles news report reports reported"
)
QUESTION_FRAME = frozenset(stem(w) for w in _FRAME_WORDS.split())
# Common verbs say little about what a question is about: they are not among the words the
# answer check weighs, so that no article says "met" or "sent" never decides an abstention,
# nor is it named as what the articles lack.
_COMMON_VERBS = (
    "meet met send sent make made take took taken give gave given get got go went gone come "
    "came put see saw seen use used find found hold held keep kept bring brought show showed "
    "shown become became begin began begun want wanted need needed know knew known think "
    "thought seem seemed look looked try tried happen happened"
)
COMMON_VERBS = frozenset(stem(w) for w in _COMMON_VERBS.split())
TOPIC_WORD_CHARS = 5  # shorter words are too common to tell that the archive lacks a topic


@dataclass(frozen=True)
class Claim:
    """One clause of the question as answering weighs it: its terms and the outlets it names."""

    terms: frozenset[str]  # stemmed words and adjacent pairs, without frame or outlet words
    outlets: tuple[str, ...]  # indexed outlets this clause names


@dataclass(frozen=True)
class Question:
    """Everything the later stages need to know about one question, found once."""

    text: str  # the question as searched (a follow-up carries its earlier turn's names)
    lowered: str
    plan: QuestionPlan  # for search: the whole question and its claims, with outlets and days
    search_texts: tuple[str, ...]  # text encoded and searched: the whole question, then claims
    search_matches: tuple[str, ...]  # FTS5 MATCH expression of each distinct search text
    search_words: tuple[frozenset[str], ...]  # content words of each search text
    outlets: OutletMentions  # outlets named: indexed ones, and unknown ones reports are from
    names: tuple[str, ...]  # names of people, places, organisations (not outlets)
    topic_words: tuple[str, ...]  # longer content words that say what the question is about
    frame: frozenset[str]  # stemmed words that frame the question rather than ask it
    terms: frozenset[str]  # stemmed words and pairs the answer should cover
    content_stems: tuple[str, ...]  # the stemmed words of `terms`, in question order
    stem_words: Mapping[str, str]  # each of those stems → the question's own word
    name_stems: tuple[frozenset[str], ...]  # each name's stemmed words
    claims: tuple[Claim, ...]  # each clause, for finding the best article of each
    expected_type: str | None  # 'person', 'number', 'date' or None
    days: frozenset[tuple[int, int]]  # (month, day) pairs the question names
    temporal: bool  # asks about order in time: the lead reads best by date
    latest: bool  # asks how things stand now: the latest dated statement answers it
    recent: bool = False  # about current news ("this week", "recently")
    asked_noun: str | None = None  # the kind of thing asked for: "show" in "which show …?"
    asked_on: date | None = None  # the day it is asked: what "this week" is relative to
    asked: str = ""  # the user's own words (without what a follow-up carries over)
    own_words: Mapping[str, str] = field(default_factory=dict)  # stem → the word as written
    asked_of_all: str = ""  # the user's question with the outlets it names left out
    yes_no: YesNo | None = None  # answered by yes or no (and, maybe, by two reports' dates)

    def as_asked(self, names: Iterable[str]) -> list[str]:
        """`names` as the user wrote them in this question (its casing); names a follow-up
        carried over from earlier turns are left out."""
        lowered = self.asked.lower()
        out: dict[str, None] = {}
        for name in names:
            at = lowered.find(name.lower())
            if at >= 0:
                out.setdefault(self.asked[at : at + len(name)], None)
        return list(out)

    def in_own_words(self, words: Iterable[str]) -> list[str]:
        """`words` (the question's words, stemmed or not) as the user wrote them in this
        question, leaving out words a follow-up carried over from earlier turns."""
        out: dict[str, None] = {}
        for word in words:
            written = self.own_words.get(word) or self.own_words.get(stem(word.lower()))
            if written:
                out.setdefault(written, None)
        return list(out)

    def published_on_named_day(self, published_at: str | None) -> bool:
        """Was an article published on (or next to) a day the question names?"""
        return published_on(published_at, set(self.days))


class QuestionAnalyser:
    """Analyses questions against one index's outlets (read once per opened index)."""

    def __init__(self, outlets: Iterable[str], word_texts: WordTexts | None = None) -> None:
        self.outlets = tuple(outlets)
        self.directory = OutletDirectory(self.outlets)
        self.word_texts = word_texts  # the archive's texts holding a word (for casing)

    def analyse(
        self, text: str, asked_on: date | None = None, asked: str | None = None
    ) -> Question:
        """`text` analysed; `asked_on` is the day it is asked (None: the newest news);
        `asked` is the user's own question when `text` carries words of earlier turns."""
        plan = plan_question(text, self.directory)
        search_texts = (plan.whole.text or text, *(p.text for p in plan.parts))
        mentions = find_outlets(text, self.outlets)
        # what the evidence must hold: not when the question is asked ("this week"), nor the
        # kind of thing it asks for ("which team": the answer names a team, it need not say so)
        plain = without_relative_time(text)
        noun = _asked_noun(text)
        frame = QUESTION_FRAME | terms(" ".join(mentions.known), pairs=False)
        frame |= frozenset({stem(noun)}) if noun else frozenset()
        topic_words = tuple(
            w
            for w in dict.fromkeys(content_words(plain))
            if len(w) >= TOPIC_WORD_CHARS
            and w.isalpha()
            and stem(w) not in QUESTION_FRAME | COMMON_VERBS
        )
        answer_terms = _answer_terms(plain, frame)
        stem_words: dict[str, str] = {}
        for word in content_words(plain):
            if stem(word) in answer_terms and stem(word) not in COMMON_VERBS:
                stem_words.setdefault(stem(word), word)
        cased = recased(text, self.word_texts) if self.word_texts else text
        names = tuple(question_names(cased, self.outlets))
        return Question(
            text=text,
            lowered=text.lower(),
            plan=plan,
            search_texts=search_texts,
            search_matches=tuple(dict.fromkeys(fts_match(t) for t in search_texts)),
            search_words=tuple(frozenset(content_words(t)) for t in search_texts),
            outlets=mentions,
            names=names,
            topic_words=topic_words,
            frame=frame,
            terms=answer_terms,
            content_stems=tuple(stem_words),
            stem_words=stem_words,
            name_stems=tuple(s for s in (terms(n, pairs=False) for n in names) if s),
            claims=tuple(
                Claim(_answer_terms(clause, frame), find_outlets(clause, self.outlets).known)
                for clause in clauses(plain)
            ),
            expected_type=expected_type(text),
            days=frozenset(mentioned_days(text)),
            temporal=is_temporal(text),
            latest=asks_latest(text),
            recent=asks_recent(text),
            asked_noun=noun,
            asked_on=asked_on,
            asked=asked or text,
            own_words=_as_written(asked or text, frame),
            asked_of_all=without_outlets(asked or text, self.directory) if mentions.known else "",
            yes_no=yes_no_form(asked or text, self.directory),
        )


def analyse_question(text: str, outlets: Iterable[str] = ()) -> Question:
    """One question analysed against the given outlet names (see `QuestionAnalyser`)."""
    return QuestionAnalyser(outlets).analyse(text)


def _as_written(text: str, frame: frozenset[str]) -> dict[str, str]:
    """Each content word's stem → the word as written in `text` (its casing kept)."""
    written: dict[str, str] = {}
    for raw in re.findall(r"[\w’'-]+", text):
        lowered = content_words(raw)
        if len(lowered) != 1:
            continue
        key = stem(lowered[0])
        if key in frame or key in COMMON_VERBS:
            continue
        start = raw.lower().find(lowered[0])
        written.setdefault(key, raw[start : start + len(lowered[0])] if start >= 0 else raw)
    return written


def _asked_noun(text: str) -> str | None:
    """The noun right after "which" ("which team won?"): the kind of answer wanted."""
    match = re.search(r"\bwhich (?!of\b)([a-z]+)\b", text.lower())
    return match.group(1) if match else None


def _answer_terms(text: str, frame: frozenset[str]) -> frozenset[str]:
    return frozenset(w for w in terms(text) if not set(w.split()) & frame)
