"""Which articles an answer cites: the calibrated source gate."""

from __future__ import annotations

from dataclasses import replace

from newsqa.answering.source_selection import SourceGate, SourceSignals

STRONG = SourceSignals(
    inverse_rank=1.0,
    score_ratio=1.0,
    dense=0.6,
    best_sentence_ratio=1.0,
    best_sentence=0.7,
    article_coverage=0.9,
    claim_winner=1.0,
    named_outlet=1.0,
    new_named_outlet=1.0,
    named_day=0.0,
    passages=1.0,
    first=1.0,
)
# A fourth-ranked article that matches little of the question and won no claim.
WEAK = replace(
    STRONG,
    inverse_rank=0.25,
    score_ratio=0.4,
    dense=0.2,
    best_sentence_ratio=0.2,
    best_sentence=0.1,
    article_coverage=0.3,
    claim_winner=0.0,
    new_named_outlet=0.0,
    passages=1 / 3,
    first=0.0,
)


def test_strong_evidence_is_cited_and_weak_is_not() -> None:
    gate = SourceGate()
    assert gate.probability(STRONG) > 0.9 > 0.1 > gate.probability(WEAK)
    assert gate.choose({"strong": STRONG, "weak": WEAK}, {}) == ["strong"]


def test_the_most_probable_article_is_cited_even_when_all_are_weak() -> None:
    weaker = replace(WEAK, dense=0.0)
    assert SourceGate().choose({"a": weaker, "b": WEAK}, {}) == ["b"]


def test_each_outlet_asked_about_gets_its_best_article_when_plausible() -> None:
    gate = SourceGate()
    second = replace(WEAK, claim_winner=1.0, best_sentence_ratio=0.7, new_named_outlet=1.0)
    p = gate.probability(second)
    assert gate.named_threshold <= p < gate.threshold  # not cited on its own merits
    outlets = {"courier": frozenset({"Courier"}), "daily": frozenset({"Daily"})}
    assert gate.choose({"courier": STRONG, "daily": second}, outlets) == ["courier", "daily"]
    # Without the question naming that outlet, the same article stays uncited.
    assert gate.choose({"courier": STRONG, "daily": second}, {}) == ["courier"]
