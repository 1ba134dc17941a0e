"""A conversation of many turns on a wide and a narrow screen: the newest answer stays in view
and nothing the reader needs is ever covered; the page works from the keyboard; clicking an
example asks it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from browser.driving import (
    CONVERSATION,
    LAST_ANSWER,
    QUESTION_BOX,
    TIMEOUT_MS,
    ask,
    covered_by,
    unseen,
    wait_for_reply,
)

pytestmark = pytest.mark.browser

TURNS = [
    "Who reopened the Riverside bridge and how long will its cables last?",
    "Who cut the ribbon at the Riverside bridge?",
    "How much did the bridge repairs cost?",
    "What budget did the council approve for the central library?",
    "When will construction of the library begin?",
    "What will the ferry terminal expansion add?",
    "What did local cafes report on the first day of the Riverside bridge?",
]
CONTROLS = {
    "question box": QUESTION_BOX,
    "Ask": "#newsqa-ask",
    "New conversation": "#newsqa-clear",
    "outlet filter": "#newsqa-outlets input",
    "From": "#newsqa-since textarea",
    "Until": "#newsqa-until textarea",
    "an example": "#newsqa-examples button",
    "Add articles": "#newsqa-add button",
}
ANSWER_CONTROLS = {
    "Copy as Markdown": "button.newsqa-copy",
    "Show sources": "button.newsqa-show",
    "Confidence": ".newsqa-confidence",
}


@pytest.mark.parametrize("width", [1400, 400])
def test_long_conversation_keeps_the_newest_answer_in_view_and_every_control_free(
    open_page: Any, width: int, screenshots: Path | None
) -> None:
    page = open_page(width)
    for turn, question in enumerate(TURNS, 1):
        answer = ask(page, question)
        assert "newsqa-answer" in (answer.get_attribute("class") or ""), question
        # as the page leaves it: the newest question and answer on screen, not covered
        newest = page.locator(f"{CONVERSATION} .newsqa-question").last
        assert newest.inner_text() == question
        assert unseen(answer) is None, f"turn {turn} at {width} px: answer {unseen(answer)}"
        assert unseen(newest) is None, f"turn {turn} at {width} px: question {unseen(newest)}"
        problems = {
            name: covered_by(page.locator(selector).first) for name, selector in CONTROLS.items()
        }
        problems |= {
            name: covered_by(answer.locator(selector)) for name, selector in ANSWER_CONTROLS.items()
        }
        covered = {name: what for name, what in problems.items() if what}
        assert not covered, f"turn {turn} at {width} px: covered controls {covered}"
    # the conversation scrolls inside its own pane, which stays above the question box
    pane = page.locator(f"{CONVERSATION} .newsqa-log")
    assert pane.evaluate("el => el.scrollHeight > el.clientHeight")
    pane_box, box = pane.bounding_box(), page.locator(QUESTION_BOX).bounding_box()
    assert pane_box and box and pane_box["y"] + pane_box["height"] <= box["y"]
    assert page.locator(LAST_ANSWER).count() == len(TURNS)
    if screenshots and width == 400:
        page.locator(QUESTION_BOX).evaluate("el => el.scrollIntoView({ block: 'end' })")
        page.screenshot(path=str(screenshots / "page-conversation-narrow.png"))
    # the sources panel of the newest answer is brought into view by its "Show sources"
    page.locator(LAST_ANSWER).last.locator("button.newsqa-show").click()
    panel = page.locator("#newsqa-sources .newsqa-turn-sources:not([hidden])")
    page.wait_for_function(
        "el => el.getBoundingClientRect().top < innerHeight", arg=panel.element_handle()
    )
    assert "local cafes" in panel.inner_text().lower()


def test_the_page_works_from_the_keyboard(open_page: Any) -> None:
    page = open_page(1400)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    reached = []
    for _ in range(40):  # from the top of the page, Tab by Tab, to the question box
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.closest('[id]')?.id"))
        if page.evaluate(f"() => document.activeElement.matches('{QUESTION_BOX}')"):
            break
    else:
        pytest.fail(f"Tab never reached the question box: {reached}")
    page.keyboard.type("When will construction of the library begin?")
    page.keyboard.press("Enter")
    answer = wait_for_reply(page, 0)
    assert "begin in June" in answer.inner_text()
    ahead = []
    for _ in range(3):
        page.keyboard.press("Tab")
        ahead.append(page.evaluate("() => document.activeElement.id"))
    assert ahead[:2] == ["newsqa-ask", "newsqa-clear"], ahead
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # New conversation, from the keyboard
    page.wait_for_function(
        "() => !document.querySelector('#newsqa-conversation .newsqa-question')",
        timeout=TIMEOUT_MS,
    )


def test_clicking_an_example_answers_it(open_page: Any) -> None:
    page = open_page(1400)
    example = page.locator("#newsqa-examples button").first
    question = example.inner_text().strip()
    assert question.endswith("?") and "..." not in question and "…" not in question
    example.click()
    answer = wait_for_reply(page, 0)
    assert page.locator(f"{CONVERSATION} .newsqa-question").last.inner_text() == question
    assert "newsqa-answer" in (answer.get_attribute("class") or "")
    assert answer.locator("a.newsqa-cite").count() >= 1
