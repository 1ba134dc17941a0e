"""The composer on a small multi-outlet index: verbatim cited sentences, outlets, abstention,
follow-up questions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ANSWER_KEYS
from hashed_embedder import hashed_newsqa
from newsqa.answering.composer import Composer
from newsqa.answering.settings import ComposerSettings
from newsqa.api import NewsQA
from newsqa.articles import Article, make_article
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import build_from_articles
from newsqa.question import analyse_question
from newsqa.records import Answer, Passage

ARTICLES = [
    make_article(
        title="Harbour bridge closes after cracks found in steel supports",
        body=(
            "The Harbour Bridge in Port Elwyn was closed on Tuesday after engineers found cracks "
            "in two steel supports. Mayor Lena Ortiz said the closure would last at least six "
            "weeks. Commuters were told to use the ferry service, which added ten extra sailings "
            "a day.\n\nThe city council approved an emergency repair budget of $40 million. "
            "Ortiz said she would ask the state government to cover half of the cost."
        ),
        source="Coastal Courier",
        published_at="2024-03-05T09:00:00+00:00",
        url="https://courier.example/bridge-closes",
    ),
    make_article(
        title="Engineers warn bridge repairs could take months",
        body=(
            "Engineers inspecting the Harbour Bridge said repairs to the cracked supports could "
            "take three months. The ferry operator Bluewater Lines said demand had tripled since "
            "the closure. Shop owners near the bridge reported a sharp fall in customers.\n\n"
            "A spokesperson for the state transport department said inspections of other "
            "bridges would begin in April."
        ),
        source="Elwyn Daily",
        published_at="2024-03-07T12:00:00+00:00",
        url="https://daily.example/bridge-repairs",
    ),
    make_article(
        title="Orchard growers expect record apple harvest",
        body=(
            "Apple growers in the Kessel Valley expect a record harvest this autumn after a mild "
            "spring. Farmer Tomas Reyes said his orchard would pick 20 percent more fruit than "
            "last year. Cider makers plan to hire seasonal workers to handle the extra apples."
        ),
        source="Valley Farmer",
        published_at="2024-02-20T08:00:00+00:00",
        url="https://farmer.example/apple-harvest",
    ),
    make_article(
        title="Chess prodigy wins national title at fourteen",
        body=(
            "Fourteen-year-old Priya Nandakumar won the national chess championship on Sunday, "
            "becoming the youngest champion in its history. She beat the defending champion in "
            "a tense final game that lasted five hours. Nandakumar said she had trained with her "
            "grandfather since she was six."
        ),
        source="Elwyn Daily",
        published_at="2024-03-10T18:00:00+00:00",
        url="https://daily.example/chess-title",
    ),
]
LIGHTHOUSE = (
    "Lighthouse keeper Agnes Morrow retired on Friday after forty years at the Cape "
    "Verrin light. Morrow said the hardest nights were the winter storms of 1987. The "
    "lighthouse will now be run automatically by the coastal authority."
)
# The same wire story run by a second outlet: indexed as one story carried by both.
ARTICLES += [
    make_article(
        title="Lighthouse keeper retires after forty years",
        body=LIGHTHOUSE,
        source=outlet,
        published_at="2024-03-08T10:00:00+00:00",
        url=url,
    )
    for outlet, url in [
        ("Metro Wire", "https://wire.example/lighthouse-keeper"),
        ("Harbour Gazette", "https://gazette.example/lighthouse"),
    ]
]
BODIES = {a.article_id: a.body for a in ARTICLES}


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory, embedder) -> NewsQA:  # type: ignore[no-untyped-def]
    index_dir = tmp_path_factory.mktemp("multi") / "index"
    build_from_articles(ARTICLES, BuildSettings(index_dir=index_dir), embedder)
    return NewsQA.open(index_dir)


def assert_verbatim(answer: Answer) -> None:
    """Every answer sentence is its article's text at the stated offsets, marked [n]."""
    if answer.abstained:
        assert answer.citations == []
        return
    assert answer.citations
    first_seen: list[str] = []
    for c in answer.citations:
        assert BODIES[c.article_id][c.start : c.end] == c.sentence
        assert f"{c.sentence} [{c.n}]" in answer.text
        if c.article_id not in first_seen:
            first_seen.append(c.article_id)
        assert c.n == first_seen.index(c.article_id) + 1
        assert c.outlets and c.source in c.outlets
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.text)]
    assert markers and markers[0] == 1 and max(markers) == len(first_seen)


