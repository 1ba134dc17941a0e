"""The outlet filter kept in step with the index: chosen outlets the index no longer holds
leave the selection, with a note saying so."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class OutletFilter:
    """A page's outlet selection checked against the outlets the index holds now."""

    choices: tuple[str, ...]  # every outlet in the index, as the dropdown lists them
    kept: tuple[str, ...]  # the selection, less outlets the index no longer holds
    dropped: tuple[str, ...] = ()  # chosen outlets no article in the index is from

    @classmethod
    def of(cls, selected: Iterable[str] | None, available: Iterable[str]) -> OutletFilter:
        choices = tuple(available)
        known = set(choices)
        chosen = list(dict.fromkeys(s for s in selected or () if s))
        return cls(
            choices,
            tuple(s for s in chosen if s in known),
            tuple(s for s in chosen if s not in known),
        )

    @property
    def emptied(self) -> bool:
        """Every chosen outlet is gone: a question would have no article to search."""
        return bool(self.dropped) and not self.kept

    def note(self) -> str:
        """One sentence on the outlets taken out of the selection ('' when none were)."""
        if not self.dropped:
            return ""
        names = ", ".join(self.dropped)
        rest = "" if self.kept else "; the filter now searches every outlet"
        return f"No article in the index is from {names} any more: removed from the outlet filter{rest}."

    def note_html(self) -> str:
        note = self.note()
        return f"<p class='newsqa-filter-note'>{escape(note)}</p>" if note else ""
