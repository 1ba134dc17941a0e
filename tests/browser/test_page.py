"""The chat page in a real browser: cited answers, source cards, filters, uploads,
abstentions, hostile article text, and no request leaving the machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fixture_articles import UPLOADED, write_jsonl

pytestmark = pytest.mark.browser

TIMEOUT_MS = 60_000
BRIDGE_QUESTION = "Who reopened the Riverside bridge and how long will its cables last?"


def ask(page: Any, question: str) -> Any:
    """Type the question, press Enter, and return the new reply bubble."""
    before = page.locator("#newsqa-conversation .newsqa-bubble.newsqa-question").count()
    box = page.locator("#newsqa-question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#newsqa-conversation .newsqa-question').length > n",
        arg=before,
        timeout=TIMEOUT_MS,
    )
    return page.locator("#newsqa-conversation .newsqa-bubble:not(.newsqa-question)").last


def test_cited_answer_with_source_cards(open_page: Any, screenshots: Path | None) -> None:
    page = open_page(1400)
    answer = ask(page, BRIDGE_QUESTION)
    lead = answer.locator(".newsqa-lead").inner_text()
    assert "reopened on Monday" in lead and "fifty years" in lead
    assert page.locator("#newsqa-question textarea").evaluate("e => e === document.activeElement")

    first = answer.locator("a.newsqa-cite").first
    n = first.get_attribute("data-n")
    first.click()
    card = page.locator(f"#newsqa-sources .newsqa-card[data-n='{n}']").first
    page.wait_for_function(
        "el => el.classList.contains('newsqa-highlight')", arg=card.element_handle()
    )
    assert card.is_visible()
    marked = card.locator("mark.newsqa-cited.newsqa-highlight")
    assert marked.count() == 1
    card_text = card.inner_text()
    # the sentence quoted with that [n], marked inside its paragraph
    assert marked.inner_text() in lead and "fifty years" in marked.inner_text()
    assert "Local cafes" in marked.locator("xpath=..").inner_text()
    assert "Valley Courier" in card_text and "Crowds cross the Riverside bridge" in card_text
    link = card.locator("a.newsqa-link")
    assert link.get_attribute("href") == "https://courier.example/bridge-crowds"
    assert link.get_attribute("rel") == "noopener noreferrer"

    more = answer.locator("details.newsqa-more")
    assert more.count() == 1 and not more.locator("p").is_visible()
    more.locator("summary").click()
    assert more.locator("p").is_visible() and more.locator("a.newsqa-cite").count() >= 1

    answer.locator("button.newsqa-copy").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "reopened on Monday" in copied and "Sources:" in copied
    assert "[Riverside bridge reopens after repairs](<https://harbor.example/riverside-bridge>)" in copied

    if screenshots:
        page.screenshot(path=str(screenshots / "page-desktop.png"))
