"""Safe rendering of answers for the chat page: article text is escaped, never raw HTML."""

from __future__ import annotations

import html
import re

from newsqa.records import Answer, Citation

_MARKDOWN_ACTIVE = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def escape_markdown(text: str) -> str:
    """Escape HTML, then every character Markdown would act on."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", html.escape(text, quote=True))


def answer_markdown(answer: Answer) -> str:
    """The answer for the chat bubble: escaped sentences, [n] markers, a numbered source list."""
    if answer.abstained:
        return escape_markdown(answer.text)
    body = _cited_markdown(answer.lead_citations)
    if answer.supporting_citations:
        body += f"\n\n*Also in these articles:*\n\n{_cited_markdown(answer.supporting_citations)}"
    first = {c.n: c for c in reversed(answer.citations)}
    sources = "\n".join(f"{n}. {source_markdown(first[n])}" for n in sorted(first))
    return f"{body}\n\n**Sources**\n\n{sources}"


def _cited_markdown(citations: list[Citation]) -> str:
    """Escaped sentences, each followed by its [n] in bold."""
    return " ".join(f"{escape_markdown(c.sentence)} **[{c.n}]**" for c in citations)


def source_markdown(citation: Citation) -> str:
    outlets = (
        ", ".join(citation.outlets) if citation.outlets else (citation.source or "unknown outlet")
    )
    date = (citation.published_at or "undated")[:10]
    title = escape_markdown(citation.title)
    if citation.url and citation.url.startswith(("http://", "https://")):
        title = f"[{title}](<{html.escape(citation.url, quote=True)}>)"
    return f"{title} — {escape_markdown(outlets)}, {date}"


def sources_html(answer: Answer, context: dict[str, str]) -> str:
    """Each cited article with its supporting sentence highlighted inside its paragraph.

    `context` maps article id to the text around the cited sentence; all of it is escaped
    before the <mark> tags are added.
    """
    if answer.abstained or not answer.citations:
        return "<p><em>No sources: the articles don't answer this.</em></p>"
    parts = []
    for c in answer.citations:
        surrounding = context.get(f"{c.article_id}:{c.start}", c.sentence)
        before, _, after = surrounding.partition(c.sentence)
        snippet = f"{html.escape(before)}<mark>{html.escape(c.sentence)}</mark>{html.escape(after)}"
        link = ""
        if c.url and c.url.startswith(("http://", "https://")):
            link = f' <a href="{html.escape(c.url, quote=True)}" target="_blank" rel="noopener noreferrer">link</a>'
        outlets = ", ".join(c.outlets) if c.outlets else (c.source or "unknown outlet")
        parts.append(
            f"<div class='newsqa-source'><p><strong>[{c.n}] {html.escape(c.title)}</strong><br>"
            f"<small>{html.escape(outlets)} · {html.escape((c.published_at or 'undated')[:10])}{link}</small></p>"
            f"<blockquote>{snippet}</blockquote></div>"
        )
    return "\n".join(parts)


_MARKDOWN_LINKS = re.compile(r"([\\`*_\[\]<>])")


def copy_markdown(answer: Answer) -> str:
    """The answer as Markdown to paste elsewhere: sentences with [n], then the numbered sources.

    Only the characters that would make links, markup or emphasis are escaped, so the text
    reads as written.
    """

    def md(text: str) -> str:
        return _MARKDOWN_LINKS.sub(r"\\\1", text)

    if answer.abstained:
        return md(answer.text)
    paragraphs = [" ".join(f"{md(c.sentence)} [{c.n}]" for c in answer.lead_citations)]
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
