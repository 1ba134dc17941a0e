"""Training the reader: candidate sentences of benchmark and cloze questions, two logistic fits."""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from newsqa.answering.composer import Composer
from newsqa.answering.reader import (
    FULL,
    LEXICAL,
    ReaderModel,
    ReaderWeights,
    ReadingContext,
    lexical_features,
    similar_features,
)
from newsqa.answering.sentence_scoring import Sentence
from newsqa.api import NewsQA, asked_day
from newsqa.evaluation import YES_NO, EvalQuery, fact_covered, half
from newsqa.question import Question
from newsqa.text.sentences import split_sentences

COSINE_CAP = 40  # candidates per question whose embedding cosine is computed (by share)
SHORTLIST = 8
LEAD_MARGIN = Composer.second_margin  # the composer's lead: readings this close to the best
LEAD_READINGS = Composer.lead_readings
L2 = 1.0


@dataclass
class Example:
    """One answered question's candidate sentences: signals, labels, the answer check."""

    query: str
    group: int  # 0 or 1: the cross-fitting half (by a hash of the question)
    source: str  # "multihop" or "cloze"
    check: float  # the answer check's probability
    scored: bool  # the gold answer is a string to find (not yes/no): the lead can be right
    lexical: list[list[float]] = field(default_factory=list)
    cosine: list[float | None] = field(default_factory=list)
    label: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def fold(query: str) -> int:
    """The question's cross-fitting fold within the training data (another bit of the hash)."""
    return hashlib.sha256(query.encode("utf-8")).digest()[0] >> 1 & 1


def cloze_questions(
    articles: Iterable[tuple[str, str | None]], limit: int, seed: int = 13
) -> list[EvalQuery]:
    """Quiz-style questions made from (body, published_at) of articles: a sentence that
    opens with a name ("Xi Jinping attended …") asks "Who attended …?"; one holding a number
    ("… laid off 1,200 workers") asks "… how many workers?". The removed name or number is
    the answer; the question is asked on the article's day, as a news quiz is."""
    name = re.compile(r"^([A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2})\s+([a-z].{30,200})\.$")
    number = re.compile(r"^(.{25,}?)\b(\d[\d,.]*)\s+([a-z]+)\b(.*)\.$")
    found: list[EvalQuery] = []
    for body, published_at in articles:
        day = (published_at or "")[:10] or None
        for s in split_sentences(body):
            text = s.text.strip()
            m = name.match(text)
            if m:
                found.append(
                    EvalQuery(f"Who {m.group(2)}?", m.group(1), "cloze_query", (), False, day)
                )
                continue
            m = number.match(text)
            amount = m.group(2).rstrip(",.") if m else ""
            if m and len(amount) > 1 and not re.fullmatch(r"(19|20)\d\d", amount):
                q = f"{m.group(1)}how many {m.group(3)}{m.group(4)}?"
                found.append(EvalQuery(q, amount, "cloze_query", (), False, day))
    random.Random(seed).shuffle(found)
    return found[:limit]