@pytest.fixture(scope="module")
def hashed_qa(tmp_path_factory: pytest.TempPathFactory) -> NewsQA:
    """The same articles built and asked with the hashed stand-in: the composer, outlets and
    abstention without the model (the fast tier)."""
    return hashed_newsqa(tmp_path_factory.mktemp("hashed") / "index", ARTICLES)


@pytest.mark.parametrize(
    "question",
    [
        "How long will the Harbour Bridge repairs take?",
        "How much is the emergency repair budget for the bridge?",
        "Who won the national chess championship?",
        "What did the Harbour Gazette report about the lighthouse keeper?",
        "What do cider makers plan?",
        "What is the best recipe for banana bread?",
    ],
)
def test_answers_composed_with_the_stand_in_are_verbatim(hashed_qa: NewsQA, question: str) -> None:
    assert_verbatim(hashed_qa.ask(question))


def test_outlets_named_or_carrying_the_story_shape_the_citations_with_the_stand_in(
    hashed_qa: NewsQA,
) -> None:
    carried = hashed_qa.ask("What did the Harbour Gazette report about the lighthouse keeper?")
    assert not carried.abstained
    assert carried.citations[0].outlets == ("Metro Wire", "Harbour Gazette")
    assert "Metro Wire, Harbour Gazette" in carried.sources_text()
    named = hashed_qa.ask("What did the Elwyn Daily report about the Harbour Bridge closure?")
    assert not named.abstained and {c.source for c in named.citations} == {"Elwyn Daily"}
    both = hashed_qa.ask(
        "How long will the Harbour Bridge repairs take according to the Coastal Courier "
        "and the Elwyn Daily?"
    )
    assert {c.source for c in both.citations} == {"Coastal Courier", "Elwyn Daily"}


def test_unknown_words_and_outlets_abstain_and_say_why_with_the_stand_in(
    hashed_qa: NewsQA,
) -> None:
    unknown = hashed_qa.ask("What is the best recipe for banana bread with walnuts?")
    assert unknown.abstained and unknown.citations == []
    assert "No article mentions" in unknown.text and "banana" in unknown.text
    elsewhere = hashed_qa.ask("What did a Bloomberg article say about the Harbour Bridge closure?")
    assert elsewhere.abstained and "Bloomberg" in elsewhere.text and elsewhere.citations == []


WORDS = sorted({w for a in ARTICLES for w in re.findall(r"[A-Za-z]{4,}", a.body)})
STARTS = ["What", "Who", "When", "How many", "Why", "Did", "What did", "Which outlet"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.sampled_from(STARTS),
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=6),
)
def test_answers_are_verbatim_at_their_offsets(qa: NewsQA, start: str, words: list[str]) -> None:
    question = f"{start} {' '.join(words)}?"
    assert_verbatim(qa.ask(question))


def test_two_outlet_question_cites_both_outlets(qa: NewsQA) -> None:
    answer = qa.ask(
        "How long will the Harbour Bridge repairs take according to the Coastal Courier "
        "and the Elwyn Daily?"
    )
    assert not answer.abstained
    assert {c.source for c in answer.citations} == {"Coastal Courier", "Elwyn Daily"}
    assert_verbatim(answer)


def test_named_outlet_limits_citations_to_it(qa: NewsQA) -> None:
    answer = qa.ask("What did the Elwyn Daily report about the Harbour Bridge closure?")
    assert not answer.abstained
    assert {c.source for c in answer.citations} == {"Elwyn Daily"}


