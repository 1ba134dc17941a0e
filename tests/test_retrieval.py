"""Retrieval: outlets and dates named in a question route the search; claims get their own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsqa import NewsQA
from newsqa.articles import make_article
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import build_from_articles
from newsqa.question.claims import plan_question
from newsqa.question.outlets import OutletDirectory

STORIES = [
    (
        "Chip maker unveils faster processor",
        "TechWire",
        "2023-10-06",
        "The chip maker unveiled a processor it says is 40% faster. Shipments begin in spring.",
    ),
    (
        "Chip maker shares slide",
        "TechWire",
        "2023-10-20",
        "Shares of the chip maker fell 8% after a weak sales forecast. Analysts cut targets.",
    ),
    (
        "Chip maker recalls laptops",
        "Daily Ledger",
        "2023-10-06",
        "The chip maker recalled 20,000 laptops over overheating batteries. Owners get refunds.",
    ),
    (
        "Harvest festival returns",
        "Daily Ledger",
        "2023-11-02",
        "The harvest festival returned with a record 300 stalls. Farmers sold pumpkins and cider.",
    ),
]


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory, embedder) -> NewsQA:  # type: ignore[no-untyped-def]
    index_dir = tmp_path_factory.mktemp("retrieval") / "index"
    articles = [
        make_article(
            title=t,
            body=b,
            source=s,
            published_at=d,
            url=f"https://{s.lower().replace(' ', '')}.example/{i}",
        )
        for i, (t, s, d, b) in enumerate(STORIES)
    ]
    build_from_articles(articles, BuildSettings(index_dir=index_dir), embedder)
    return NewsQA.open(index_dir)


def test_question_plan_finds_outlets_dates_and_claims() -> None:
    directory = OutletDirectory(
        ["The Independent - Sports", "TechCrunch", "Cnbc | World Business News Leader"]
    )
    plan = plan_question(
        "Did the TechCrunch report published on October 6, 2023 praise the phone, "
        "while the article from The Independent criticised its battery according to CNBC?",
        directory,
    )
    assert plan.whole.outlets == (
        frozenset({"TechCrunch"}),
        frozenset({"The Independent - Sports"}),
        frozenset({"Cnbc | World Business News Leader"}),
    )
    assert plan.whole.dates == (date(2023, 10, 6),)
    assert "TechCrunch" not in plan.whole.text and "2023" not in plan.whole.text
    assert len(plan.parts) == 2
    assert plan.parts[0].outlets == (frozenset({"TechCrunch"}),)
    assert plan.parts[1].dates == ()


def test_named_outlet_routes_the_search(qa: NewsQA) -> None:
    passages = qa.retriever().search(
        qa.analyse("What did the Daily Ledger report about the chip maker?")
    )
    assert passages[0].source == "Daily Ledger"
    assert passages[0].title == "Chip maker recalls laptops"


def test_named_date_picks_that_day(qa: NewsQA) -> None:
    passages = qa.retriever().search(
        qa.analyse("What did TechWire report about the chip maker on October 20, 2023?")
    )
    assert passages[0].title == "Chip maker shares slide"


def test_each_outlet_of_a_two_outlet_question_is_retrieved(qa: NewsQA) -> None:
    passages = qa.retriever().search(
        qa.analyse(
            "Did TechWire say the chip maker's processor is faster, while the Daily Ledger reported a recall?"
        )
    )
    top_two = {p.source for p in passages[:2]}
    assert top_two == {"TechWire", "Daily Ledger"}


def test_passages_are_article_text_at_their_offsets_and_within_budget(qa: NewsQA) -> None:
    from newsqa.text.tokens import count_tokens

    for question in ["chip maker shares", "harvest festival stalls", "laptop recall refunds"]:
        for p in qa.retriever().search(qa.analyse(question)):
            body = qa.store.catalogue.article(p.article_id).body  # type: ignore[union-attr]
            assert body[p.start : p.end] == p.text
            assert count_tokens(p.text) <= 256


def test_explicit_filter_with_no_match_in_question_still_answers(
    qa: NewsQA, tmp_path: Path
) -> None:
    answer = qa.ask("What happened at the festival?", sources=["TechWire"])
    assert all(p.source == "TechWire" for p in answer.passages)
    assert answer.passages


class _KeywordCrossEncoder:
    """Stands in for a sentence-transformers CrossEncoder: scores pairs by one keyword."""

    def __init__(self, keyword: str) -> None:
        self.keyword = keyword

    def predict(self, pairs, show_progress_bar=False):  # type: ignore[no-untyped-def]
        return [float(self.keyword in text.lower()) for _, text in pairs]


def test_optional_reranker_reorders_passages(qa: NewsQA, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsqa.search.reranking as reranking

    monkeypatch.setattr(
        reranking, "load_cross_encoder", lambda name: _KeywordCrossEncoder("pumpkins")
    )
    plain = qa.ask("What did the chip maker announce?")
    assert plain.passages[0].title != "Harvest festival returns"
    reranked = NewsQA.open(qa.settings.index_dir, reranker="keyword-test").ask(
        "What did the chip maker announce?"
    )
    assert reranked.passages[0].title == "Harvest festival returns"


def test_missing_reranker_model_is_a_clear_error(qa: NewsQA) -> None:
    from newsqa.search.reranking import load_cross_encoder

    with pytest.raises(RuntimeError, match="cannot load reranker"):
        load_cross_encoder("/nonexistent/cross-encoder")
