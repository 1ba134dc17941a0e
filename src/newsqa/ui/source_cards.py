"""The sources panel: one card per cited article, each cited sentence marked in its paragraph.

Every piece of article text is escaped before the page's own markup is added around it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from newsqa.records import Answer, Citation, Passage

PARAGRAPH_CHARS = 900  # a longer paragraph is cut to this much context around its marks
CONTEXT_CHARS = 300
PASSAGE_CHARS = 400


@dataclass(frozen=True)
class Span:
    """A cited sentence's place in the article body."""

    start: int
    end: int
    n: int


def safe_link(url: str | None, label: str) -> str:
    """A link only for http(s) URLs, opened without giving the page a handle on ours."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return ""
    return (
        f'<a class="newsqa-link" href="{escape(url, quote=True)}" target="_blank" '
        f'rel="noopener noreferrer">{escape(label)}</a>'
    )


def outlets_text(outlets: Sequence[str], source: str) -> str:
    return ", ".join(outlets) if outlets else (source or "unknown outlet")


def date_text(published_at: str | None) -> str:
    return (published_at or "undated")[:10]


EMPTY = "<p class='newsqa-empty'>The sources of the selected answer appear here.</p>"


def panels_html(panels: Sequence[tuple[int, str]]) -> str:
    """Every answer's sources panel (turn key, content); only the last one is shown."""
    if not panels:
        return EMPTY
    last = len(panels) - 1
    return "".join(
        f'<section class="newsqa-turn-sources" data-turn="{key}"{"" if i == last else " hidden"}>'
        f"{content or EMPTY}</section>"
        for i, (key, content) in enumerate(panels)
    )


def sources_content(turn: int, answer: Answer, bodies: Mapping[str, str]) -> str:
    """The panel for one answer; `bodies` maps each cited article id to its stored text."""
    title = f'<p class="newsqa-sources-for">Sources for: <em>{escape(answer.question)}</em></p>'
    if answer.abstained or not answer.citations:
        closest = _passages_html(_distinct_articles(answer.passages))
        folded = (
            "<details class='newsqa-other' open><summary>Closest articles (not cited)</summary>"
            f"{closest}</details>"
        )
        return (
            f"{title}<p class='newsqa-no-sources'>No sources cited: the articles don't "
            f"answer this.</p>{folded if closest else ''}"
        )
    cards = [
        _card(turn, group, bodies.get(group[0].article_id, "")) for group in _by_number(answer)
    ]
    cited = {c.article_id for c in answer.citations}
    others = [p for p in answer.passages if p.article_id not in cited]
    other_html = ""
    if others:
        other_html = (
            "<details class='newsqa-other'><summary>Other retrieved passages, not cited "
            f"({len(others)})</summary>{_passages_html(others)}</details>"
        )
    return f"{title}{''.join(cards)}{other_html}"


def _by_number(answer: Answer) -> list[list[Citation]]:
    groups: dict[int, list[Citation]] = {}
    for c in answer.citations:
        groups.setdefault(c.n, []).append(c)
    return [groups[n] for n in sorted(groups)]


def _card(turn: int, citations: list[Citation], body: str) -> str:
    first = citations[0]
    n = first.n
    link = safe_link(first.url, "Open article")
    meta = f"{escape(outlets_text(first.outlets, first.source))} · {escape(date_text(first.published_at))}"
    if link:
        meta += f" · {link}"
    paragraphs = "".join(
        f"<p class='newsqa-paragraph'>{html}</p>" for html in cited_paragraphs(body, citations)
    )
    return (
        f'<article class="newsqa-card" id="newsqa-src-{turn}-{n}" data-n="{n}">'
        f"<h3><span class='newsqa-n'>[{n}]</span> {escape(first.title)}</h3>"
        f"<p class='newsqa-meta'>{meta}</p>{paragraphs}</article>"
    )


def cited_paragraphs(body: str, citations: Sequence[Citation]) -> list[str]:
    """Each paragraph holding a cited sentence, escaped, with the sentences in <mark>."""
    spans: list[Span] = []
    loose: list[Citation] = []
    for c in citations:
        span = _locate(body, c)
        if span is None:
            loose.append(c)
        elif not any(s.start < span.end and span.start < s.end for s in spans):
            spans.append(span)
    paragraphs: dict[tuple[int, int], list[Span]] = {}
    for span in sorted(spans, key=lambda s: s.start):
        start = body.rfind("\n", 0, span.start) + 1
        end = body.find("\n", span.end)
        paragraphs.setdefault((start, len(body) if end < 0 else end), []).append(span)
    out = [_marked(body, start, end, group) for (start, end), group in paragraphs.items()]
    out += [_mark(c.sentence, c.n, c.start) for c in loose]
    return out


def _locate(body: str, c: Citation) -> Span | None:
    if body and 0 <= c.start < c.end <= len(body) and body[c.start : c.end] == c.sentence:
        return Span(c.start, c.end, c.n)
    found = body.find(c.sentence) if body and c.sentence else -1
    return Span(found, found + len(c.sentence), c.n) if found >= 0 else None


def _marked(body: str, start: int, end: int, spans: list[Span]) -> str:
    if end - start > PARAGRAPH_CHARS:  # one long line: keep context around the marks only
        start = max(start, spans[0].start - CONTEXT_CHARS)
        end = min(end, spans[-1].end + CONTEXT_CHARS)
    parts = ["…" if start > 0 and body[start - 1] != "\n" else ""]
    at = start
    for span in spans:
        parts.append(escape(body[at : span.start]))
        parts.append(_mark(body[span.start : span.end], span.n, span.start))
        at = span.end
    parts.append(escape(body[at:end]))
    parts.append("…" if end < len(body) and body[end] != "\n" else "")
    return "".join(parts)


def _mark(sentence: str, n: int, start: int) -> str:
    return (
        f"<mark class='newsqa-cited' data-n='{n}' data-start='{start}'>{escape(sentence)}</mark>"
        f"<sup class='newsqa-n'>[{n}]</sup>"
    )


def _distinct_articles(passages: Sequence[Passage]) -> list[Passage]:
    seen: dict[str, Passage] = {}
    for p in passages:
        seen.setdefault(p.article_id, p)
    return list(seen.values())


def _passages_html(passages: Sequence[Passage]) -> str:
    items = []
    for p in passages:
        text = p.text if len(p.text) <= PASSAGE_CHARS else p.text[:PASSAGE_CHARS] + "…"
        meta = f"{escape(outlets_text(p.outlets, p.source))} · {escape(date_text(p.published_at))}"
        items.append(
            f"<div class='newsqa-passage'><strong>{escape(p.title)}</strong> "
            f"<small>{meta}</small><p>{escape(text)}</p></div>"
        )
    return "".join(items)