@pytest.mark.parametrize(
    "question",
    ["What is the best recipe for banana bread?", "Who won the 1998 World Cup final?", "hello"],
)
def test_unrelated_question_abstains_and_names_closest(qa: NewsQA, question: str) -> None:
    answer = qa.ask(question)
    assert answer.abstained and answer.citations == []
    assert answer.text.startswith("The articles don't say")


def test_unknown_outlet_and_unknown_name_abstain_with_reason(qa: NewsQA) -> None:
    answer = qa.ask("What did a Bloomberg article say about the Harbour Bridge closure?")
    assert answer.abstained and "Bloomberg" in answer.text and answer.citations == []
    assert "Harbour bridge closes" in answer.text or "bridge repairs" in answer.text
    answer = qa.ask("What did Mayor Dmitri Volkov say about the Harbour Bridge closure?")
    assert answer.abstained and "Dmitri Volkov" in answer.text


@pytest.mark.parametrize(
    ("first_question", "expected_title"),
    [
        ("Who won the national chess championship?", "Chess prodigy"),
        ("Who is the mayor of Port Elwyn?", "Harbour bridge closes"),
    ],
)
def test_pronoun_follow_up_retrieves_the_previous_turns_article(
    qa: NewsQA, first_question: str, expected_title: str
) -> None:
    first = qa.ask(first_question)
    assert not first.abstained
    assert first.citations[0].title.startswith(expected_title)
    for history in ([first], [first.question]):
        follow = qa.ask("What did she say?", history=history)
        assert follow.question == "What did she say?"
        assert not follow.abstained
        assert follow.passages[0].title.startswith(expected_title)
        assert follow.citations[0].title.startswith(expected_title)
        assert_verbatim(follow)


def test_answer_to_dict_keeps_its_keys(qa: NewsQA, tmp_path: Path) -> None:
    answer = qa.ask("How much is the emergency repair budget for the bridge?")
    assert set(answer.to_dict()) == ANSWER_KEYS
    assert 0.0 <= answer.confidence <= 1.0
    assert "$40 million" in answer.text


def test_chat_follow_up_uses_the_previous_answer(qa: NewsQA) -> None:
    from newsqa.ui.conversation import Conversation, render

    conversation = Conversation(qa)
    turns = conversation.ask("Who is the mayor of Port Elwyn?", [])
    turns = conversation.ask("What did she say?", turns)
    chat, _ = render(turns)
    reply = chat.rpartition("newsqa-answer")[2]
    assert "Harbour" in turns[-1].sources_html or "Ortiz" in reply
    assert "grandfather" not in reply


def test_story_carried_by_several_outlets_lists_them_all(qa: NewsQA) -> None:
    answer = qa.ask("What did the Harbour Gazette report about the lighthouse keeper?")
    assert not answer.abstained
    assert answer.citations[0].outlets == ("Metro Wire", "Harbour Gazette")
    assert "Metro Wire, Harbour Gazette" in answer.sources_text()
    assert_verbatim(answer)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did she say?", True),
        ("What happened next?", True),
        ("How much will that deal cost?", True),
        ("Why?", True),
        ("Which company that makes cider plans to hire seasonal workers in Kessel Valley?", False),
        ("Who won the national chess championship on Sunday?", False),
    ],
)
def test_which_questions_lean_on_the_previous_turn(question: str, expected: bool) -> None:
    from newsqa.question.followup import needs_context

    assert needs_context(question) is expected


def test_follow_up_carries_names_of_the_previous_question() -> None:
    from newsqa.question import resolve_followup as resolve

    follow = resolve("What did she say next?", ["Who is Lena Ortiz?"])
    assert "Lena Ortiz" in follow.query and follow.focus == frozenset()
    assert resolve("Who is the mayor of Port Elwyn?", ["Who is Lena Ortiz?"]).query == (
        "Who is the mayor of Port Elwyn?"
    )


