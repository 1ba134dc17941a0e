"""Follow-ups stay in the conversation's story: its names, its articles and its time frame."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT, multihop_dir
from newsqa.answering.time_frame import in_time_frame
from newsqa.api import NewsQA
from newsqa.articles import make_article
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import build_from_articles
from newsqa.question.followup import continues, resolve_followup, story_years

ARTICLES = [
    make_article(
        title="Coinvault to pay $2.1 billion and its founder steps down",
        body=(
            "Coinvault, the largest crypto exchange in the region, agreed to pay $2.1 billion "
            "to settle money laundering charges brought by the Justice Department. Its founder "
            "Marek Holt pleaded guilty and stepped down on Tuesday.\n\nSara Lind, the "
            "exchange's former head of regional markets, will be its new CEO, Holt said in a "
            "post. Regulators said the exchange had ignored sanctions rules for years."
        ),
        source="Ledger Times",
        published_at="2023-11-21T18:00:00+00:00",
        url="https://ledger.example/coinvault-settles",
    ),
    make_article(
        title="Northwind AI board ousts its chief in surprise vote",
        body=(
            "The board of Northwind AI removed chief executive Tom Adler on Friday after a "
            "surprise vote. The board named Emil Shaw, a former video streaming executive, as "
            "interim CEO, replacing Adler.\n\nInvestors said they were caught off guard and "
            "asked the board to explain the decision."
        ),
        source="Tech Wire",
        published_at="2023-11-19T09:00:00+00:00",
        url="https://techwire.example/northwind-ceo",
    ),
    make_article(
        title="Springboks face England in World Cup semi-final",
        body=(
            "South Africa meet England in the Rugby World Cup semi-final in Paris on Saturday. "
            "The 2019 Rugby World Cup final between the two sides ended with a 32-12 score in "
            "the Springboks' favour. Both coaches named unchanged teams for the match."
        ),
        source="Rugby Weekly",
        published_at="2023-10-20T10:00:00+00:00",
        url="https://rugby.example/semi-final-preview",
    ),
    make_article(
        title="Springboks win the 2023 Rugby World Cup",
        body=(
            "South Africa won the 2023 Rugby World Cup, beating New Zealand in the final in "
            "Paris on Saturday. The Springboks held on to win 12-11 after a tense second half. "
            "It is their fourth world title."
        ),
        source="Rugby Weekly",
        published_at="2023-10-28T22:00:00+00:00",
        url="https://rugby.example/world-cup-final",
    ),
]


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory, embedder) -> NewsQA:  # type: ignore[no-untyped-def]
    index_dir = tmp_path_factory.mktemp("followups") / "index"
    build_from_articles(ARTICLES, BuildSettings(index_dir=index_dir), embedder)
    return NewsQA.open(index_dir)


def test_who_replaced_him_answers_from_the_earlier_story(qa: NewsQA) -> None:
    first = qa.ask("Why was Coinvault fined?")
    assert first.citations[0].title.startswith("Coinvault")
    follow = qa.ask("Who replaced him as CEO?", history=[first])
    assert not follow.abstained
    assert follow.citations[0].title.startswith("Coinvault")
    lead = " ".join(c.sentence for c in follow.lead_citations)
    assert "Sara Lind" in lead and "Emil Shaw" not in lead


def test_the_final_keeps_the_year_the_conversation_named(qa: NewsQA) -> None:
    first = qa.ask("Who won the 2023 Rugby World Cup?")
    assert not first.abstained
    follow = qa.ask("What was the score in the final?", history=[first])
    assert not follow.abstained
    assert follow.citations[0].title == "Springboks win the 2023 Rugby World Cup"
    assert "2019" not in follow.text


OFFICES = [
    make_article(
        title="Coinvault opens an engineering office in Lisbon",
        body=(
            "Coinvault opened a new office in Lisbon on Monday. Forty engineers work at the "
            "Coinvault office, which will build the exchange's trading app."
        ),
        source="Ledger Times",
        published_at="2023-12-04T09:00:00+00:00",
        url="https://ledger.example/coinvault-lisbon",
    ),
    make_article(
        title="Bitharbor opens an engineering office in Oslo",
        body=(
            "Bitharbor, a rival exchange, opened a new office in Oslo. Three hundred engineers "
            "work at the new office of the exchange, Bitharbor said."
        ),
        source="Nordic Wire",
        published_at="2023-12-05T09:00:00+00:00",
        url="https://nordic.example/bitharbor-oslo",
    ),
]


def test_a_followup_the_story_cannot_answer_keeps_the_story_s_names_in_the_archive(
    tmp_path: Path, embedder
) -> None:  # type: ignore[no-untyped-def]
    """When the story's articles lack the fact (here the history holds only the earlier
    question, so there are none), the whole archive is searched with the story's names
    before the question as asked: the follow-up stays with Coinvault rather than the rival
    exchange its own words match best."""
    index_dir = tmp_path / "index"
    build_from_articles([ARTICLES[0], *OFFICES], BuildSettings(index_dir=index_dir), embedder)
    qa = NewsQA.open(index_dir)
    question = "How many engineers work at the exchange's new office?"
    assert qa.ask(question).citations[0].title.startswith("Bitharbor")  # asked alone
    follow = qa.ask(question, history=["Why was Coinvault fined?"])
    assert not follow.abstained
    assert follow.citations[0].title.startswith("Coinvault opens")
    assert "Forty engineers" in follow.text


def test_a_third_turn_stays_in_the_story_of_the_first() -> None:
    follow = resolve_followup(
        "How much did they pay?", ["Why was Coinvault fined?", "Who replaced him as CEO?"]
    )
    assert "Coinvault" in follow.query


def test_a_new_topic_leaves_the_story() -> None:
    follow = resolve_followup("Who is the mayor of Port Elwyn?", ["Why was Coinvault fined?"])
    assert follow.query == "Who is the mayor of Port Elwyn?" and not follow.story


def test_a_question_about_the_game_searches_the_archive_as_asked_if_the_story_lacks_it() -> None:
    follow = resolve_followup("Who won the national chess championship?", ["Why was X fined?"])
    assert follow.fallback == "Who won the national chess championship?"


@pytest.mark.parametrize(
    ("question", "earlier", "expected"),
    [
        ("What was the final score of the game?", ["Did the Packers win on Sunday?"], True),
        ("How much was the fine?", ["Why was Coinvault fined?"], True),
        ("Which actor did the model wrongly name?", ["Which company's AI model failed?"], True),
        ("What did the mayor of Port Elwyn say?", ["Who won the chess championship?"], False),
        ("Which company makes cider in Kessel Valley?", ["Who is Lena Ortiz?"], False),
    ],
)
def test_which_questions_continue_the_story(
    question: str, earlier: list[str], expected: bool
) -> None:
    assert continues(question, earlier) is expected


def test_outlets_and_dates_of_the_earlier_question_are_not_carried() -> None:
    follow = resolve_followup(
        "How old is he?",
        ["What did TechCrunch report about Sam Altman on October 4?"],
        outlets=["TechCrunch"],
    )
    assert "Sam Altman" in follow.query
    assert "TechCrunch" not in follow.query and "October" not in follow.query


@pytest.mark.parametrize(
    ("sentence", "years", "fits"),
    [
        ("The 2019 final ended 32-12.", frozenset({2023}), False),
        ("They won the 2023 final 12-11.", frozenset({2023}), True),
        ("They won the final 12-11.", frozenset({2023}), True),
        ("The 2019 final ended 32-12.", frozenset(), True),
    ],
)
def test_time_frame(sentence: str, years: frozenset[int], fits: bool) -> None:
    assert in_time_frame(sentence, years) is fits


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("Who won the Rugby World Cup 2023?", {2023}),
        ("What did The Verge report on September 28, 2023, about FTX?", set()),
        ("Did prices fall in 2022 after the 4 March 2023 report?", {2022}),
    ],
)
def test_the_time_frame_is_the_story_s_years_not_report_dates(
    question: str, years: set[int]
) -> None:
    assert story_years(question) == years


def test_followup_set_is_well_formed() -> None:
    data = json.loads((ROOT / "tests" / "data" / "followups.json").read_text(encoding="utf-8"))
    conversations = data["conversations"]
    assert len(conversations) >= 40
    for c in conversations:
        assert c["first"] and c["followup"] and c["expected"]
        assert all(a["url"] and a["title"] for a in c["expected"])


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.skipif(
    not (multihop_dir() / "corpus.json").exists(),
    reason=f"benchmark data not found in {multihop_dir()} (set NEWSQA_SHARED_DIR)",
)
def test_followups_stay_in_the_story_on_the_benchmark_articles(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """On an index of the articles behind the follow-up set, with TechCrunch's and The
    Verge's other articles as distractors, the first answer as history keeps most follow-ups
    in their story, more than the same follow-ups asked alone (on the whole MultiHop-RAG
    archive: 84.9% with history, 60.4% before history was resolved against the conversation,
    60.4% alone; `python -m benchmarks.followups`)."""
    from newsqa.evaluation import evaluate_followups, load_conversations

    conversations = load_conversations(ROOT / "tests" / "data" / "followups.json")
    corpus = json.loads((multihop_dir() / "corpus.json").read_text(encoding="utf-8"))
    wanted = {k for c in conversations for k in c.expected}
    articles = [
        make_article(
            title=a["title"],
            body=a["body"],
            source=a["source"],
            published_at=a["published_at"],
            url=a["url"],
        )
        for a in corpus
        if a["title"] in wanted or a["source"] in {"TechCrunch", "The Verge"}
    ]
    build_from_articles(articles, BuildSettings(index_dir=tmp_path / "index"), embedder)
    report = evaluate_followups(conversations, NewsQA.open(tmp_path / "index").ask)
    summary = {k: v for k, v in report.items() if k != "rows"}
    assert report["story"] >= 0.78, summary  # 0.81 here; 0.70 before
    assert report["story"] >= report["alone_story"] + 0.05, summary  # alone: 0.74


def test_search_within_the_story_returns_only_its_articles(qa: NewsQA) -> None:
    from newsqa.api import make_scope
    from newsqa.stores.milvus.filters import milvus_filter

    reader = qa.reader()
    story = qa.ask("Who won the 2023 Rugby World Cup?").citations[0].article_id
    scope = replace(make_scope(None, None, None), within=frozenset({story}))
    found = reader.retriever.search(reader.analyser.analyse("Who replaced him as CEO?"), 10, scope)
    assert found and {p.article_id for p in found} == {story}
    assert milvus_filter(scope) == f'article_id in ["{story}"]'
