"""Driving the chat page as a reader does: asking, and checking that what they need to see
and click is really there on screen (not covered by anything, not scrolled out of sight)."""

from __future__ import annotations

from typing import Any

TIMEOUT_MS = 60_000
QUESTION_BOX = "#newsqa-question textarea"
CONVERSATION = "#newsqa-conversation"
LAST_ANSWER = f"{CONVERSATION} .newsqa-bubble:not(.newsqa-question)"

# What is drawn at the centre of `el` once it is scrolled into view: null when it is `el` or
# inside it, else a description of what covers it.
_COVERED_BY = """el => {
  el.scrollIntoView({ block: "center", inline: "nearest" });
  const box = el.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const hit = document.elementFromPoint(x, y);
  if (hit && (hit === el || el.contains(hit))) return null;
  if (!hit) return `nothing at (${x}, ${y})`;
  const owner = hit.closest("[id]");
  return `${hit.tagName.toLowerCase()}.${hit.className} in #${owner ? owner.id : "?"}`;
}"""

# Where `el` can be seen without scrolling anything: the part of it inside the viewport and
# inside every scrolling box around it, and whether the page draws `el` there (null if all
# is well, else what is wrong).
_UNSEEN = """el => {
  let box = el.getBoundingClientRect();
  let top = Math.max(box.top, 0), bottom = Math.min(box.bottom, window.innerHeight);
  let left = Math.max(box.left, 0), right = Math.min(box.right, window.innerWidth);
  for (let p = el.parentElement; p; p = p.parentElement) {
    const style = getComputedStyle(p);
    if (!/(auto|scroll|hidden)/.test(style.overflowY)) continue;
    const clip = p.getBoundingClientRect();
    top = Math.max(top, clip.top); bottom = Math.min(bottom, clip.bottom);
    left = Math.max(left, clip.left); right = Math.min(right, clip.right);
  }
  if (bottom - top < 24 || right - left < 24) return `only ${Math.max(0, bottom - top)} px of it in view`;
  const hit = document.elementFromPoint((left + right) / 2, (top + bottom) / 2);
  if (hit && (hit === el || el.contains(hit))) return null;
  return hit ? `covered by ${hit.tagName.toLowerCase()}.${hit.className}` : "nothing drawn there";
}"""


def ask(page: Any, question: str) -> Any:
    """Type the question, press Enter, and return the new reply bubble."""
    before = page.locator(f"{CONVERSATION} .newsqa-bubble.newsqa-question").count()
    box = page.locator(QUESTION_BOX)
    box.fill(question)
    box.press("Enter")
    return wait_for_reply(page, before)


def wait_for_reply(page: Any, questions_before: int) -> Any:
    """The reply bubble of the next question, once it and the focus back in the box are in."""
    page.wait_for_function(
        "n => document.querySelectorAll('#newsqa-conversation .newsqa-question').length > n",
        arg=questions_before,
        timeout=TIMEOUT_MS,
    )
    page.wait_for_function(
        f"() => document.activeElement === document.querySelector('{QUESTION_BOX}')",
        timeout=TIMEOUT_MS,
    )
    return page.locator(LAST_ANSWER).last


def covered_by(locator: Any) -> str | None:
    """None when a click at the element's centre reaches it, else what covers it."""
    return locator.evaluate(_COVERED_BY)


def unseen(locator: Any) -> str | None:
    """None when the element is on screen as it is now, else why it cannot be seen."""
    return locator.evaluate(_UNSEEN)
