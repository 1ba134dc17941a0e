"""The conversation as HTML: each question with its filters, each answer's lead with linked
[n] markers, its supporting quotes folded, and a copy-as-Markdown action, all in a pane that
scrolls within itself."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from newsqa.records import ABSTAIN_TEXT, UNSETTLED_TEXT, Answer, Citation
from newsqa.rendering import copy_markdown
from newsqa.ui.turns import Turn


def pane(content: str) -> str:
    """The conversation's own scrolling pane (Gradio's container of it is styled inline, so
    the page sizes and scrolls this element instead); keyboard users can scroll it too."""
    return (
        f"<div class='newsqa-log' role='log' aria-label='Conversation' tabindex='0'>{content}</div>"
    )


EMPTY = pane(
    "<div class='newsqa-empty'>Ask a question about the articles. Every sentence of an "
    "answer is quoted from an article, with a numbered link to its source.</div>"
)


def conversation_html(turns: Sequence[Turn]) -> str:
    """All turns, oldest first, in the scrolling pane; the last answer is the selected one."""
    if not turns:
        return EMPTY
    last = len(turns) - 1
    return pane(
        "".join(
            question_html(turn) + reply_html(turn.key, turn, i == last)
            for i, turn in enumerate(turns)
        )
    )


def question_html(turn: Turn) -> str:
    label = turn.filters.label()
    filters = f"<div class='newsqa-filters-used'>{escape(label)}</div>" if label else ""
    return (
        f"<div class='newsqa-bubble newsqa-question'><p>{escape(turn.question)}</p>{filters}</div>"
    )


def reply_html(i: int, turn: Turn, selected: bool) -> str:
    if turn.answer is None:
        return f"<div class='newsqa-bubble newsqa-error'><p>{escape(turn.error)}</p></div>"
    answer = turn.answer
    classes = "newsqa-bubble newsqa-answer" + (" newsqa-selected" if selected else "")
    if answer.abstained:
        classes += " newsqa-abstained"
        return f"<div class='{classes}' data-turn='{i}'>{abstention_html(answer)}</div>"
    lead = _sentences(i, answer.lead_citations)
    verdict = (
        f"<p class='newsqa-verdict newsqa-verdict-{escape(answer.verdict)}'>"
        f"<strong>{escape(answer.verdict_line)}</strong></p>"
        if answer.verdict_line
        else ""
    )
    if answer.disagreement_line:
        verdict += (
            "<p class='newsqa-disagreement'>"
            f"<strong>{escape(answer.disagreement_line)}</strong></p>"
        )
    more = ""
    if answer.supporting_citations:
        more = (
            "<details class='newsqa-more'><summary>More from these sources</summary>"
            f"<p>{_sentences(i, answer.supporting_citations)}</p></details>"
        )
    confidence = (
        "<span class='newsqa-confidence' title='Calibrated probability that the quoted lead "
        f"answers the question'>Confidence {answer.confidence:.0%}</span>"
    )
    actions = (
        f"<div class='newsqa-actions'>{confidence}"
        f"<button type='button' class='newsqa-copy' data-turn='{i}'>Copy as Markdown</button>"
        f"<button type='button' class='newsqa-show' data-turn='{i}'>Show sources</button></div>"
        f"<textarea class='newsqa-markdown' hidden readonly>{escape(copy_markdown(answer))}"
        "</textarea>"
    )
    return (
        f"<div class='{classes}' data-turn='{i}'>{verdict}<p class='newsqa-lead'>{lead}</p>"
        f"{more}{actions}</div>"
    )


def abstention_html(answer: Answer) -> str:
    """ "The articles don't say" (a yes/no question: "don't settle this"), why, and what the
    closest articles were about (not cited)."""
    label = UNSETTLED_TEXT if answer.verdict == "unsettled" else ABSTAIN_TEXT
    reason = answer.text.removeprefix(label).strip()
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in reason.split("\n\n") if p.strip())
    return f"<p class='newsqa-abstain-label'><strong>{escape(label)}</strong></p>{paragraphs}"


def _sentences(i: int, citations: Sequence[Citation]) -> str:
    return " ".join(f"{escape(c.sentence)} {cite_link(i, c)}" for c in citations)


def cite_link(turn: int, c: Citation) -> str:
    """[n] as a link to its source card in the panel and to the sentence marked there."""
    return (
        f"<a class='newsqa-cite' href='#newsqa-src-{turn}-{c.n}' data-turn='{turn}' "
        f"data-n='{c.n}' data-start='{c.start}'>[{c.n}]</a>"
    )
