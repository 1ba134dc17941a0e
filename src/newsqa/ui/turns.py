"""What the page remembers of one question: its filters, its Answer, and how it was shown."""

from __future__ import annotations

from dataclasses import dataclass

from newsqa.records import Answer


@dataclass(frozen=True)
class Filters:
    """The filters in force when a question was asked (as `NewsQA.ask` takes them)."""

    outlets: tuple[str, ...] = ()
    since: str = ""
    until: str = ""

    def label(self) -> str:
        """Plain words for the question bubble, e.g. "only The Wire · from 2024-01-01"."""
        parts = []
        if self.outlets:
            parts.append("only " + ", ".join(self.outlets))
        if self.since:
            parts.append(f"from {self.since}")
        if self.until:
            parts.append(f"until {self.until}")
        return " · ".join(parts)


@dataclass(frozen=True)
class Turn:
    """One question and what came back: an Answer (with its sources panel) or an error."""

    key: int  # numbers this turn's bubble and source cards on the page; never reused
    question: str
    filters: Filters
    answer: Answer | None = None
    sources_html: str = ""
    error: str = ""