def collect(
    app: NewsQA,
    queries: Sequence[EvalQuery],
    source: str,
    progress: Callable[[Sequence[EvalQuery]], Iterable[EvalQuery]] | None = None,
) -> list[Example]:
    """Ask each question as `ask` does (greedy lead, answer check) and keep its candidate
    sentences' signals and labels, for the questions the answer check lets through."""
    reader = app.reader()
    examples: list[Example] = []
    for query in progress(queries) if progress else queries:
        recorded: list[tuple[Question, list[Sentence], ReadingContext, float]] = []
        analysed = reader.analyser.analyse(query.query, asked_day(query.asked_on))
        passages = reader.retriever.search(analysed, app.settings.top_k)
        composer = Composer(
            app.composing,
            library=reader.store.catalogue,
            count_matches=reader.count_matches,
            chunks=reader.chunks,
            similarity=reader.similarity,
            reader=None,
            record=lambda *args: recorded.append(args),  # noqa: B023 - used at once
        )
        answer = composer.compose(analysed, passages)
        if answer.abstained or not recorded:
            continue
        question, sentences, context, check = recorded[0]
        gold = query.answer.strip().lower()
        scored = gold.rstrip(".") not in YES_NO
        rows = lexical_features(question, sentences, context)
        labels = [_label(s.text, gold, scored, query.facts) for s in sentences]
        by_share = sorted(range(len(sentences)), key=lambda i: -rows[i][0])[:COSINE_CAP]
        cosines: list[float | None] = [None] * len(sentences)
        values = reader.similarity(question.search_texts[0], [sentences[i].text for i in by_share])
        for i, c in zip(by_share, values, strict=True):
            cosines[i] = float(c)
        examples.append(
            Example(
                query.query,
                half(query.query),
                source,
                check,
                scored,
                [list(r) for r in rows],
                cosines,
                labels,
                [s.text for s in sentences],
            )
        )
    return examples


def _label(text: str, gold: str, scored: bool, facts: Sequence[str]) -> int:
    """Does the sentence state the answer: it holds the gold answer (or, for yes/no
    questions, most of an evidence fact's words)?"""
    lowered = text.lower()
    if scored:
        return int(gold in lowered)
    return int(any(fact_covered(text, f) and fact_covered(f, text) for f in facts))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (standardised inputs)."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    penalty = np.full(d + 1, l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -30, 30)))
        grad = xb.T @ (p - y) + penalty * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w[:-1], float(w[-1])


Group = tuple[list[list[float]], list[int]]  # one question's candidates: signals, labels


def fit_weights(groups: Sequence[Group], names: Sequence[str], l2: float = L2) -> ReaderWeights:
    """A conditional (listwise) logit over each question's candidates: maximise the
    probability that the softmax of the scores falls on a sentence holding the answer
    (L2-regularised, standardised inputs; questions with no or only right candidates teach
    nothing and are left out)."""
    from scipy.optimize import minimize  # a dependency of sentence-transformers

    x_all = np.asarray([r for rows, _ in groups for r in rows], dtype=float)
    mean = x_all.mean(axis=0)
    scale = x_all.std(axis=0)
    scale[scale < 1e-9] = 1.0
    usable = [
        ((np.asarray(rows, dtype=float) - mean) / scale, np.asarray(labels) > 0)
        for rows, labels in groups
        if any(labels) and not all(labels)
    ]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.5 * l2 * float(w @ w), l2 * w
        for x, right in usable:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            mass = p[right].sum() + 1e-12
            total -= math.log(mass)
            grad = grad + p @ x - (p[right] @ x[right]) / mass
        return total, grad

    fitted = minimize(loss, np.zeros(len(names)), jac=True, method="L-BFGS-B")
    return ReaderWeights(
        tuple(names),
        tuple(_r(v) for v in mean),
        tuple(_r(v) for v in scale),
        tuple(_r(v) for v in fitted.x),
        0.0,
    )


def _r(v: float) -> float:
    return round(float(v), 6)


def fit_reader(examples: Sequence[Example]) -> ReaderModel:
    """The first model on every candidate, the second on the first's shortlist."""
    lexical = fit_weights([(e.lexical, e.label) for e in examples], LEXICAL)
    groups: list[Group] = []
    for e in examples:
        order, cos = _shortlist(lexical, e)
        rows = [e.lexical[i] + list(x) for i, x in zip(order, similar_features(cos), strict=True)]
        groups.append((rows, [e.label[i] for i in order]))
    full = fit_weights(groups, FULL)
    return ReaderModel(lexical, full, (1.0, 0.0, 0.0, 0.0), SHORTLIST)


