"""The chat page in a real browser: cited answers, source cards, filters, uploads,
abstentions, hostile article text, and no request leaving the machine."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from browser.driving import TIMEOUT_MS, ask
from browser.fixture_articles import ARTICLES, UPLOADED, write_jsonl

pytestmark = pytest.mark.browser

BRIDGE_QUESTION = "Who reopened the Riverside bridge and how long will its cables last?"


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

    if screenshots:
        page.screenshot(path=str(screenshots / "page-desktop.png"))
    answer.locator("button.newsqa-copy").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "reopened on Monday" in copied and "Sources:" in copied
    assert (
        "[Riverside bridge reopens after repairs](<https://harbor.example/riverside-bridge>)"
        in copied
    )


def test_outlet_filter_limits_the_next_question(open_page: Any) -> None:
    page = open_page(1400)
    page.locator("#newsqa-outlets input").click()
    page.get_by_role("option", name="Harbor Times").click()
    page.keyboard.press("Escape")
    answer = ask(page, BRIDGE_QUESTION)
    shown = page.locator("#newsqa-conversation .newsqa-question").last.inner_text()
    assert "only Harbor Times" in shown
    cards = page.locator("#newsqa-sources .newsqa-turn-sources:not([hidden]) .newsqa-card")
    assert cards.count() >= 1
    outlets = [m.inner_text() for m in cards.locator(".newsqa-meta").all()]
    assert all("Harbor Times" in o and "Valley Courier" not in o for o in outlets), outlets
    assert "fifty years" not in answer.inner_text()  # the other outlet's sentence is gone


def test_date_filter_in_another_style_and_a_bad_date(open_page: Any) -> None:
    page = open_page(1400)
    page.locator("#newsqa-since textarea").fill("5 March 2024")
    answer = ask(page, BRIDGE_QUESTION)
    assert "fifty years" in answer.inner_text() and "reopened on Monday" not in answer.inner_text()
    page.locator("#newsqa-since textarea").fill("the day after never")
    reply = ask(page, BRIDGE_QUESTION)
    assert "cannot read the date" in reply.inner_text()


def test_unrelated_question_is_an_abstention(open_page: Any) -> None:
    page = open_page(1400)
    answer = ask(page, "How do I bake sourdough bread?")
    assert "newsqa-abstained" in (answer.get_attribute("class") or "")
    text = answer.inner_text()
    assert "The articles don't say." in text and "sourdough" in text
    assert "closest articles" in text.lower()
    assert answer.locator("a.newsqa-cite").count() == 0
    panel = page.locator("#newsqa-sources .newsqa-turn-sources:not([hidden])")
    assert "No sources cited" in panel.inner_text()
    assert panel.locator(".newsqa-card").count() == 0


def test_hostile_article_text_stays_text(open_page: Any, requests: Any) -> None:
    page = open_page(1400)
    answer = ask(page, "What will the ferry terminal expansion add?")
    answer.locator("a.newsqa-cite").first.click()
    page.locator("#newsqa-add").click()  # a moment of page life for any handler to fire
    assert page.evaluate("window.__pwned") is None and not requests.dialogs
    for area in ("#newsqa-conversation", "#newsqa-sources", "#newsqa-examples", "#newsqa-status"):
        assert page.locator(f"{area} script, {area} img, {area} i").count() == 0, area
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert "two new berths" in answer.inner_text()
    assert "<script>" in answer.inner_text()  # shown as the characters it is
    card = page.locator("#newsqa-sources .newsqa-card.newsqa-highlight")
    assert "<script>" in card.inner_text() and "<i>Pirate</i> Post" in card.inner_text()
    assert card.locator("a").count() == 0  # its javascript: URL gives no link at all


def test_upload_then_ask_without_restart(open_page: Any, page_server: Any, tmp_path: Path) -> None:
    page = open_page(1400)
    before = ask(page, "What did the zoo name the twin panda cubs?")
    assert "Mei and Lan" not in before.inner_text()
    page.locator("#newsqa-add").click()
    upload = write_jsonl(tmp_path / "../new articles.jsonl", UPLOADED)
    page.locator("#newsqa-files input[type=file]").set_input_files(str(upload))
    page.locator("#newsqa-files").get_by_text("new_articles.jsonl", exact=False).or_(
        page.locator("#newsqa-files").get_by_text("new articles.jsonl", exact=False)
    ).first.wait_for(timeout=TIMEOUT_MS)
    page.locator("#newsqa-add-button").click()
    summary = page.locator("#newsqa-upload-summary tr[data-count='added']")
    summary.wait_for(timeout=TIMEOUT_MS)
    assert summary.inner_text().split()[-1] == "2"
    assert "6" in page.locator("#newsqa-status [data-stat='articles']").inner_text()
    saved = list((page_server.index_dir / "uploads").rglob("*.jsonl"))
    assert [p.name for p in saved] == ["new_articles.jsonl"]
    answer = ask(page, "What did the zoo name the twin panda cubs?")
    assert "Mei and Lan" in answer.inner_text()
    card = page.locator("#newsqa-sources .newsqa-turn-sources:not([hidden]) .newsqa-card").first
    assert "City zoo names its twin panda cubs" in card.inner_text()


def test_a_dot_file_does_not_fail_the_rest_of_the_upload(
    open_page: Any, page_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Gradio refuses a dot-file in its temporary folder when that folder lies inside the
    working directory, which failed the whole batch; each file is now judged on its own."""
    from gradio.utils import get_upload_folder

    gradio_folder = Path(get_upload_folder())
    monkeypatch.chdir(gradio_folder.parent)
    token = uuid.uuid4().hex
    hidden = tmp_path / ".hidden.txt"
    hidden.write_text(f"Lighthouse keeper retires\nThe keeper retired on Friday ({token}).")
    other = tmp_path / "other.txt"
    other.write_text(f"Ferry timetable changes\nThe ferry sails less in winter ({token}).")
    page = open_page(1400)
    page.locator("#newsqa-add").click()
    page.locator("#newsqa-files input[type=file]").set_input_files([str(hidden), str(other)])
    page.locator("#newsqa-files").get_by_text("other", exact=True).first.wait_for(
        timeout=TIMEOUT_MS
    )
    page.locator("#newsqa-add-button").click()
    summary = page.locator("#newsqa-upload-summary tr[data-count='added']")
    summary.wait_for(timeout=TIMEOUT_MS)
    assert summary.inner_text().split()[-1] == "2"
    titles = {t for (t,) in page_server.qa.store.catalogue.db.execute("SELECT title FROM articles")}
    assert {"Lighthouse keeper retires", "Ferry timetable changes"} <= titles
    kept = {p.name for p in (page_server.index_dir / "uploads").rglob("*.txt")}
    assert {"hidden.txt", "other.txt"} <= kept
    left = [p for p in gradio_folder.rglob("*.txt") if p.is_file() and token in p.read_text()]
    assert left == [], "Gradio's temporary copies were kept"


