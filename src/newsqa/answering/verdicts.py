"""Verdicts for yes/no questions: "Yes", "No" or "The articles don't settle this", from two
reports' dates when the question asks which came first, else from the verdict model, and
shown only when its probability clears the bar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC

from newsqa.answering.report_order import DatedReport, ReportOrder, best_report, report_order
from newsqa.answering.sentence_scoring import Sentence
from newsqa.answering.verdict_model import VerdictEvidence, VerdictModel, features
from newsqa.question import Question
from newsqa.records import ABSTAIN_TEXT, NO_VERDICT_TEXT, UNSETTLED_TEXT, Answer, Citation

DATE_PRECISION = 0.9  # a verdict from dates when no model is shipped (measured: see docs)


@dataclass(frozen=True)
class Verdict:
    """What the evidence settles: the verdict, its probability, and for an order question the
    two dated reports (their sentences lead the answer)."""

    kind: str  # "yes", "no" or "unsettled"
    probability: float  # calibrated probability that the yes or no is right
    order: ReportOrder | None = None  # both sides of an order question, found and dated
    found: tuple[DatedReport, ...] = ()  # an order question's sides found (when not both)
    basis: str = "model"  # "dates" for a which-came-first question, else "model"

    @property
    def reasons(self) -> list[Sentence]:
        """Sentences that must open the lead: each dated report's."""
        if self.order is not None:
            return [self.order.first.sentence, self.order.second.sentence]
        return [r.sentence for r in self.found]


def decide(
    question: Question,
    lead: Sequence[Sentence],
    confidence: float,
    sentences: Sequence[Sentence],
    model: VerdictModel | None,
    bar: float,
) -> Verdict:
    """The verdict on a yes/no question (`question.yes_no` is set)."""
    form = question.yes_no
    assert form is not None
    if form.order is not None:
        dated = report_order(form.order, sentences)
        if dated is None:
            return Verdict("unsettled", 0.0, found=_one_side(question, sentences), basis="dates")
        probability = model.date_precision if model is not None else DATE_PRECISION
        kind = "yes" if dated.answers_yes(form.order) else "no"
        kind = kind if probability >= bar else "unsettled"
        return Verdict(kind, probability, dated, basis="dates")
    if model is None:
        return Verdict("unsettled", 0.0)
    cited = {o for s in lead for o in (s.outlets or (s.passage.source,))}
    named = question.outlets.known
    evidence = VerdictEvidence(
        confidence, tuple(s.text for s in lead), len(named), len(set(named) & cited)
    )
    p_yes = model.probability_yes(features(question.asked or question.text, evidence))
    probability = max(p_yes, 1.0 - p_yes)
    if probability < bar:
        return Verdict("unsettled", probability)
    return Verdict("yes" if p_yes >= 0.5 else "no", probability)


def with_verdict(answer: Answer, verdict: Verdict, question: Question) -> Answer:
    """`answer` opening with the verdict's line (its [n] from the answer's own citations)."""
    numbers = {c.article_id: c.n for c in answer.citations}
    line = verdict_line(verdict, question, numbers)
    if verdict.kind == "unsettled" and verdict.order is None and not verdict.found:
        # a named outlet with nothing on it: the articles don't settle it; else the model
        # was not sure enough, which says nothing about the articles
        missing = bool(_unheard(question, answer.citations))
        opening = UNSETTLED_TEXT if missing else NO_VERDICT_TEXT
        line = f"{opening} {each_side(question, answer.citations)}"
    return replace(
        answer,
        text=f"{line}\n\n{answer.text}" if answer.text else line,
        verdict=verdict.kind,
        verdict_line=line,
        verdict_probability=round(verdict.probability, 3),
        verdict_basis=verdict.basis,
    )


def unsettled_abstention(answer: Answer) -> Answer:
    """An abstention on a yes/no question: the articles don't settle it, and why."""
    reason = answer.text.removeprefix(ABSTAIN_TEXT).strip()
    return replace(
        answer,
        text=f"{UNSETTLED_TEXT} {reason}".strip(),
        verdict="unsettled",
        verdict_line=UNSETTLED_TEXT,
    )


