"""Which sentences are statements: headings, questions, "Also read:" lines, bylines, captions
and embedded tweets are page furniture, never evidence."""

from __future__ import annotations

import re

_TERMINAL = re.compile(r"[.!\"”’')\]…]\s*$")
_FURNITURE = re.compile(
    r"^\W*((also read|read more|read also|related( stories| articles| coverage)?|recommended|"
    r"more from|more on this|click here|sign up|subscribe|follow us|advertisement|sponsored|"
    r"copyright)\b|©|(photo|image|video|watch|listen|credit|caption)s?\s*:)",
    re.I,
)
_BYLINE = re.compile(
    r"^\W*(by|written by|reporting by|additional reporting by|edited by|editing by)\s+"
    r"[A-Z][\w.'’-]*(\s+[A-Z][\w.'’-]*){0,3}\W*$"
)
_TWEET = re.compile(r"pic\.twitter\.com|twitter\.com/\w+/status|x\.com/\w+/status|\(@\w+\)", re.I)


def is_statement(text: str) -> bool:
    """Does `text` read as a complete statement: it ends as a sentence does, asks nothing,
    and is not a heading, byline, link line, caption or embedded post?"""
    stripped = text.strip()
    if stripped.endswith("?") or not _TERMINAL.search(stripped):
        return False
    return not (_FURNITURE.match(stripped) or _BYLINE.match(stripped) or _TWEET.search(stripped))
