"""Questions about current news ("this week", "recently") with no outlet named: the newest
report on the subject is cited first, and the time words are not searched as topic words."""

from __future__ import annotations

import pytest

from newsqa import NewsQA
from newsqa.articles import make_article
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import build_from_articles
from newsqa.question.claims import plan_question
from newsqa.question.outlets import OutletDirectory
from newsqa.question.relative_time import asks_recent

STORIES = [
    (
        "Harbor City Hawks win the league championship",
        "2019-06-12",
        "The Harbor City Hawks won the league championship on Sunday, beating the Lakeside "
        "Owls 4-2 in the final game. Fans filled the streets of Harbor City to celebrate.",
    ),
    (
        "Riverton Foxes take the title",
        "2022-06-26",
        "The Riverton Foxes won the title on Sunday, beating the Harbor City Hawks 3-1 in the "
        "final game of the league. It is the Foxes' first championship in twenty years.",
    ),
    (
        "Five things to know this week",
        "2022-06-20",
        "This week the city council approved a new budget. A heat wave is expected this "
        "week. The museum reopens this week after repairs. Ticket prices rose this week.",
    ),
]


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory, embedder) -> NewsQA:  # type: ignore[no-untyped-def]
    index_dir = tmp_path_factory.mktemp("current") / "index"
    articles = [
        make_article(
            title=t, body=b, source="Gazette", published_at=d, url=f"https://gazette.example/{i}"
        )
        for i, (t, d, b) in enumerate(STORIES)
    ]
    build_from_articles(articles, BuildSettings(index_dir=index_dir), embedder)
    return NewsQA.open(index_dir)


def test_this_weeks_winner_is_the_newest_report(qa: NewsQA) -> None:
    question = qa.analyse("Which team won the league championship this week?")
    assert qa.retriever().search(question)[0].title == "Riverton Foxes take the title"


def test_time_words_are_not_searched_as_topic(qa: NewsQA) -> None:
    passages = qa.retriever().search(
        qa.analyse("Which team recently won the championship this week?")
    )
    assert "Five things" not in passages[0].title


def test_relative_time_is_removed_from_the_search_text() -> None:
    plan = plan_question("Which team won the championship this week?", OutletDirectory([]))
    assert "week" not in plan.whole.text
    assert "team" in plan.whole.text
    assert asks_recent("What did the IRS recently announce?")
    assert not asks_recent("What did the IRS announce on June 21, 2022?")


def test_each_article_judged_evidence_is_cited(qa: NewsQA) -> None:
    """The lead's sentence covers the question's words, yet the newer report the source gate
    also judged to be evidence is shown and cited, with its own account."""
    answer = qa.ask("Which team won the league championship this week?")
    cited = list(dict.fromkeys(c.title for c in answer.citations))
    assert "Riverton Foxes take the title" in cited[:3]
    assert "The Riverton Foxes won the title" in answer.text


def test_nearest_chunks_by_embedding_always_reach_the_reranker() -> None:
    from newsqa.search.retrieval import _candidates

    fused = [[(cid, 1.0 - cid / 100) for cid in range(1, 41)]]
    nearest = [[(99, 0.9)]]  # the embedding's best chunk, ranked low by its words
    ids = [c.chunk_id for c in _candidates(fused, fused, 20, nearest)]
    assert 99 in ids and len(ids) == 20


def test_this_week_is_read_from_the_day_the_question_was_asked(qa: NewsQA) -> None:
    """Asked in June 2019, "this week" means the Hawks' win, not the newest report."""
    question = "Which team won the league championship this week?"
    then = qa.retriever().search(qa.analyse(question, asked_on="2019-06-14"))
    assert then[0].title == "Harbor City Hawks win the league championship"
    now = qa.retriever().search(qa.analyse(question))
    assert now[0].title == "Riverton Foxes take the title"
    answer = qa.ask(question, asked_on="June 14, 2019")
    assert answer.citations[0].title == "Harbor City Hawks win the league championship"


def test_any_question_asked_on_a_known_day_favours_that_days_reports(qa: NewsQA) -> None:
    """No "this week" in it, but asked on a day: the report of that day comes first."""
    question = "Which team won the league championship?"
    for day, title in (
        ("2019-06-14", "Harbor City Hawks win the league championship"),
        ("2022-06-27", "Riverton Foxes take the title"),
    ):
        assert qa.retriever().search(qa.analyse(question, asked_on=day))[0].title == title


def test_an_unreadable_asking_day_is_refused(qa: NewsQA) -> None:
    with pytest.raises(ValueError, match="cannot read the date"):
        qa.ask("Which team won this week?", asked_on="the other day")
