"""The trained reader: how likely each candidate sentence states what the question asks."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsqa.answering.sentence_scoring import Sentence
from newsqa.answering.typed_sentences import has_answer_type
from newsqa.question import Question

WEIGHTS_PATH = Path(__file__).with_name("reader_weights.json")
Similarity = Callable[[str, Sequence[str]], Sequence[float]]

LEXICAL = (
    "share",  # pool-IDF share of the question's terms in the sentence
    "claim_share",  # the largest such share of one claim's terms
    "names",  # share of the question's names the sentence holds (1: it names none)
    "slot",  # holds the kind of answer asked for (a person, number, date) not in the question
    "asks_kind",  # the question asks for a kind of answer
    "new_name",  # holds a capitalised name the question does not
    "new_number",  # holds a number the question does not
    "new_date",  # holds a date the question does not
    "opening",  # 1 / (1 + its place among its article's sentences)
    "rank",  # 1 / (1 + its article's retrieval rank)
    "passage",  # its article's best passage score over the best retrieved
    "in_passage",  # inside a retrieved passage
    "length",  # log(1 + its content words)
    "quoted",  # holds a quotation
    "dateline",  # opens with a dateline ("MOSCOW (AP) —")
    "timeliness",  # its article's newness or nearness to the day asked (0 when not asked)
    "article_share",  # the best share among its article's sentences
    "neighbour_share",  # the best share of the sentences just before and after it
    "yes_no",  # the question asks yes or no
    "slot_share",  # slot × share
    "name_share",  # new_name × share
    "entity_support",  # its best new name: share of the cited articles that mention it
    "entity_full",  # the same over its names of two or more words (a full name)
    "entity_top",  # it holds in full the new name the most cited articles mention
    "entity_mentions",  # log(1 + sentences mentioning its best new name)
    "kind_entity_support",  # asks_kind × entity_support: who / which / how many questions
    "kind_entity_full",  # asks_kind × entity_full
    "kind_entity_top",  # asks_kind × entity_top
    "yes_no_share",  # yes_no × share
    "coverage_pick",  # the greedy term-coverage lead chose it
    "coverage_order",  # 1 / (1 + its place in that lead), 0 when not chosen
)
SIMILAR = ("cosine", "cosine_gap", "cosine_best")  # the second model's added signals
FULL = LEXICAL + SIMILAR

_DATELINE = re.compile(r"^[A-Z][A-Z .,'’-]{2,}(\([^)]{1,30}\))?\s*[—–-]")
_YES_NO = re.compile(
    r"^(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b", re.I
)
_QUOTE = re.compile(r"[“”\"]")
# capitalised words and runs of them (not a sentence's first word alone)
_CAPITALISED = re.compile(r"(?<![\w'’])[A-Z][\w'’&.-]*[\w](?:\s+[A-Z][\w'’&.-]*[\w])*")
_COMMON = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "but",
        "in",
        "on",
        "at",
        "for",
        "of",
        "to",
        "it",
        "he",
        "she",
        "they",
        "we",
        "i",
        "his",
        "her",
        "their",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "when",
        "while",
        "after",
        "before",
        "as",
        "if",
        "mr",
        "ms",
        "mrs",
        "dr",
    ]
)


@dataclass(frozen=True)
class ReaderWeights:
    """One logistic model: feature names, scaling (mean, scale), weights and bias."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    def logits(self, rows: Sequence[Sequence[float]]) -> list[float]:
        out = []
        for row in rows:
            z = self.bias
            for x, m, s, w in zip(row, self.mean, self.scale, self.weights, strict=True):
                z += w * (x - m) / s
            out.append(z)
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "names": list(self.names),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ReaderWeights:
        def floats(key: str) -> tuple[float, ...]:
            return tuple(float(x) for x in data[key])  # type: ignore[attr-defined]

        return cls(
            tuple(str(x) for x in data["names"]),  # type: ignore[attr-defined]
            floats("mean"),
            floats("scale"),
            floats("weights"),
            float(data["bias"]),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class ReaderModel:
    """The two reading models and the confidence calibration."""

    lexical: ReaderWeights
    full: ReaderWeights
    # a·logit(answer check) + b·the best reading's score + c·its lead over the next + d
    calibration: tuple[float, float, float, float]
    shortlist: int = 8  # sentences the second model re-reads

    def confidence(self, check: float, readings: Sequence[Reading]) -> float:
        """The calibrated probability that the lead holds the answer."""
        a, b, c, d = self.calibration
        best = readings[0].logit if readings else 0.0
        gap = best - readings[1].logit if len(readings) > 1 else 0.0
        z = a * _logit(check) + b * best + c * gap + d
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict[str, object]:
        return {
            "lexical": self.lexical.to_json(),
            "full": self.full.to_json(),
            "calibration": list(self.calibration),
            "shortlist": self.shortlist,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ReaderModel:
        a, b, c, d = (float(x) for x in data["calibration"])  # type: ignore[attr-defined]
        return cls(
            ReaderWeights.from_json(data["lexical"]),  # type: ignore[arg-type]
            ReaderWeights.from_json(data["full"]),  # type: ignore[arg-type]
            (a, b, c, d),
            int(data.get("shortlist", 8)),  # type: ignore[attr-defined]
        )


@lru_cache(maxsize=4)
def load_model(path: Path = WEIGHTS_PATH) -> ReaderModel:
    """The shipped reader (ValueError naming `newsqa train-reader` when missing)."""
    try:
        return ReaderModel.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, KeyError, ValueError) as error:
        raise ValueError(
            f"{path}: no usable reader weights ({error}); run `newsqa train-reader`"
        ) from error


def weights_sha256(path: Path = WEIGHTS_PATH) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class ReadingContext:
    """What the composer knows of the candidate pool: term weights and article signals."""

    weights: dict[str, float]  # pool IDF of each question term
    total: float
    top: float  # the best retrieved passage's score
    timeliness: dict[str, float]
    coverage: tuple[Sentence, ...] = ()  # the greedy term-coverage lead, in the order chosen


@dataclass(frozen=True)
class Reading:
    """One candidate sentence as the reader scored it (the second model's logit when read)."""

    sentence: Sentence
    logit: float
    features: tuple[float, ...]


def lexical_features(
    question: Question, sentences: Sequence[Sentence], context: ReadingContext
) -> list[tuple[float, ...]]:
    """The first model's signals of each sentence (in the order given; `sentences` holds
    whole articles in article order, so a sentence's neighbours are beside it)."""
    weights, total = context.weights, context.total or 1.0
    lowered = question.lowered
    kind = question.expected_type
    asks = float(kind is not None)
    yes_no = float(bool(_YES_NO.match(question.text.strip())))
    claims = [c.terms for c in question.claims] or [question.terms]
    shares = [math.fsum(weights[w] for w in weights.keys() & s.words) / total for s in sentences]
    place: dict[str, int] = {}
    positions, article_best = [], {}
    for s, share in zip(sentences, shares, strict=True):
        positions.append(place.get(s.article_id, 0))
        place[s.article_id] = positions[-1] + 1
        article_best[s.article_id] = max(article_best.get(s.article_id, 0.0), share)
    mentions = [_new_names(s.text, lowered) for s in sentences]
    support, counts = _name_support(sentences, mentions)
    top = max(support.values(), default=0.0)
    covered = {(s.article_id, s.start): n for n, s in enumerate(context.coverage)}
    rows = []
    for i, s in enumerate(sentences):
        picked = covered.get((s.article_id, s.start))
        keys = [(name.split()[-1].lower(), " " in name) for name in mentions[i]]
        entity = max((support[k] for k, _ in keys), default=0.0)
        full = max((support[k] for k, multi in keys if multi), default=0.0)
        share = shares[i]
        claim_share = max(_share(weights, c, s.words) for c in claims)
        beside = [
            shares[j]
            for j in (i - 1, i + 1)
            if 0 <= j < len(sentences) and sentences[j].article_id == s.article_id
        ]
        slot = float(has_answer_type(s.text, kind, lowered)) if kind else 0.0
        new_name = float(has_answer_type(s.text, "name", lowered))
        rows.append(
            (
                share,
                claim_share,
                _names(question.name_stems, s.words),
                slot,
                float(kind is not None),
                new_name,
                float(has_answer_type(s.text, "number", lowered)),
                float(has_answer_type(s.text, "date", lowered)),
                1.0 / (1 + positions[i]),
                1.0 / (1 + s.rank),
                s.passage.score / (context.top or 1.0),
                float(s.in_passage),
                math.log1p(len(s.words)),
                float(bool(_QUOTE.search(s.text))),
                float(bool(_DATELINE.match(s.text))),
                context.timeliness.get(s.article_id, 0.0),
                article_best[s.article_id],
                max(beside, default=0.0),
                yes_no,
                slot * share,
                new_name * share,
                entity,
                full,
                float(top > 0 and full >= top),
                math.log1p(max((counts[k] for k, _ in keys), default=0)),
                asks * entity,
                asks * full,
                asks * float(top > 0 and full >= top),
                yes_no * share,
                float(picked is not None),
                0.0 if picked is None else 1.0 / (1 + picked),
            )
        )
    return rows


def _new_names(text: str, lowered_question: str) -> list[str]:
    """The capitalised names in `text` that the question does not hold."""
    out = []
    for m in _CAPITALISED.finditer(text):
        name = m.group(0).strip(" .")
        words = name.split()
        opens = m.start() == 0 or text[: m.start()].rstrip().endswith((".", "“", '"', ":"))
        if opens and (len(words) == 1 or words[0].lower() in _COMMON):
            words = words[1:]  # a sentence's first word is capitalised anyway
        name = " ".join(words)
        if (
            len(name) > 1
            and name.lower() not in lowered_question
            and words[-1].lower() not in _COMMON
        ):
            out.append(name)
    return out


def _name_support(
    sentences: Sequence[Sentence], mentions: Sequence[list[str]]
) -> tuple[dict[str, float], dict[str, int]]:
    """Each name's last word (lower-cased): the share of the articles among `sentences` that
    mention it, and the number of sentences that do."""
    by_article: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for s, names in zip(sentences, mentions, strict=True):
        keys = {name.split()[-1].lower() for name in names}
        by_article.setdefault(s.article_id, set()).update(keys)
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
    n = len(by_article) or 1
    support: dict[str, float] = {}
    for keys in by_article.values():
        for k in keys:
            support[k] = support.get(k, 0.0) + 1.0 / n
    return support, counts


def similar_features(cosines: Sequence[float]) -> list[tuple[float, float, float]]:
    """The second model's added signals from the cosines of the shortlisted sentences."""
    best = max(cosines, default=0.0)
    return [(c, best - c, float(c >= best)) for c in cosines]


def read(
    model: ReaderModel,
    question: Question,
    sentences: Sequence[Sentence],
    context: ReadingContext,
    similarity: Similarity | None,
) -> list[Reading]:
    """The shortlist, best first: the first model ranks every sentence, the second re-reads
    the best `model.shortlist` with the embedding cosines (the first's logits without one)."""
    if not sentences:
        return []
    rows = lexical_features(question, sentences, context)
    first = model.lexical.logits(rows)
    order = sorted(range(len(sentences)), key=lambda i: (-first[i], i))[: model.shortlist]
    if similarity is None:
        return [Reading(sentences[i], first[i], rows[i]) for i in order]
    cosines = list(similarity(question.search_texts[0], [sentences[i].text for i in order]))
    full = [rows[i] + extra for i, extra in zip(order, similar_features(cosines), strict=True)]
    logits = model.full.logits(full)
    readings = [Reading(sentences[i], z, f) for i, z, f in zip(order, logits, full, strict=True)]
    return sorted(readings, key=lambda r: -r.logit)


def _share(weights: dict[str, float], terms: frozenset[str], words: frozenset[str]) -> float:
    total = math.fsum(weights[w] for w in terms if w in weights)
    if total <= 0:
        return 0.0
    return math.fsum(weights[w] for w in terms & words if w in weights) / total


def _names(names: Sequence[frozenset[str]], words: frozenset[str]) -> float:
    if not names:
        return 1.0
    return sum(1 for name in names if name <= words) / len(names)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))
