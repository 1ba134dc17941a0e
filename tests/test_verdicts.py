"""Yes/no questions open with a verdict: "Yes"/"No" from two reports' dates when the question
asks which came first, "The articles don't settle this" when they don't, nothing otherwise."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from hashed_embedder import hashed_newsqa
from newsqa.api import NewsQA
from newsqa.articles import make_article
from newsqa.question.outlets import OutletDirectory
from newsqa.question.yes_no import yes_no_form
from newsqa.records import NO_VERDICT_TEXT, UNSETTLED_TEXT

ENGADGET = make_article(
    title="Steam Deck OLED review: a better screen and longer battery life",
    body=(
        "Valve's Steam Deck OLED has a brighter HDR screen and a bigger battery. "
        "The Steam Deck OLED goes on sale on November 16th for $549. "
        "We found the handheld runs cooler and quieter than the original model."
    ),
    source="Engadget",
    published_at="2023-11-09T18:00:38+00:00",
    url="https://example.com/engadget/steam-deck-oled",
)
VERGE = make_article(
    title="Valve teases a new Steam Deck",
    body=(
        "Valve is preparing a refreshed Steam Deck OLED handheld with a new screen. "
        "The company would not say when the Steam Deck OLED will ship. "
        "Fans have asked for a brighter display since launch."
    ),
    source="The Verge",
    published_at="2023-11-01T12:00:00+00:00",
    url="https://example.com/verge/steam-deck-tease",
)
BAKERY = make_article(
    title="Harbour bakery wins regional bread award",
    body=(
        "The Harbour Street bakery won the regional sourdough award on Saturday. "
        "Its owner, Mara Quint, said the recipe came from her grandmother. "
        "The bakery will open a second shop in the spring."
    ),
    source="Coastal Courier",
    published_at="2023-10-02T09:00:00+00:00",
    url="https://example.com/courier/bakery-award",
)


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> NewsQA:
    return hashed_newsqa(tmp_path_factory.mktemp("verdicts") / "index", [ENGADGET, VERGE, BAKERY])


def test_which_report_came_first_is_settled_by_their_dates(qa: NewsQA) -> None:
    """Engadget's review (9 Nov) came out after The Verge's report (1 Nov): "after" is yes,
    "before" is no, and the verdict names both dates, each with the [n] of its article."""
    after = qa.ask("Did the Engadget review of the Steam Deck OLED come out after The Verge's?")
    assert after.verdict == "yes"
    assert after.text.startswith("Yes: ")
    numbers = {c.source: c.n for c in after.citations}
    assert after.verdict_line == (
        f"Yes: the Engadget report (9 Nov 2023) [{numbers['Engadget']}] came out after "
        f"The Verge’s (1 Nov 2023) [{numbers['The Verge']}]."
    )
    # the dated reports' own sentences are the reasons that lead the answer
    assert {c.source for c in after.lead_citations[:2]} == {"Engadget", "The Verge"}
    before = qa.ask(
        "Did Engadget report on the Steam Deck OLED screen before The Verge reported on it?"
    )
    assert before.verdict == "no"
    assert before.text.startswith("No: the Engadget report (9 Nov 2023)")
    assert "came out after The Verge’s (1 Nov 2023)" in before.verdict_line
    turned = qa.ask(
        "Did Engadget fail to report on the Steam Deck OLED screen before The Verge reported on it?"
    )
    assert turned.verdict == "yes"


def test_a_yes_no_question_the_articles_do_not_settle(qa: NewsQA) -> None:
    """Only one side of the order question is in the archive: no verdict, and the answer
    says which report was found, with its date, and which was not."""
    answer = qa.ask(
        "Did the Coastal Courier report on the bakery award before Engadget reported on it?"
    )
    assert answer.verdict == "unsettled"
    assert answer.text.startswith(UNSETTLED_TEXT)
    assert "no Engadget report on this was found" in answer.verdict_line
    assert "Coastal Courier’s is dated 2 Oct 2023" in answer.verdict_line
    away = qa.ask("Did the city council approve the new tram line budget?")
    assert away.verdict == "unsettled"
    assert away.text.startswith(UNSETTLED_TEXT)


def test_other_questions_get_no_verdict_and_an_unchanged_answer(tmp_path: Path) -> None:
    """A question that is not yes/no: verdict "none", and the same answer as with verdicts
    switched off."""
    articles = [ENGADGET, VERGE, BAKERY]
    on = hashed_newsqa(tmp_path / "on", articles)
    off = hashed_newsqa(tmp_path / "off", articles, verdicts=False)
    question = "When does the Steam Deck OLED go on sale?"
    answer = on.ask(question)
    assert answer.verdict == "none" and answer.verdict_line == ""
    assert answer.text == off.ask(question).text
    assert "November 16th" in answer.text
    assert json.loads(json.dumps(answer.to_dict()))["verdict"] == "none"


def test_yes_no_questions_are_told_from_others() -> None:
    directory = OutletDirectory(["Engadget", "The Verge", "TechCrunch"])
    assert yes_no_form("Did Sam Altman return to OpenAI?") is not None
    assert yes_no_form("Between the TechCrunch and Verge reports, was there a change?") is not None
    assert yes_no_form("Who runs OpenAI?") is None
    assert yes_no_form("Was the fine paid in euros or dollars?") is None
    order = yes_no_form("Was the TechCrunch article published before The Verge's?", directory)
    assert order is not None and order.order is not None
    assert order.order.before and order.order.first.outlets == ("TechCrunch",)
    assert order.order.second.outlets == ("The Verge",)
    # how two reports relate is not settled by their dates
    related = yes_no_form(
        "Did TechCrunch's account change after The Verge reported the deal?", directory
    )
    assert related is not None and related.order is None


def test_the_verdict_opens_the_answer_on_every_face(qa: NewsQA) -> None:
    """The terminal, the page and the Markdown copy all start with the verdict line; the
    page escapes the article text in it."""
    import io

    from rich.console import Console

    from newsqa.rendering import copy_markdown
    from newsqa.terminal import print_answer
    from newsqa.ui.bubbles import reply_html
    from newsqa.ui.turns import Filters, Turn

    answer = qa.ask("Did the Engadget review of the Steam Deck OLED come out after The Verge's?")
    out = io.StringIO()
    print_answer(Console(file=out, width=200, color_system=None), answer)
    assert out.getvalue().startswith("Yes: the Engadget report (9 Nov 2023)")
    assert copy_markdown(answer).startswith("Yes: the Engadget report (9 Nov 2023)")
    hostile = replace(answer, verdict_line="Yes: <script>alert(1)</script> [1]")
    page = reply_html(0, Turn(0, "q", Filters(), hostile), True)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.index("newsqa-verdict") < page.index("newsqa-lead")


def test_the_verdict_model_ships_with_the_package() -> None:
    """The weights `newsqa train-verdicts` writes load, over the features the code computes,
    with a bar at the precision verdicts aim at."""
    from newsqa.answering.verdict_model import load_verdict_model

    model = load_verdict_model()
    assert model is not None
    assert 0.5 < model.bar <= 0.99
    assert model.date_precision >= 0.9


def test_an_unsettled_answer_says_what_each_named_outlet_was_found_saying(qa: NewsQA) -> None:
    """No verdict is sure enough: the first line names each outlet asked about with the [n]
    of what it says, or says nothing from it was found."""
    answer = qa.ask(
        "Does Engadget say the Steam Deck OLED has a brighter screen, while the Coastal "
        "Courier says it is sold out?"
    )
    assert answer.verdict == "unsettled", answer.verdict_line
    engadget = next(c.n for c in answer.citations if c.source == "Engadget")
    assert answer.verdict_line.startswith(f"{UNSETTLED_TEXT} What each side found: Engadget [")
    assert f"Engadget [{engadget}]" in answer.verdict_line
    assert answer.verdict_line.endswith("; nothing from Coastal Courier.")


def test_an_unsure_verdict_says_so_and_does_not_blame_the_articles(qa: NewsQA) -> None:
    """Both outlets asked about are cited, but the verdict model is not sure enough: the
    first line says newsqa cannot tell (not that the articles don't settle it) and names
    what each outlet says."""
    answer = qa.ask(
        "Does Engadget say the Steam Deck OLED has a brighter screen, and does The Verge say "
        "Valve would not say when it will ship?"
    )
    assert answer.verdict == "unsettled", answer.verdict_line
    assert answer.verdict_line.startswith(f"{NO_VERDICT_TEXT} What each side found: ")
    assert not answer.text.startswith(UNSETTLED_TEXT)
    assert "nothing from" not in answer.verdict_line
