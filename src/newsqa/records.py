"""Records that cross stages after the index: Passage (search gives it), Citation and Answer
(answering gives them, the faces show them). Article lives in `newsqa.articles`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ABSTAIN_TEXT = "The articles don't say."
UNSETTLED_TEXT = "The articles don't settle this."
NO_VERDICT_TEXT = "No yes or no: newsqa cannot tell from these quotes."  # the model was unsure
VERDICTS = ("yes", "no", "unsettled", "none")  # `Answer.verdict`: none for other questions


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its fused relevance score and article metadata."""

    chunk_id: int
    article_id: str
    title: str
    score: float
    text: str
    source: str = ""
    published_at: str | None = None
    url: str | None = None
    start: int = 0
    end: int = 0
    dense_score: float = 0.0
    outlets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    """Numbered source of one answer sentence: the article and the exact sentence span."""

    n: int
    article_id: str
    title: str
    source: str
    published_at: str | None
    url: str | None
    sentence: str
    start: int = 0
    end: int = 0
    outlets: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportedValue:
    """One of the values the cited reports disagree on, with the citations stating it."""

    value: str  # as the first sentence stating it writes it ("2,012", "Facebook")
    citations: tuple[int, ...]  # the [n] of the articles stating it
    outlets: tuple[str, ...]  # their outlets, in citation order
    dates: tuple[str, ...] = ()  # their publication days (ISO), in citation order


@dataclass(frozen=True)
class Answer:
    """What `ask` returns: answer text with [n] markers, its citations, and the evidence."""

    question: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    abstained: bool = False
    lead: int = 0  # the first `lead` citations answer the question; the rest support them
    confidence: float = 0.0  # calibrated probability (0-1) that the cited lead answers it
    verdict: str = "none"  # yes/no questions: "yes", "no" or "unsettled" (see VERDICTS)
    verdict_line: str = ""  # the answer's first line for a yes/no question, with its [n]
    verdict_probability: float = 0.0  # calibrated probability that the verdict is right
    verdict_basis: str = ""  # "dates": two reports' publication dates; "model": the verdict model
    disagreement: list[ReportedValue] = field(default_factory=list)  # values reports differ on
    disagreement_line: str = ""  # "Reports differ: 2,012 — Reuters, 10 Sep 2023 [1]; …"

    @property
    def lead_citations(self) -> list[Citation]:
        return self.citations[: self.lead] if self.lead else list(self.citations)

    @property
    def supporting_citations(self) -> list[Citation]:
        return self.citations[self.lead :] if self.lead else []

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "text": self.text,
            "citations": [asdict(c) | {"outlets": list(c.outlets)} for c in self.citations],
            "passages": [asdict(p) for p in self.passages],
            "abstained": self.abstained,
            "lead": self.lead,
            "confidence": self.confidence,
            "verdict": self.verdict,
            "verdict_line": self.verdict_line,
            "verdict_probability": self.verdict_probability,
            "verdict_basis": self.verdict_basis,
            "disagreement": [
                asdict(v) | {k: list(getattr(v, k)) for k in ("citations", "outlets", "dates")}
                for v in self.disagreement
            ],
            "disagreement_line": self.disagreement_line,
        }

    def sources_text(self) -> str:
        """The numbered source list as plain text."""
        first = {c.n: c for c in reversed(self.citations)}
        return "\n".join(format_source(first[n]) for n in sorted(first))


def format_source(citation: Citation) -> str:
    outlet = (
        ", ".join(citation.outlets)
        if len(citation.outlets) > 1
        else (citation.source or "unknown outlet")
    )
    date = (citation.published_at or "undated")[:10]
    link = f" {citation.url}" if citation.url else ""
    return f"[{citation.n}] {citation.title} — {outlet}, {date}.{link}"
