"""Text for the terminal (untrusted text made inert) and an answer as Markdown to copy out
of the chat page. (The page's own HTML is built, escaped, in `newsqa.ui`.)"""

from __future__ import annotations

import re

from rich.markup import escape

from newsqa.articles import clean_line
from newsqa.records import Answer

_MARKDOWN_LINKS = re.compile(r"([\\`*_\[\]<>])")


def for_terminal(text: object) -> str:
    """Untrusted text (titles, URLs, outlets, file names, error messages) to print with rich:
    escape sequences and control characters removed line by line, rich markup escaped."""
    return "\n".join(escape(clean_line(line)) for line in str(text).split("\n"))


def copy_markdown(answer: Answer) -> str:
    """The answer as Markdown to paste elsewhere: sentences with [n], then the numbered sources.

    Only the characters that would make links, markup or emphasis are escaped, so the text
    reads as written.
    """

    def md(text: str) -> str:
        return _MARKDOWN_LINKS.sub(r"\\\1", text)

    if answer.abstained:
        return md(answer.text)
    paragraphs = [md(answer.verdict_line)] if answer.verdict_line else []
    if answer.disagreement_line:
        paragraphs.append(md(answer.disagreement_line))
    paragraphs.append(" ".join(f"{md(c.sentence)} [{c.n}]" for c in answer.lead_citations))
    if answer.supporting_citations:
        paragraphs.append(
            " ".join(f"{md(c.sentence)} [{c.n}]" for c in answer.supporting_citations)
        )
    first = {c.n: c for c in reversed(answer.citations)}
    sources = []
    for n in sorted(first):
        c = first[n]
        title = md(c.title)
        if c.url and c.url.lower().startswith(("http://", "https://")):
            title = f"[{title}](<{c.url.replace('>', '%3E').replace(' ', '%20')}>)"
        outlets = ", ".join(c.outlets) if c.outlets else (c.source or "unknown outlet")
        sources.append(f"{n}. {title} — {md(outlets)}, {(c.published_at or 'undated')[:10]}")
    return "\n\n".join([*paragraphs, "Sources:\n\n" + "\n".join(sources)])