def verdict_line(verdict: Verdict, question: Question, numbers: dict[str, int]) -> str:
    """ "Yes: the Engadget report (9 Nov 2023) [1] came out before Polygon's (17 Nov 2023) [2]."
    or "No." or what the articles don't settle."""
    order = verdict.order
    if order is not None:
        first, second = order.first, order.second
        relation = "before" if order.first_is_earlier else "after"
        same_day = first.published.date() == second.published.date()
        dates = (
            f"the {first.outlet} report ({_when(first, same_day)}) {_cite(first, numbers)} "
            f"came out {relation} {_possessive(second.outlet)} ({_when(second, same_day)}) "
            f"{_cite(second, numbers)}"
        )
        if verdict.kind == "unsettled":
            return f"{UNSETTLED_TEXT} By their dates, {dates}."
        return f"{verdict.kind.capitalize()}: {dates}."
    if verdict.kind != "unsettled":
        return f"{verdict.kind.capitalize()}."
    form = question.yes_no
    if form is not None and form.order is not None:
        return _sides_found(form.order.first.outlets, form.order.second.outlets, verdict, numbers)
    return UNSETTLED_TEXT


def each_side(question: Question, citations: Sequence[Citation]) -> str:
    """What each outlet the question names was found saying: "What each side found: The
    Verge [1]; TechCrunch [2]; nothing from Polygon." (no outlets named: the quotes below)."""
    named = question.outlets.known
    if not named:
        return "What the articles say is quoted below."
    parts = []
    for outlet in named:
        ns = sorted({c.n for c in citations if outlet in (c.outlets or (c.source,))})
        parts.append(
            f"{outlet} " + " ".join(f"[{n}]" for n in ns) if ns else f"nothing from {outlet}"
        )
    return "What each side found: " + "; ".join(parts) + "."


def _unheard(question: Question, citations: Sequence[Citation]) -> list[str]:
    """The outlets the question names that no cited article comes from."""
    cited = {o for c in citations for o in (c.outlets or (c.source,))}
    return [outlet for outlet in question.outlets.known if outlet not in cited]


def _sides_found(
    first: tuple[str, ...],
    second: tuple[str, ...],
    verdict: Verdict,
    numbers: dict[str, int],
) -> str:
    found = {r.outlet: r for r in verdict.found}
    parts = []
    for outlets in (first, second):
        report = next((found[o] for o in outlets if o in found), None)
        name = " or ".join(outlets)
        if report is None:
            parts.append(f"no {name} report on this was found")
        else:
            when = _when(report, False)
            parts.append(f"{_possessive(report.outlet)} is dated {when} {_cite(report, numbers)}")
    return f"{UNSETTLED_TEXT} Of the two reports, {parts[0]}; {parts[1]}."


def _one_side(question: Question, sentences: Sequence[Sentence]) -> tuple[DatedReport, ...]:
    """An order question's sides that were found when not both were (for saying which)."""
    form = question.yes_no
    assert form is not None and form.order is not None
    found = []
    for side in (form.order.first, form.order.second):
        report = best_report(side, sentences, exclude="")
        if report is not None and all(
            r.sentence.article_id != report.sentence.article_id for r in found
        ):
            found.append(report)
    return tuple(found)


def _when(report: DatedReport, with_time: bool) -> str:
    moment = report.published.astimezone(UTC)
    day = f"{moment.day} {moment:%b %Y}"
    return f"{day}, {moment:%H:%M} UTC" if with_time else day


def _cite(report: DatedReport, numbers: dict[str, int]) -> str:
    n = numbers.get(report.sentence.article_id)
    return f"[{n}]" if n is not None else ""


def _possessive(outlet: str) -> str:
    return f"{outlet}’" if outlet.endswith("s") else f"{outlet}’s"
