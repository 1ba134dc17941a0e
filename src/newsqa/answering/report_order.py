"""Which of two reports came first: each side's article found among the candidates by its
outlet and words, and their publication dates compared (the articles' own metadata)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from newsqa.answering.sentence_scoring import Sentence
from newsqa.question import QUESTION_FRAME, ReportSide, TimeOrder
from newsqa.text.words import terms


@dataclass(frozen=True)
class DatedReport:
    """One side's article: the sentence that best says what the side says, and its date."""

    sentence: Sentence
    published: datetime
    outlet: str


@dataclass(frozen=True)
class ReportOrder:
    """Both sides found and dated: did the first come before the second?"""

    first: DatedReport
    second: DatedReport

    @property
    def first_is_earlier(self) -> bool:
        return self.first.published < self.second.published

    def answers_yes(self, order: TimeOrder) -> bool:
        """The question's answer: the dates' order, turned round for "after" and for "fail to"."""
        yes = self.first_is_earlier == order.before
        return yes != order.negated


def report_order(order: TimeOrder, sentences: Sequence[Sentence]) -> ReportOrder | None:
    """Each side's best-matching dated article (two different articles), or None when a side
    has none or both carry the same moment."""
    first = best_report(order.first, sentences, exclude="")
    if first is None:
        return None
    # "… after The Verge's?": the second side is about what the first is about
    fallback = side_terms(order.first)
    second = best_report(order.second, sentences, first.sentence.article_id, fallback)
    if second is None or second.published == first.published:
        return None
    return ReportOrder(first, second)


def published(value: str | None) -> datetime | None:
    """An ISO date or timestamp as an aware datetime (dates alone at midnight UTC)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def side_terms(side: ReportSide) -> frozenset[str]:
    """What one side says: its words and pairs, without the question's frame or outlets."""
    left_out = QUESTION_FRAME | terms(" ".join(side.outlets), pairs=False)
    return frozenset(t for t in terms(side.text) if not set(t.split()) & left_out)


def best_report(
    side: ReportSide,
    sentences: Sequence[Sentence],
    exclude: str = "",
    fallback: frozenset[str] = frozenset(),
) -> DatedReport | None:
    """The sentence from the side's outlets sharing most of the side's words (`fallback`
    when it names nothing but its outlet; an article earlier in the ranking wins a tie)."""
    wanted = side_terms(side) or fallback
    outlets = set(side.outlets)
    best: tuple[float, int, Sentence] | None = None
    for s in sentences:
        if s.article_id == exclude or not outlets & set(s.outlets or (s.passage.source,)):
            continue
        if published(s.passage.published_at) is None:
            continue
        score = len(s.words & wanted) / (len(wanted) or 1)
        key = (score, -s.rank)
        if best is None or key > best[:2]:
            best = (score, -s.rank, s)
    if best is None or best[0] <= 0:
        return None
    sentence = best[2]
    outlet = next((o for o in (sentence.outlets or (sentence.passage.source,)) if o in outlets), "")
    moment = published(sentence.passage.published_at)
    assert moment is not None
    return DatedReport(sentence, moment, outlet or sentence.passage.source)