def _shortlist(lexical: ReaderWeights, e: Example) -> tuple[list[int], list[float]]:
    first = lexical.logits(e.lexical)
    order = sorted(range(len(first)), key=lambda i: (-first[i], i))[:SHORTLIST]
    return order, [e.cosine[i] if e.cosine[i] is not None else 0.0 for i in order]


def ranked(model: ReaderModel, e: Example) -> list[tuple[float, int]]:
    """(logit, candidate index) of the shortlist, best first, as `reader.read` ranks them."""
    order, cos = _shortlist(model.lexical, e)
    full = [e.lexical[i] + list(x) for i, x in zip(order, similar_features(cos), strict=True)]
    logits = model.full.logits(full)
    return sorted(zip(logits, order, strict=True), key=lambda t: -t[0])


def lead_right(model: ReaderModel, e: Example) -> tuple[float, float, int]:
    """The best reading's score, its lead over the next, and whether the lead the composer
    would show holds the answer: the best reading, the coverage lead's first sentence, then
    the next readings within the composer's margin, `LEAD_READINGS` in all."""
    order = ranked(model, e)
    first = LEXICAL.index("coverage_order")
    lead = [order[0][1]]
    lead += [i for i, row in enumerate(e.lexical) if row[first] == 1.0 and i not in lead]
    for z, i in order[1:]:
        if len(lead) >= LEAD_READINGS or order[0][0] - z > LEAD_MARGIN:
            break
        if i not in lead:
            lead.append(i)
    gap = order[0][0] - order[1][0] if len(order) > 1 else 0.0
    return order[0][0], gap, int(any(e.label[i] for i in lead))


def calibrate(model: ReaderModel, cases: Sequence[tuple[float, float, float, int]]) -> ReaderModel:
    """Platt scaling: P(right) from logit(answer check), the best reading's score and gap."""
    x = np.asarray([[_logit(c), z, g] for c, z, g, _ in cases])
    y = np.asarray([r for *_, r in cases], dtype=float)
    w, b = fit_logistic(x, y, l2=1e-3)
    calibration = (_r(w[0]), _r(w[1]), _r(w[2]), _r(b))
    return ReaderModel(model.lexical, model.full, calibration, model.shortlist)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def cross_fitted(examples: Sequence[Example]) -> list[tuple[Example, float, float, int]]:
    """Each scored example's best score, gap and rightness from the reader fitted on the
    other half."""
    out = []
    for held in (0, 1):
        model = fit_reader([e for e in examples if fold(e.query) != held])
        for e in examples:
            if fold(e.query) == held and e.scored:
                out.append((e, *lead_right(model, e)))
    return out


def train(examples: Sequence[Example]) -> tuple[ReaderModel, dict[str, object]]:
    """Fit the reader on `examples`, calibrate its confidence on cross-fitted leads, and
    report held-out figures (each half read by the reader fitted on the other)."""
    held = cross_fitted(examples)
    calibrated = [(e.check, z, g, r) for e, z, g, r in held if e.source == "multihop"]
    model = calibrate(
        fit_reader(examples), calibrated or [(e.check, z, g, r) for e, z, g, r in held]
    )
    scored = [t for t in held if t[0].source == "multihop"]
    report = {
        "examples": len(examples),
        "candidates": sum(len(e.label) for e in examples),
        "held_out_lead_right_multihop": _mean([r for *_, r in scored]),
        "held_out_lead_right_cloze": _mean([r for e, *_, r in held if e.source == "cloze"]),
        "answer_in_candidates_multihop": _mean([int(any(e.label)) for e, *_ in scored]),
    }
    return model, report


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def save(model: ReaderModel, path: Path) -> None:
    path.write_text(json.dumps(model.to_json(), indent=1, sort_keys=True) + "\n", "utf-8")


def dump_examples(examples: Sequence[Example], path: Path) -> None:
    path.write_text(json.dumps([e.__dict__ for e in examples]), "utf-8")


def load_examples(path: Path) -> list[Example]:
    return [Example(**e) for e in json.loads(path.read_text("utf-8"))]