@settings(max_examples=40, deadline=None)
@given(
    offset=st.integers(min_value=0, max_value=50),
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=5),
)
def test_composer_without_a_library_cites_passage_sentences_at_article_offsets(
    offset: int, words: list[str]
) -> None:
    from newsqa.answering.composer import Composer
    from newsqa.records import Passage

    article = ARTICLES[0]
    body = "x" * offset + article.body  # the passage starts `offset` characters in
    passage = Passage(
        0,
        article.article_id,
        article.title,
        1.0,
        article.body,
        article.source,
        article.published_at,
        article.url,
        offset,
        offset + len(article.body),
        0.9,
    )
    answer = Composer().compose(analyse_question(f"What {' '.join(words)}?"), [passage])
    for c in answer.citations:
        assert body[c.start : c.end] == c.sentence


def test_question_about_words_the_archive_never_uses_abstains_and_says_why(qa: NewsQA) -> None:
    answer = qa.ask("What is the best recipe for banana bread with walnuts?")
    assert answer.abstained and answer.citations == []
    assert "No article mentions" in answer.text and "banana" in answer.text
    # a paraphrase of an indexed word is not a gap: "inspections" is known through "inspecting"
    inspections = qa.ask("What did the inspections of the Harbour Bridge find?")
    assert "No article mentions" not in inspections.text


def test_supporting_sentences_only_extend_the_cited_articles() -> None:
    bridge = make_article(
        title="Bridge repairs",
        body=" ".join(
            f"Bridge repairs {detail}."
            for detail in (
                "began on Monday with two crews",
                "closed the east lane for a week",
                "cost the city $40 million",
                "were delayed by rain",
                "ended early in April",
                "drew praise from commuters",
            )
        ),
        source="Coastal Courier",
        published_at="2024-03-05",
    )
    chess = ARTICLES[3]
    library = {a.article_id: a for a in (bridge, chess)}
    passages = [
        Passage(1, bridge.article_id, bridge.title, 1.0, bridge.body[:60], "Coastal Courier"),
        Passage(2, chess.article_id, chess.title, 0.2, chess.body[:60], "Elwyn Daily"),
    ]
    composer = Composer(ComposerSettings(abstain_threshold=0.0), library=_Library(library))
    answer = composer.compose(analyse_question("What about the bridge repairs?"), passages)
    assert answer.lead >= 1 and answer.supporting_citations
    assert {c.article_id for c in answer.citations} == {bridge.article_id}
    assert len(answer.citations) == composer.settings.per_article
    lead, support = answer.text.split("\n\n")
    assert lead.startswith(answer.citations[0].sentence)
    assert support.startswith(answer.supporting_citations[0].sentence)
    for c in answer.citations:
        assert bridge.body[c.start : c.end] == c.sentence


class _Library:
    def __init__(self, articles: dict[str, Article]) -> None:
        self.articles = articles

    def article(self, article_id: str) -> Article | None:
        return self.articles.get(article_id)


def test_asked_on_a_known_day_the_report_of_that_day_leads() -> None:
    """Two reports say the same of different years; the one ranked second by search is from
    the day the question was asked, so it leads."""
    from dataclasses import replace
    from datetime import date

    sentence = "The {} won the league championship on Sunday in front of the home fans."
    old = Passage(
        1,
        "a-2019",
        "Hawks are champions",
        1.0,
        sentence.format("Hawks"),
        "Gazette",
        "2019-06-12T10:00:00+00:00",
        start=0,
        end=70,
    )
    new = Passage(
        2,
        "a-2022",
        "Foxes are champions",
        0.9,
        sentence.format("Foxes"),
        "Gazette",
        "2022-06-26T10:00:00+00:00",
        start=0,
        end=70,
    )
    question = analyse_question("Which team won the league championship?")
    composer = Composer(ComposerSettings(abstain_threshold=0.0))
    undated = composer.compose(question, [old, new])
    assert undated.lead_citations[0].title == "Hawks are champions"
    asked = replace(question, asked_on=date(2022, 6, 27))
    assert composer.compose(asked, [old, new]).lead_citations[0].title == "Foxes are champions"
