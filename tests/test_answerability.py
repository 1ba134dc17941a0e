"""Answers a fact-checker can trust: the lead must hold what the question asks, or the
answer says what the archive lacks."""

from __future__ import annotations

import re
from dataclasses import fields

import pytest

from newsqa.answering.abstention import what_is_missing
from newsqa.answering.answerability import Answerability, EvidenceSignals
from newsqa.answering.typed_sentences import has_answer_type
from newsqa.api import NewsQA
from newsqa.articles import make_article
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import build_from_articles
from newsqa.question import analyse_question
from newsqa.question.answer_type import expected_type
from newsqa.question.truecase import archive_form, recased

ARCHIVE = [
    make_article(
        title="Council approves harbour bridge repair budget",
        body=(
            "The Port Elwyn council approved an emergency budget of $40 million to repair the "
            "Harbour Bridge on Monday. Engineers said the cracked steel supports would be "
            "replaced over the summer. The bridge carries about 30,000 vehicles a day."
        ),
        source="Coastal Courier",
        published_at="2024-03-04T09:00:00+00:00",
        url="https://courier.example/bridge-budget",
    ),
    make_article(
        title="What next for the harbour bridge?",
        body=(
            "What will happen to the Harbour Bridge now? Commuters crowded onto ferries for a "
            "second week as the Harbour Bridge stayed closed. Ferry operator Bluewater Lines "
            "added ten sailings a day. Shop owners near the bridge said trade had fallen."
        ),
        source="Elwyn Daily",
        published_at="2024-03-06T12:00:00+00:00",
        url="https://daily.example/bridge-ferries",
    ),
    make_article(
        title="Mayor Lena Ortiz resigns over bridge closure",
        body=(
            "Mayor Lena Ortiz resigned on Friday, saying she took responsibility for the "
            "Harbour Bridge closure. Deputy mayor Sam Okafor will lead the council until an "
            "election is held."
        ),
        source="Coastal Courier",
        published_at="2024-03-08T17:00:00+00:00",
        url="https://courier.example/ortiz-resigns",
    ),
    make_article(
        title="Lena Ortiz returns as mayor after council vote",
        body=(
            "Lena Ortiz returned as mayor of Port Elwyn on Tuesday after the council voted to "
            "reject her resignation. Ortiz said she would see the bridge repairs through."
        ),
        source="Elwyn Daily",
        published_at="2024-03-19T15:00:00+00:00",
        url="https://daily.example/ortiz-returns",
    ),
    make_article(
        title="Orchard growers expect record apple harvest",
        body=(
            "Apple growers in the Kessel Valley expect a record harvest this autumn after a mild "
            "spring. Farmer Tomas Reyes said his orchard would pick 20 percent more fruit than "
            "last year."
        ),
        source="Valley Farmer",
        published_at="2024-02-20T08:00:00+00:00",
        url="https://farmer.example/apple-harvest",
    ),
]
AMOUNT = re.compile(r"[$€£]\s?\d|\d[\d,.]*\s*(million|billion|percent|%)", re.I)


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory, embedder) -> NewsQA:  # type: ignore[no-untyped-def]
    index_dir = tmp_path_factory.mktemp("answerability") / "index"
    build_from_articles(ARCHIVE, BuildSettings(index_dir=index_dir), embedder)
    return NewsQA.open(index_dir)


def test_off_archive_question_abstains(qa: NewsQA) -> None:
    answer = qa.ask("How many people died in the earthquake in Morocco?")
    assert answer.abstained
    assert answer.citations == []
    assert answer.text.startswith("The articles don't say.")


def test_topic_covered_but_fact_missing_says_what_is_missing(qa: NewsQA) -> None:
    answer = qa.ask("Which construction company won the contract to repair the Harbour Bridge?")
    assert answer.abstained
    assert answer.citations == []
    assert "These articles discuss" in answer.text
    assert "but none mentions" in answer.text
    assert "contract" in answer.text.split("but none mentions", 1)[1]


def test_how_much_question_leads_with_an_amount(qa: NewsQA) -> None:
    answer = qa.ask("How much money did the council approve for the bridge repairs?")
    assert not answer.abstained
    first = answer.lead_citations[0]
    assert AMOUNT.search(first.sentence), first.sentence
    assert first.url == "https://courier.example/bridge-budget"
    assert 0.0 < answer.confidence <= 1.0


def test_change_over_time_question_leads_with_the_latest_statement(qa: NewsQA) -> None:
    answer = qa.ask("Is Lena Ortiz still the mayor of Port Elwyn?")
    assert not answer.abstained
    first = answer.lead_citations[0]
    assert first.url == "https://daily.example/ortiz-returns", answer.text
    dates = [c.published_at or "" for c in answer.lead_citations]
    assert dates == sorted(dates, reverse=True)


def test_headings_and_questions_are_not_evidence(qa: NewsQA) -> None:
    answer = qa.ask("What happened to the Harbour Bridge commuters?")
    assert not answer.abstained
    for citation in answer.citations:
        assert not citation.sentence.rstrip().endswith("?")
        assert citation.sentence != "What next for the harbour bridge?"


