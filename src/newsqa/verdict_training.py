"""`newsqa train-verdicts`: the verdict model fitted on MultiHop-RAG dev's yes/no questions
(half 0), its bar chosen by cross-fitting, and the cross-fit checks (by type, held-out half)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsqa.answering.verdict_model import (
    FEATURES,
    VerdictEvidence,
    VerdictModel,
    features,
)
from newsqa.api import NewsQA, asked_day
from newsqa.evaluation import YES_NO, EvalQuery, half

L2 = 1.0
# the bar: a verdict is shown when its calibrated probability reaches the precision aimed at
# (the held-out half checks the calibration: docs/quality.md, "Verdicts")
TARGET_PRECISION = 0.85
CURVE = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)  # bars the held-out report shows


@dataclass(frozen=True)
class VerdictExample:
    """One yes/no question as asked: its gold answer, the model's inputs (None when the
    answer abstained) and, for which-came-first questions, whether the dates were right."""

    query: str
    question_type: str
    yes: bool
    evidence: VerdictEvidence | None  # what the answer found (None: it abstained)
    by_dates: bool  # a which-came-first question
    dates_right: bool | None  # None: a side was not found (no verdict from dates)

    @property
    def values(self) -> tuple[float, ...] | None:
        """The model's inputs."""
        if self.evidence is None:
            return None
        return tuple(features(self.query, self.evidence))

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VerdictExample:
        found = data["evidence"]
        evidence = VerdictEvidence(**found) if found is not None else None
        return cls(**{**data, "evidence": evidence})

    @property
    def half(self) -> int:
        return half(self.query)


def collect(
    app: NewsQA,
    queries: Sequence[EvalQuery],
    progress: Callable[[Sequence[EvalQuery]], Iterable[EvalQuery]] | None = None,
) -> list[VerdictExample]:
    """Ask each yes/no question (every verdict shown: bar 0) and keep what the model reads."""
    examples = []
    analyser = app.reader().analyser
    for query in progress(queries) if progress else queries:
        gold = query.answer.strip().lower().rstrip(".")
        if gold not in YES_NO:
            continue
        answer = app.ask(query.query, asked_on=query.asked_on)
        if answer.verdict == "none":
            continue  # not read as a yes/no question
        by_dates = answer.verdict_basis == "dates"
        right = None
        if by_dates and answer.verdict in YES_NO:
            right = answer.verdict == gold
        evidence = None
        if not answer.abstained and not by_dates:
            question = analyser.analyse(query.query, asked_day(query.asked_on))
            named = question.outlets.known
            cited = {o for c in answer.lead_citations for o in (c.outlets or (c.source,))}
            evidence = VerdictEvidence(
                answer.confidence,
                tuple(c.sentence for c in answer.lead_citations),
                len(named),
                len(set(named) & cited),
            )
        examples.append(
            VerdictExample(
                query.query, query.question_type, gold == "yes", evidence, by_dates, right
            )
        )
    return examples


def fit(examples: Sequence[VerdictExample]) -> tuple[np.ndarray, float]:
    """Logistic regression (Newton, L2 on the weights) on the examples with inputs."""
    rows = [e for e in examples if e.values is not None]
    x = np.array([e.values for e in rows], dtype=float).reshape(len(rows), len(FEATURES))
    y = np.array([e.yes for e in rows], dtype=float)
    x = np.hstack([np.ones((len(rows), 1)), x])
    w = np.zeros(x.shape[1])
    penalty = np.diag([0.0] + [L2] * len(FEATURES))
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + penalty @ w
        hess = (x * (p * (1 - p))[:, None]).T @ x + penalty + 1e-6 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[1:], float(w[0])


def model_of(weights: np.ndarray, bias: float, bar: float, date_precision: float) -> VerdictModel:
    return VerdictModel(
        tuple(round(float(v), 6) for v in weights), round(bias, 6), bar, date_precision
    )


def scores(model: VerdictModel, examples: Sequence[VerdictExample], bar: float) -> dict[str, float]:
    """Verdict precision and coverage over `examples` at `bar` (dates where they settle it)."""
    given = right = 0
    for e in examples:
        if e.by_dates:
            if e.dates_right is not None and model.date_precision >= bar:
                given += 1
                right += e.dates_right
            continue
        if e.values is None:
            continue
        p = model.probability_yes(e.values)
        if max(p, 1 - p) >= bar:
            given += 1
            right += (p >= 0.5) == e.yes
    return {
        "questions": len(examples),
        "given": given,
        "coverage": round(given / len(examples), 3) if examples else 0.0,
        "precision": round(right / given, 3) if given else 0.0,
    }


def date_precision(examples: Sequence[VerdictExample]) -> float:
    settled = [e.dates_right for e in examples if e.dates_right is not None]
    return round(sum(settled) / len(settled), 3) if settled else 0.0


def train(examples: Sequence[VerdictExample]) -> tuple[VerdictModel, dict[str, object]]:
    """Fit on half 0; report on half 1 by type and by bar, and the cross-fit between
    comparison and temporal questions."""
    train_half = [e for e in examples if e.half == 0]
    held_out = [e for e in examples if e.half == 1]
    dates = date_precision(train_half)
    bar = TARGET_PRECISION
    weights, bias = fit(train_half)
    model = model_of(weights, bias, bar, dates)
    types = sorted({e.question_type for e in examples})
    report: dict[str, object] = {
        "bar": bar,
        "date_precision_half0": dates,
        "held_out_half1": {
            "all": scores(model, held_out, bar),
            **{t: scores(model, [e for e in held_out if e.question_type == t], bar) for t in types},
            "which_came_first": scores(model, [e for e in held_out if e.by_dates], bar),
        },
    }
    cross: dict[str, object] = {}
    for source in types:
        fitted_on = [e for e in examples if e.question_type == source]
        w, b = fit(fitted_on)
        crossed = model_of(w, b, bar, dates)
        for target in types:
            if target != source:
                checked = [e for e in examples if e.question_type == target]
                cross[f"{source} -> {target}"] = scores(crossed, checked, bar)
    report["cross_fit"] = cross
    report["held_out_by_bar"] = {
        str(b): scores(model, [e for e in held_out if not e.by_dates], b) for b in CURVE
    }
    return model, report


def save(model: VerdictModel, path: Path) -> None:
    path.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")


def save_examples(examples: Sequence[VerdictExample], path: Path) -> None:
    """The asked questions and what their answers found, to refit without asking again."""
    rows = [e.to_dict() for e in examples]
    path.write_text(json.dumps(rows, ensure_ascii=False) + "\n", encoding="utf-8")


def load_examples(path: Path) -> list[VerdictExample]:
    return [VerdictExample.from_dict(row) for row in json.loads(path.read_text("utf-8"))]
