"""Reports that differ on what is asked are shown side by side ("Reports differ: 2,012 —
Reuters, 10 Sep 2023 [1]; 2,946 — AP, 14 Sep 2023 [2]"); one value in two forms is not a
disagreement."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from hashed_embedder import hashed_newsqa
from newsqa.answering.disagreement import disagreement_line
from newsqa.answering.reported_values import stated_values
from newsqa.api import NewsQA
from newsqa.articles import make_article
from newsqa.records import ReportedValue
from newsqa.rendering import copy_markdown
from newsqa.ui.bubbles import reply_html
from newsqa.ui.turns import Filters, Turn

REUTERS = make_article(
    title="Morocco earthquake: rescuers search mountain villages",
    body=(
        "Rescuers dug through rubble in the Atlas mountains on Sunday. "
        "The earthquake in Morocco killed 2,012 people, the interior ministry said. "
        "Aid convoys struggled to reach the remote villages south of Marrakech."
    ),
    source="Reuters",
    published_at="2023-09-10T08:00:00+00:00",
    url="https://example.com/reuters/morocco-quake",
)
AP = make_article(
    title="Morocco quake survivors sleep outdoors as aftershocks continue",
    body=(
        "Families slept in the streets for a fourth night as aftershocks shook the region. "
        "The earthquake in Morocco killed 2,946 people, the interior ministry said. "
        "Field hospitals opened in Amizmiz and Asni to treat the injured."
    ),
    source="AP",
    published_at="2023-09-14T16:30:00+00:00",
    url="https://example.com/ap/morocco-quake-survivors",
)
TECHDAILY = make_article(
    title="Messaging deal closes after regulators approve",
    body=(
        "Regulators approved the deal on Monday after a long review. "
        "The messaging app Quillchat was bought by Facebook for $19 billion, the companies said. "
        "Its founders will stay on to run the service."
    ),
    source="Tech Daily",
    published_at="2023-03-02T10:00:00+00:00",
    url="https://example.com/techdaily/quillchat-deal",
)
MARKETWIRE = make_article(
    title="Quillchat founders stay on after the sale",
    body=(
        "Quillchat's two founders said they would keep the app free of advertising. "
        "The messaging app Quillchat was bought by Facebook Inc. for $19 billion last year. "
        "The app now counts half a billion users around the world."
    ),
    source="Market Wire",
    published_at="2023-03-09T10:00:00+00:00",
    url="https://example.com/marketwire/quillchat-founders",
)


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> NewsQA:
    return hashed_newsqa(
        tmp_path_factory.mktemp("disagreement") / "index", [REUTERS, AP, TECHDAILY, MARKETWIRE]
    )


def test_two_outlets_disagreeing_on_a_death_toll_are_shown_side_by_side(qa: NewsQA) -> None:
    answer = qa.ask("How many people did the earthquake in Morocco kill?")
    assert not answer.abstained
    numbers = {c.source: c.n for c in answer.citations}
    assert {v.value for v in answer.disagreement} == {"2,012", "2,946"}
    by_value = {v.value: v for v in answer.disagreement}
    assert by_value["2,012"].citations == (numbers["Reuters"],)
    assert by_value["2,012"].outlets == ("Reuters",)
    assert by_value["2,946"].citations == (numbers["AP"],)
    assert by_value["2,946"].dates == ("2023-09-14",)
    assert f"2,012 — Reuters, 10 Sep 2023 [{numbers['Reuters']}]" in answer.disagreement_line
    assert f"2,946 — AP, 14 Sep 2023 [{numbers['AP']}]" in answer.disagreement_line
    assert answer.text.startswith("Reports differ: ")
    # both stating sentences lead the answer, each cited
    lead = {(c.source, c.sentence) for c in answer.lead_citations}
    assert (
        "Reuters",
        "The earthquake in Morocco killed 2,012 people, the interior ministry said.",
    ) in lead
    assert (
        "AP",
        "The earthquake in Morocco killed 2,946 people, the interior ministry said.",
    ) in lead
    # every face shows it: JSON, Markdown, the page (escaped)
    data = json.loads(json.dumps(answer.to_dict()))
    assert data["disagreement_line"] == answer.disagreement_line
    assert sorted(v["value"] for v in data["disagreement"]) == ["2,012", "2,946"]
    markdown = copy_markdown(answer).replace("\\[", "[").replace("\\]", "]")
    assert answer.disagreement_line in markdown
    html = reply_html(0, Turn(0, answer.question, Filters(), answer), False)
    assert "newsqa-disagreement" in html and "2,946 — AP, 14 Sep 2023" in html


def test_one_value_in_two_forms_is_no_disagreement(qa: NewsQA) -> None:
    answer = qa.ask("Which company bought the messaging app Quillchat?")
    assert not answer.abstained
    assert "Facebook" in answer.text
    assert answer.disagreement == []
    assert answer.disagreement_line == ""
    assert not answer.text.startswith("Reports differ")


def test_forms_of_one_value_match() -> None:
    def one(sentence: str, kind: str) -> object:
        (value,) = stated_values(sentence, kind, "")
        return value

    assert one("It killed 2,012 people.", "number").same_as(one("It killed 2012 people.", "number"))
    assert not one("It killed 2,012 people.", "number").same_as(
        one("It killed 2,946 people.", "number")
    )
    assert one("Sales hit $1.65 billion.", "number").same_as(
        one("Sales hit $1,650 million.", "number")
    )
    assert one("It opened on Dec 1, 2017.", "date").same_as(
        one("It opened on 1 December 2017.", "date")
    )
    assert not one("It opened on December 1, 2017.", "date").same_as(
        one("It opened on December 21, 2007.", "date")
    )
    shack = one("It went on sale at Radio Shack’s stores.", "name")
    assert shack.same_as(one("It went on sale at Radio Shack's stores.", "name"))
    bought = stated_values("It was bought by Facebook Inc. last year.", "name", "")
    assert any(v.same_as(one("It was bought by Facebook.", "name")) for v in bought)


def test_the_line_groups_each_values_outlets() -> None:
    line = disagreement_line(
        [
            ReportedValue("2,012", (1, 3), ("Reuters", "BBC"), ("2023-09-10", "2023-09-10")),
            ReportedValue("2,946", (2,), ("AP",), ("2023-09-14",)),
        ]
    )
    assert line == (
        "Reports differ: 2,012 — Reuters, 10 Sep 2023 [1], BBC, 10 Sep 2023 [3]; "
        "2,946 — AP, 14 Sep 2023 [2]."
    )


def test_the_page_escapes_the_line(qa: NewsQA) -> None:
    answer = qa.ask("How many people did the earthquake in Morocco kill?")
    hostile = replace(answer, disagreement_line="Reports differ: <script>x</script> — AP [1].")
    html = reply_html(0, Turn(0, answer.question, Filters(), hostile), False)
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