def test_narrow_screen_stacks_the_columns(open_page: Any, screenshots: Path | None) -> None:
    page = open_page(400)
    ask(page, BRIDGE_QUESTION)
    chat = page.locator("#newsqa-conversation").bounding_box()
    sources = page.locator("#newsqa-sources").bounding_box()
    assert chat and sources and sources["y"] >= chat["y"] + chat["height"]
    assert sources["width"] <= 400 and chat["width"] <= 400
    if screenshots:
        page.screenshot(path=str(screenshots / "page-narrow.png"), full_page=True)


def test_outlet_filter_survives_a_correction_that_removes_its_outlet(
    open_own_page: Any, own_page_server: Any, tmp_path: Path
) -> None:
    page = open_own_page(1400)
    page.locator("#newsqa-outlets input").click()
    page.get_by_role("option", name="Harbor Times").click()
    page.keyboard.press("Escape")
    # a correction of Harbor Times's only article: same URL, another outlet
    page.locator("#newsqa-add").click()
    corrected = [{**ARTICLES[0], "source": "Harbour Gazette"}]
    upload = write_jsonl(tmp_path / "correction.jsonl", corrected)
    page.locator("#newsqa-files input[type=file]").set_input_files(str(upload))
    page.locator("#newsqa-files").get_by_text("correction.jsonl").first.wait_for(timeout=TIMEOUT_MS)
    page.locator("#newsqa-add-button").click()
    updated = page.locator("#newsqa-upload-summary tr[data-count='updated']")
    updated.wait_for(timeout=TIMEOUT_MS)
    assert updated.inner_text().split()[-1] == "1"
    note = page.locator("#newsqa-outlet-note")
    assert "No article in the index is from Harbor Times" in note.inner_text()

    answer = ask(page, BRIDGE_QUESTION)  # before the fix: a red "Error" popup, no reply
    assert "reopened on Monday" in answer.inner_text()
    assert "only" not in page.locator("#newsqa-conversation .newsqa-question").last.inner_text()
    assert page.locator(".toast-body").count() == 0

    # an outlet removed behind the page's back (`newsqa remove`): the question says so
    page.locator("#newsqa-outlets input").click()
    page.get_by_role("option", name="Metro Wire").click()
    page.keyboard.press("Escape")
    own_page_server.qa.remove(["https://metro.example/library-budget"])
    refused = ask(page, "What will the new central library hold?")
    assert "newsqa-error" in (refused.get_attribute("class") or "")
    assert "no article in the index is from Metro Wire" in refused.inner_text()
    again = ask(page, "Who reopened the Riverside bridge?")  # the filter was cleared
    assert "newsqa-error" not in (again.get_attribute("class") or "")
    assert "only" not in page.locator("#newsqa-conversation .newsqa-question").last.inner_text()
    assert "Elena Ruiz" in again.inner_text() or "reopened" in again.inner_text()
    assert page.locator(".toast-body").count() == 0
