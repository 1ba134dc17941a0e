"""The learned verdict: a logistic model of P(the answer is "yes") over the question's wording
and what the cited lead says, weights in `answering/verdict_weights.json` (`newsqa
train-verdicts`)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from newsqa.text.words import content_words, stem

# the question's wording: MultiHop-RAG's "no" questions are often a "yes" question turned
# round ("fail to", "inconsistent", "the same"), its "yes" ones ask whether reports differ
CUES: tuple[tuple[str, str], ...] = (
    ("negation", r"\b(?:not|never|no|n[’']t)\b"),
    ("fail", r"\bfail\w*"),
    ("inconsistent", r"\b(?:inconsisten\w*|contradict\w*|disagree\w*|deny|denie[sd])\b"),
    ("consistent", r"\b(?:consisten\w*|agree\w*|align\w*|similar\w*)\b"),
    ("change", r"\b(?:chang\w*|shift\w*|evolv\w*)\b"),
    ("same", r"\b(?:same|both|also)\b"),
    ("differ", r"\b(?:differ\w*|unlike|contrast\w*|whereas)\b"),
    ("while", r"\bwhile\b"),
    ("remain", r"\b(?:remain\w*|maintain\w*|continu\w*|still)\b"),
    ("order", r"\b(?:before|after|earlier|later|subsequent\w*|prior)\b"),
    ("only", r"\b(?:only|solely|exclusively|completely|entirely)\b"),
)
_COMPILED = tuple((name, re.compile(pattern, re.I)) for name, pattern in CUES)
_LEAD_NEGATION = re.compile(r"\b(?:not|never|no|n[’']t|fail\w*|without)\b", re.I)
EVIDENCE = ("confidence", "negation_unmatched", "outlets_cited", "uncovered")
FEATURES = tuple(name for name, _ in CUES) + EVIDENCE


@dataclass(frozen=True)
class VerdictEvidence:
    """What the answer found, as the verdict model reads it."""

    confidence: float  # the answer's calibrated confidence
    lead: tuple[str, ...]  # the lead's sentences
    outlets_named: int  # indexed outlets the question names
    outlets_cited: int  # of those, how many the answer cites


def features(question: str, evidence: VerdictEvidence) -> list[float]:
    """The model's inputs, in `FEATURES` order."""
    cues = [1.0 if pattern.search(question) else 0.0 for _, pattern in _COMPILED]
    negated = cues[0] or cues[1]
    unmatched = 1.0 if negated and not any(_LEAD_NEGATION.search(s) for s in evidence.lead) else 0.0
    cited = evidence.outlets_cited / evidence.outlets_named if evidence.outlets_named else 1.0
    # a "no" question often says what no article does ("lacks", "complete transparency")
    asked = [stem(w) for w in content_words(question)]
    said = {stem(w) for sentence in evidence.lead for w in content_words(sentence)}
    uncovered = sum(w not in said for w in asked) / len(asked) if asked else 0.0
    return [*cues, evidence.confidence, unmatched, cited, uncovered]


@dataclass(frozen=True)
class VerdictModel:
    """Logistic weights over `FEATURES`, the bar a verdict must clear, and the measured
    precision of verdicts from dates (their calibrated probability)."""

    weights: tuple[float, ...]
    bias: float
    bar: float  # a verdict is given when P(yes) or P(no) is at least this
    date_precision: float  # share of right verdicts from publication dates (fitted data)

    def probability_yes(self, values: Sequence[float]) -> float:
        z = self.bias + math.fsum(w * x for w, x in zip(self.weights, values, strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def to_dict(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "weights": list(self.weights),
            "bias": self.bias,
            "bar": self.bar,
            "date_precision": self.date_precision,
        }


WEIGHTS_FILE = "verdict_weights.json"
DEFAULT_BAR = 0.85  # without a shipped model: the precision MultiHop-RAG's verdicts aim at


def load_verdict_model() -> VerdictModel | None:
    """The shipped model, or None when its file is missing or was fitted on other features."""
    try:
        text = resources.files("newsqa.answering").joinpath(WEIGHTS_FILE).read_text("utf-8")
    except (FileNotFoundError, OSError):
        return None
    data = json.loads(text)
    if tuple(data.get("features", ())) != FEATURES:
        return None
    return VerdictModel(
        tuple(float(w) for w in data["weights"]),
        float(data["bias"]),
        float(data["bar"]),
        float(data["date_precision"]),
    )
