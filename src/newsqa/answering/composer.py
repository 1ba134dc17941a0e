"""Composer: picks verbatim sentences covering the question's parts, numbers citations, abstains."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from newsqa.answering.abstention import (
    MatchOutlets,
    abstain_answer,
    evidence_gaps,
    outlet_coverage,
    what_is_missing,
)
from newsqa.answering.answerability import (
    MIN_RARE_CITED,
    Similarity,
    assess,
    threshold_for,
)
from newsqa.answering.disagreement import (
    Account,
    asked_kind,
    find_disagreement,
    with_disagreement,
)
from newsqa.answering.reader import ReaderModel, Reading, ReadingContext, load_model, read
from newsqa.answering.sentence_scoring import (
    ArticleLibrary,
    Sentence,
    candidates,
    term_weights,
)
from newsqa.answering.settings import ComposerSettings
from newsqa.answering.source_selection import SourceGate, source_signals
from newsqa.answering.time_frame import within_time_frame
from newsqa.answering.typed_sentences import has_answer_type
from newsqa.answering.verdict_model import DEFAULT_BAR, VerdictModel, load_verdict_model
from newsqa.answering.verdicts import decide, unsettled_abstention, with_verdict
from newsqa.question import Question
from newsqa.records import Answer, Citation, Passage
from newsqa.search.recency import recency_prior


@dataclass(frozen=True)
class Composer:
    """Extractive answers: a short set of sentences that together cover the question's terms.

    1. Sources: the candidate articles the `SourceGate` judges to be evidence are cited
       (when the question names outlets the collection has, only their articles).
    2. Lead: greedy coverage over the cited articles' sentences; each step takes the sentence
       adding the most not-yet-covered question terms (IDF-weighted) plus a retrieval prior.
       The answer check judges that lead (abstain or not); then the trained `reader` reads
       the sentences of the articles it drew on and the lead becomes its best readings
       (three at most), the coverage lead folding into support.
    3. Support: each cited article's further best-matching sentences, up to `per_article`,
       so that every source's own account of its part of the question is shown.
    """

    settings: ComposerSettings = field(default_factory=ComposerSettings)
    library: ArticleLibrary | None = None
    count_matches: Callable[[str], int] | None = None
    chunks: int = 0  # chunks in the archive, for archive-wide word rarity
    similarity: Similarity | None = None  # embedding cosine of the question to sentences
    focus: frozenset[str] = field(default_factory=frozenset)
    years: frozenset[int] = frozenset()  # a conversation's time frame (years it named)
    match_outlets: MatchOutlets | None = None  # outlets of the articles an FTS5 query finds
    reader: ReaderModel | None = field(default_factory=load_model)  # None: greedy lead
    second_margin: float = 100.0  # readings this far below the best stay out (100: fill the lead)
    lead_readings: int = 3  # at most this many
    keep_coverage_first: bool = True  # the coverage lead's first sentence joins the lead
    record: Callable[[Question, list[Sentence], ReadingContext, float], None] | None = None
    verdict_model: VerdictModel | None = field(default_factory=load_verdict_model)

    def compose(self, question: Question, passages: list[Passage]) -> Answer:
        answer = self._compose(question, passages)
        if answer.abstained and self.settings.verdicts and question.yes_no is not None:
            return unsettled_abstention(answer)
        return answer

    def _compose(self, question: Question, passages: list[Passage]) -> Answer:
        asked = question.text
        mentions = question.outlets
        known = mentions.known
        gaps = evidence_gaps(
            mentions.unknown,
            question.names,
            self.count_matches,
            (),
            mentions.attributed,
            question,
        )
        unknown = evidence_gaps((), (), self.count_matches, question.topic_words, (), question)
        if gaps:
            return abstain_answer(asked, passages, gaps)
        pool = candidates(passages, self.settings.articles, self.library, self.focus)
        pool = within_time_frame(pool, self.years)
        everywhere = pool  # every outlet's candidates, for dating each report a verdict compares
        if known:
            named = [s for s in pool if set(s.outlets) & set(known)]
            pool = named or pool
        weights = term_weights(question.terms, pool, self.settings.pair_weight)
        total = math.fsum(weights.values()) + math.fsum(
            math.log(1 + 2 * len(pool)) for w in question.terms if w not in weights and " " not in w
        )
        if not pool or not total:
            return self._abstain(question, passages, ())
        signals = source_signals(question, pool, passages, weights, total)
        carried = {s.article_id: frozenset(s.outlets) & set(known) for s in pool}
        chosen = self.gate.choose(signals, carried)
        cited = set(chosen)
        sentences = pool  # every candidate sentence, for the one beside the lead's first
        pool = [s for s in pool if s.article_id in cited and not s.words.isdisjoint(weights)]
        top = max(p.score for p in passages) or 1.0
        state = _Selection(
            set(known), weights, total, _timeliness(question, pool, self.settings.near_days)
        )
        self._lead(question, pool, state, top)
        if not state.chosen:
            return self._abstain(question, passages, unknown)
        verdict = assess(
            question,
            state.chosen,
            pool,
            relevance=max((p.dense_score for p in passages), default=0.0),
            count=self.count_matches,
            chunks=self.chunks,
            similarity=self.similarity,
        )
        if (
            verdict.probability < max(self._threshold(question), self.settings.min_confidence)
            or verdict.signals.rare_cited < MIN_RARE_CITED
        ):
            why = what_is_missing(question, verdict) or unknown
            return self._abstain(question, passages, why, verdict.probability)
        # the reader reads the articles the coverage lead drew on: they hold the question's
        # terms and carry retrieval's and the asking day's preferences
        drawn = {s.article_id for s in state.chosen}
        cited_sentences = [s for s in sentences if s.article_id in drawn]
        context = ReadingContext(weights, total, top, state.timeliness, tuple(state.chosen))
        if self.record is not None:
            self.record(question, cited_sentences, context, verdict.probability)
        if self.reader is not None:
            readings = read(self.reader, question, cited_sentences, context, self.similarity)
            confidence = self.reader.confidence(verdict.probability, readings)
            lead, support = self._read_lead(question, readings, state, sentences, pool, chosen)
            accounts = self._differing(question, sentences, context)
            if accounts:
                lead, support = _with_accounts(lead, support, accounts)
            answer = self._finish(question, lead, support, passages, confidence, everywhere)
            return with_disagreement(answer, accounts) if accounts else answer
        lead = list(state.chosen)
        beside = _answer_beside(question, lead[0], sentences)
        if beside is not None and not state.repeats(beside, self.settings.duplicate_overlap):
            state.add(beside)
            lead.insert(1, beside)
        support = self._support(pool, state, chosen)
        return self._finish(question, lead, support, passages, verdict.probability, everywhere)

    def _finish(
        self,
        question: Question,
        lead: list[Sentence],
        support: list[Sentence],
        passages: list[Passage],
        confidence: float,
        sentences: list[Sentence],
    ) -> Answer:
        """The answer from its lead and support; a yes/no question's opens with its verdict,
        and the sentences the verdict rests on (each dated report's) lead."""
        ruling = None
        if self.settings.verdicts and question.yes_no is not None:
            bar = self.settings.verdict_bar
            if bar is None:
                model = self.verdict_model
                bar = model.bar if model is not None else DEFAULT_BAR
            ruling = decide(question, lead, confidence, sentences, self.verdict_model, bar)
        reasons = ruling.reasons if ruling is not None else []
        if reasons:
            first = {(s.article_id, s.start) for s in reasons}
            lead = [
                *reasons,
                *_in_order(question, [s for s in lead if (s.article_id, s.start) not in first]),
            ]
            support = [s for s in support if (s.article_id, s.start) not in first]
        else:
            lead = _in_order(question, lead)
        answer = replace(
            _answer(question.text, lead, support, passages), confidence=round(confidence, 3)
        )
        return with_verdict(answer, ruling, question) if ruling is not None else answer

    def _differing(
        self, question: Question, sentences: list[Sentence], context: ReadingContext
    ) -> list[Account]:
        """Values of the kind asked for that the candidate articles' best readings differ on
        (the reader reads every candidate article here, not only the cited ones)."""
        settings = self.settings
        if not settings.disagreement or self.reader is None or asked_kind(question) is None:
            return []
        if question.yes_no is not None:
            return []
        readings = read(self.reader, question, sentences, context, self.similarity)
        texts: dict[str, list[str]] = {}
        for s in sentences:
            texts.setdefault(s.article_id, []).append(s.text)
        articles = {a: " ".join(t) for a, t in texts.items()}
        return find_disagreement(
            question,
            readings,
            articles,
            settings.disagreement_margin,
            settings.disagreement_floor,
            settings.disagreement_overlap,
        )

    @property
    def gate(self) -> SourceGate:
        """Which candidate articles are cited, at the settings' thresholds."""
        return SourceGate(self.settings.cite_threshold, self.settings.cite_named_threshold)

    def _abstain(
        self,
        question: Question,
        passages: list[Passage],
        why: list[str] | tuple[str, ...],
        confidence: float = 0.0,
    ) -> Answer:
        """An abstention saying why; when the outlets the question names have nothing on its
        topic and other outlets do, that is the reason given."""
        if self.match_outlets is not None and question.outlets.known:
            why = outlet_coverage(question, self.match_outlets) or why
        return abstain_answer(question.text, passages, why, confidence)

    def _read_lead(
        self,
        question: Question,
        readings: list[Reading],
        greedy: _Selection,
        sentences: list[Sentence],
        pool: list[Sentence],
        chosen: list[str],
    ) -> tuple[list[Sentence], list[Sentence]]:
        """The lead: the reader's best sentence, the best reading from each further claim's
        outlets, the coverage lead's first sentence, then the next readings, `lead_readings`
        in all (the sentence beside the first when it lacks the kind of answer asked for and
        there is room). The coverage lead's other sentences and each article's best follow
        as support."""
        state = _Selection(greedy.named, greedy.weights, greedy.total, greedy.timeliness)
        best = readings[0]
        state.add(best.sentence)
        for claim in question.claims[1:] if len(question.claims) > 1 else ():
            named = set(claim.outlets)
            if not named or any(named & set(s.outlets) for s in state.chosen):
                continue
            pick = next((r for r in readings if named & set(r.sentence.outlets)), None)
            if len(state.chosen) >= self.lead_readings:
                break
            if pick is not None and not state.repeats(
                pick.sentence, self.settings.duplicate_overlap
            ):
                state.add(pick.sentence)
        first = greedy.chosen[0]
        room = len(state.chosen) < self.lead_readings
        if self.keep_coverage_first and room and first.words not in state.seen:
            state.add(first)  # the coverage lead's first sentence holds most of the question
        for r in readings[1:]:
            if len(state.chosen) >= self.lead_readings or best.logit - r.logit > self.second_margin:
                break
            if r.sentence.words not in state.seen and not state.repeats(
                r.sentence, self.settings.duplicate_overlap
            ):
                state.add(r.sentence)
        lead = list(state.chosen)
        beside = (
            _answer_beside(question, lead[0], sentences) if len(lead) < self.lead_readings else None
        )
        if beside is not None and beside.words not in state.seen:
            state.add(beside)
            lead.insert(1, beside)
        for s in greedy.chosen:
            if len(state.chosen) >= self.settings.max_sentences:
                break
            if s.words not in state.seen and not state.repeats(s, self.settings.duplicate_overlap):
                state.add(s)
        return lead, state.chosen[len(lead) :] + self._support(pool, state, chosen)

    def _threshold(self, question: Question) -> float:
        if self.settings.abstain_threshold is not None:
            return self.settings.abstain_threshold
        return threshold_for(question, follows_up=bool(self.focus))

    def _lead(
        self, question: Question, pool: list[Sentence], state: _Selection, top: float
    ) -> None:
        """Greedy: add the sentence with the largest gain while one adds at least `lead_gain`."""
        while len(state.chosen) < self.settings.max_sentences:
            best, best_gain = None, self.settings.lead_gain
            for s in pool:
                if (
                    state.per_article[s.article_id] >= self.settings.per_article
                    or s.words in state.seen
                ):
                    continue
                fresh = state.fresh_outlets(s)
                gain = self._gain(s, state, question, top, fresh)
                if gain is None or gain <= best_gain:
                    continue
                if not fresh and state.repeats(s, self.settings.duplicate_overlap):
                    continue  # says what a chosen sentence already says
                best, best_gain = s, gain
            if best is None:
                break
            state.add(best)

    def _support(
        self, pool: list[Sentence], state: _Selection, chosen: list[str]
    ) -> list[Sentence]:
        """Each cited article's next best sentences (share of question terms), in article
        order, until it has `per_article` or the answer has `max_sentences`; articles the gate
        chose that the lead left out follow, most probable first."""
        added: list[Sentence] = []
        ranked = sorted(pool, key=lambda s: -state.share(s.words))
        for article_id in dict.fromkeys([*(s.article_id for s in state.chosen), *chosen]):
            picks = []
            for s in ranked:
                if len(state.chosen) >= self.settings.max_sentences:
                    break
                if s.article_id != article_id or s.words in state.seen:
                    continue
                if state.per_article[article_id] >= self.settings.per_article:
                    break
                if state.repeats(s, self.settings.duplicate_overlap):
                    continue
                state.add(s)
                picks.append(s)
            added += sorted(picks, key=lambda s: s.start)
        return added

    def _gain(
        self,
        s: Sentence,
        state: _Selection,
        question: Question,
        top: float,
        fresh: set[str],
    ) -> float | None:
        """New question terms covered, plus retrieval prior and bonuses; None: adds nothing."""
        gain = state.share(s.words - state.covered)
        if fresh:  # the best sentence of each outlet asked about, even if repetitive
            gain = max(gain, 0.5 * state.share(s.words))
        if gain <= 0:
            return None
        prior = s.passage.score / top * (1.0 if s.in_passage else 0.6)
        prior += 0.5 if s.article_id in self.focus else 0.0
        gain += self.settings.prior_weight * prior / (1 + s.rank)
        if question.days and question.published_on_named_day(s.passage.published_at):
            gain += self.settings.date_bonus
        kind = question.expected_type
        if kind and has_answer_type(s.text, kind, question.lowered):
            gain += self.settings.type_bonus
        if fresh:
            gain += self.settings.outlet_bonus
        gain += self.settings.recency_bonus * state.timeliness.get(s.article_id, 0.0)
        return gain


@dataclass
class _Selection:
    """The sentences chosen so far: the terms, outlets and articles they already cover."""

    named: set[str]
    weights: dict[str, float]
    total: float
    timeliness: dict[str, float]  # article id → 0..1: its newness or nearness to the day asked
    chosen: list[Sentence] = field(default_factory=list)
    covered: set[str] = field(default_factory=set)
    outlets: set[str] = field(default_factory=set)
    per_article: Counter[str] = field(default_factory=Counter)
    seen: set[frozenset[str]] = field(default_factory=set)

    def share(self, words: Iterable[str]) -> float:
        """IDF-weighted share of the question's terms among `words`."""
        weights = self.weights
        return math.fsum(weights[w] for w in weights.keys() & set(words)) / self.total

    def fresh_outlets(self, s: Sentence) -> set[str]:
        """Outlets the question asks about that `s` would be the first to cite."""
        return (set(s.outlets) & self.named) - self.outlets

    def repeats(self, s: Sentence, overlap: float) -> bool:
        """Does `s` share at least `overlap` of its terms (Jaccard) with a chosen sentence?"""
        return any(_overlap(s.words, c.words) >= overlap for c in self.chosen)

    def add(self, s: Sentence) -> None:
        self.chosen.append(s)
        self.covered |= s.words & self.weights.keys()
        self.outlets |= set(s.outlets)
        self.per_article[s.article_id] += 1
        self.seen.add(s.words)


def _with_accounts(
    lead: list[Sentence], support: list[Sentence], accounts: list[Account]
) -> tuple[list[Sentence], list[Sentence]]:
    """The lead with each differing value's best sentence in it, after the first."""
    key = {(s.article_id, s.start) for s in lead}
    stating = [a.sentences[0] for a in accounts]
    added = [s for s in stating if (s.article_id, s.start) not in key]
    moved = {(s.article_id, s.start) for s in added}
    lead = [*lead[:1], *added, *lead[1:]]
    return lead, [s for s in support if (s.article_id, s.start) not in moved]


def _in_order(question: Question, lead: list[Sentence]) -> list[Sentence]:
    """How things stand now: the latest statement first; order in time: by date."""
    if question.latest:
        return sorted(lead, key=lambda s: (s.passage.published_at or "", -s.start), reverse=True)
    if question.temporal:
        return sorted(lead, key=lambda s: (s.passage.published_at or "", s.start))
    return lead


def _answer_beside(
    question: Question, first: Sentence, sentences: list[Sentence]
) -> Sentence | None:
    """When the lead's first sentence echoes the question but lacks the kind of answer it
    asks for (a name, a number, a date), the sentence just before or after it in the same
    article that holds one ("Netflix renewed the wildly popular show" follows "“Squid Game”
    is officially coming back")."""
    kind = question.expected_type
    if kind is None or _names_what_is_asked(question, first):
        return None
    same = [s for s in sentences if s.article_id == first.article_id]
    before = max((s for s in same if s.end <= first.start), key=lambda s: s.start, default=None)
    after = min((s for s in same if s.start >= first.end), key=lambda s: s.start, default=None)
    for s in (before, after):
        if s is not None and has_answer_type(s.text, kind, question.lowered):
            return s
    return None


def _names_what_is_asked(question: Question, s: Sentence) -> bool:
    """Does `s` hold the kind of answer asked for, rather than only refer to it ("the wildly
    popular South Korean show" for "which show …?": the sentence naming it is nearby)?"""
    if not has_answer_type(s.text, question.expected_type, question.lowered):
        return False
    noun = question.asked_noun
    refers = noun and re.search(rf"\bthe (?:[\w-]+ ){{0,4}}{re.escape(noun)}s?\b", s.text.lower())
    return not refers


def _timeliness(question: Question, pool: list[Sentence], near_days: float) -> dict[str, float]:
    """Each article's lead bonus share: for how-things-stand questions, its place in time
    (newest 1); for questions asked on a known day, its nearness to that day; else none."""
    if question.latest:
        return _recency(pool)
    if question.asked_on is not None:
        dated = ((s.article_id, s.passage.published_at) for s in pool)
        return recency_prior(dated, near_days, question.asked_on)
    return {}


def _recency(pool: list[Sentence]) -> dict[str, float]:
    """Each article's place in time among the pool's articles: 0 the oldest, 1 the newest."""
    dated = sorted({(s.passage.published_at or "", s.article_id) for s in pool})
    if len(dated) < 2:
        return {}
    return {article_id: i / (len(dated) - 1) for i, (_, article_id) in enumerate(dated)}


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap of two sentences' terms."""
    return len(a & b) / (len(a | b) or 1)


def _answer(
    question: str, lead: list[Sentence], support: list[Sentence], passages: list[Passage]
) -> Answer:
    """The lead sentences, then the supporting ones as a second paragraph; each sentence ends
    with [n], and n follows the first appearance of its article."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    paragraphs: list[str] = []
    for group in (lead, support):
        parts: list[str] = []
        for s in group:
            p = s.passage
            n = numbers.setdefault(p.article_id, len(numbers) + 1)
            parts.append(f"{s.text} [{n}]")
            citations.append(
                Citation(
                    n,
                    p.article_id,
                    p.title,
                    p.source,
                    p.published_at,
                    p.url,
                    s.text,
                    s.start,
                    s.end,
                    s.outlets,
                )
            )
        if parts:
            paragraphs.append(" ".join(parts))
    return Answer(
        question, "\n\n".join(paragraphs), citations, passages, abstained=False, lead=len(lead)
    )
