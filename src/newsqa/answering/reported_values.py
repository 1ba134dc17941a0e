"""Values of the kind a question asks for (a number, a date, a name) as a sentence states them,
each with a key under which forms of one value match ("2,012" and "2012", "Facebook" and
"Facebook Inc.", "Dec 1, 2017" and "1 December 2017")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsqa.text.words import MONTHS, STOPWORDS

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_DAY = r"(?:[0-2]?\d|3[01])(?:st|nd|rd|th)?"
_DATES = re.compile(
    rf"\b(?:(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}),?\s+(?P<y1>{_YEAR})"
    rf"|(?P<d2>{_DAY})\s+(?P<m2>{_MONTH}),?\s+(?P<y2>{_YEAR})"
    rf"|(?P<m3>{_MONTH}),?\s+(?P<y3>{_YEAR}))\b",
    re.I,
)
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBERS = re.compile(
    r"(?<![\w.,])(?P<cur>[$€£]|US\$)?(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?!\d)(?:\s*(?P<scale>thousand|million|billion|trillion|bn|m)\b)?(?P<pct>\s*%|\s+percent\b)?",
    re.I,
)
# a run of capitalised words ("Simona Halep", "U.S.", "The Shape of Water")
_NAMES = re.compile(
    r"(?<![\w'’])(?:[A-Z][\w'’.&-]*|\d+(?:st|nd|rd|th)\b)"
    r"(?:\s+(?:of|the|de|von|van|and|&)?\s*[A-Z][\w'’.&-]*)*"
)
_SUFFIXES = {"inc", "corp", "co", "ltd", "llc", "plc", "group", "the", "company"}
_NOT_NAMES = set(MONTHS) | {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mr",
    "mrs",
    "ms",
    "dr",
}


@dataclass(frozen=True)
class StatedValue:
    """A value as written in a sentence and the key its other forms share."""

    text: str  # as the sentence writes it
    key: tuple[str, ...]  # words (names), or the parsed number or date

    def same_as(self, other: StatedValue) -> bool:
        """One value in two forms: equal keys, or a name whose words hold the other's
        ("Halep" and "Simona Halep", "Facebook" and "Facebook Inc.")."""
        if self.key == other.key:
            return True
        if self.key[:1] == ("#name",) and other.key[:1] == ("#name",):
            a, b = set(self.key[1:]), set(other.key[1:])
            return bool(a and b) and (a <= b or b <= a)
        return False


def stated_values(sentence: str, kind: str | None, lowered_question: str) -> list[StatedValue]:
    """The values of `kind` in `sentence` that the question does not itself mention."""
    if kind == "number":
        return [v for v in _numbers(sentence) if not _in_question(v, lowered_question)]
    if kind == "date":
        return [v for v in _dates(sentence) if not _in_question(v, lowered_question)]
    if kind in ("person", "name"):
        return [v for v in _names(sentence, lowered_question)]
    return []


def _in_question(value: StatedValue, lowered_question: str) -> bool:
    return value.text.lower() in lowered_question


def _dates(sentence: str) -> list[StatedValue]:
    found = []
    for m in _DATES.finditer(sentence):
        month = m.group("m1") or m.group("m2") or m.group("m3")
        day = m.group("d1") or m.group("d2") or ""
        year = m.group("y1") or m.group("y2") or m.group("y3")
        number = next(
            (i + 1 for i, name in enumerate(MONTHS) if name.startswith(month[:3].lower()))
        )
        found.append(StatedValue(m.group(0), ("#date", year, str(number), re.sub(r"\D", "", day))))
    return found


def _numbers(sentence: str) -> list[StatedValue]:
    dated = [m.span() for m in _DATES.finditer(sentence)]
    found = []
    for m in _NUMBERS.finditer(sentence):
        if any(a <= m.start() < b for a, b in dated):
            continue  # a day or a year of a date
        amount = float(m.group("num").replace(",", ""))
        scale = (m.group("scale") or "").lower()
        amount *= _SCALES.get(scale, 1e9 if scale == "bn" else 1e6 if scale == "m" else 1)
        plain = not m.group("cur") and not scale and not m.group("pct")
        if plain and _is_year(m.group("num")) and not _counts(sentence[m.end() :]):
            continue  # a year ("in 2012"), not a count ("2012 people")
        unit = "%" if m.group("pct") else ("$" if m.group("cur") else "")
        found.append(StatedValue(m.group(0).strip(), ("#number", f"{amount:g}", unit)))
    return found


def _counts(after: str) -> bool:
    """Does a number's next word say what it counts ("2012 people", not "2012 the")?"""
    word = re.match(r"\s+([a-z]+)", after)
    return word is not None and word.group(1) not in STOPWORDS


def _is_year(number: str) -> bool:
    return bool(re.fullmatch(_YEAR, number))


def _names(sentence: str, lowered_question: str) -> list[StatedValue]:
    found = []
    for m in _NAMES.finditer(sentence):
        words = [w.replace("’", "'").strip(".,'&-").lower() for w in m.group(0).split()]
        words = [w for w in words if w]
        content = [
            w for w in words if w not in STOPWORDS and w not in _SUFFIXES and w not in _NOT_NAMES
        ]
        if not content or all(w in lowered_question for w in content):
            continue
        if any(re.fullmatch(r"\d+(?:st|nd|rd|th)?", w) for w in content):
            continue
        text = m.group(0).strip(" .,")
        if text.lower() in STOPWORDS:
            continue
        found.append(StatedValue(text, ("#name", *content)))
    return found