def test_min_confidence_trades_answers_for_certainty(qa: NewsQA) -> None:
    question = "How much money did the council approve for the bridge repairs?"
    sure = NewsQA.open(qa.settings.index_dir, min_confidence=0.999)
    answer = qa.ask(question)
    assert sure.ask(question).abstained == (answer.confidence < 0.999)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which wildly popular show was green lit for a new season?", "name"),
        ("Where did the data leak occur?", "name"),
        ("Which company won the contract?", "person"),
        ("How much will borrowers receive?", "number"),
        ("Biden announced loan relief on Wednesday. How much will borrowers get?", "number"),
        ("Despite falling lately, how much have gas prices risen in a year?", "number"),
        ("What was the magnitude of the quake?", "number"),
        ("The agency approved a vaccine. When will it be available?", "date"),
        ("What NFL star announced his retirement on Tuesday?", "person"),
        ("What percentage of adults disapprove of the decision to overturn Roe v. Wade?", "number"),
        ("Why were the SUVs recalled?", None),
        ("What did she say?", None),
    ],
)
def test_questions_say_what_kind_of_answer_they_expect(question: str, kind: str | None) -> None:
    assert expected_type(question) == kind


def test_a_which_question_wants_a_name_the_question_does_not_hold() -> None:
    asked = "which wildly popular show was green lit for a new season?"
    assert has_answer_type("“Squid Game” is officially coming back.", "name", asked)
    assert has_answer_type("Its maker, Netflix, said the show would return.", "name", asked)
    # a weekday is not a name, and neither is a word the question already uses
    assert not has_answer_type("The show was green lit on Sunday.", "name", asked)
    assert not has_answer_type("the Wildly Popular show is back.", "name", asked)


def test_which_question_whose_lead_names_nothing_says_a_name_is_missing() -> None:
    question = analyse_question("Which shipyard will build the new harbour ferries?")
    signals = EvidenceSignals(*[0.0] * len(fields(EvidenceSignals)))
    verdict = Answerability(signals, 0.1, missing_words=(), missing_slot="name")
    [gap] = what_is_missing(question, verdict)
    assert gap.startswith("These articles discuss") and "ferries" in gap
    assert "none gives a name" in gap


@pytest.mark.parametrize(
    "announcement",
    [
        "The streaming service announced on Sunday that its wildly popular drama",
        # names other things (the service, a country) but only refers to "the … drama"
        "Streamly announced on Sunday that the wildly popular Korean drama",
    ],
)
def test_which_question_leads_with_the_sentence_naming_the_answer(
    tmp_path_factory: pytest.TempPathFactory,
    embedder,  # type: ignore[no-untyped-def]
    announcement: str,
) -> None:
    """The sentence echoing the question comes with the one beside it that names the answer."""
    index_dir = tmp_path_factory.mktemp("beside") / "index"
    renewal = make_article(
        title="Streaming service renews its hit drama",
        body=(
            f"“Harbour Lights” is officially coming back. {announcement} was renewed for a "
            "second season. Filming starts next spring in the old port."
        ),
        source="Screen Weekly",
        published_at="2024-06-13T10:00:00+00:00",
        url="https://screen.example/renewal",
    )
    build_from_articles([*ARCHIVE, renewal], BuildSettings(index_dir=index_dir), embedder)
    answer = NewsQA.open(index_dir).ask(
        "Which wildly popular drama was renewed for a second season?"
    )
    assert not answer.abstained
    lead = answer.text.split("\n\n")[0]
    assert "Harbour Lights" in lead and "renewed for a second season" in lead


def test_a_question_typed_in_lowercase_finds_the_names_the_archive_capitalises() -> None:
    texts = [
        "Fans cheered as the Riverton Foxes lifted the Stanley Cup on Sunday.",
        "It was the first Stanley Cup for the club. The cup was passed around.",
        "Stanley Cup winners rarely repeat, said coach Ana Ruiz. The Stanley Cup final drew crowds.",
        "Officials of the NHL said the NHL final drew record ratings. NHL rules changed.",
        "The NHL season ends this year. This year the final was late.",
    ]

    def texts_of(word: str) -> list[str]:
        return [t for t in texts if word in t.lower()]

    asked = "who won the nhl stanley cup this year?"
    assert recased(asked, texts_of) == "who won the NHL Stanley Cup this year?"
    assert recased("Who won the stanley cup?", texts_of) == "Who won the stanley cup?"
    # "Stanley" opening a sentence says nothing; here it is seen mid-sentence often enough
    assert archive_form("stanley", texts) == "Stanley"
    assert archive_form("nhl", texts) == "NHL"
    assert archive_form("final", texts) is None  # "the NHL final drew record ratings"


def test_names_of_a_lowercase_question_are_checked_like_a_cased_ones(qa: NewsQA) -> None:
    assert "Harbour" in qa.analyse("what did the harbour bridge authority decide?").names
    assert (
        qa.analyse("what did the harbour bridge authority decide?").names
        == qa.analyse("What did the Harbour bridge authority decide?").names
    )
