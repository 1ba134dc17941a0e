"""Abstentions say what is missing in the user's own words: from this question only, never a
common verb, and, for an outlet with nothing on the topic, how many other outlets have it."""

from __future__ import annotations

import re

import pytest

from newsqa.api import NewsQA
from newsqa.articles import make_article
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import build_from_articles
from newsqa.question import analyse_question

ARTICLES = [
    make_article(
        title="Harbour bridge closes after cracks found in steel supports",
        body=(
            "The Harbour Bridge in Port Elwyn was closed on Tuesday after engineers found cracks "
            "in two steel supports. Mayor Lena Ortiz said the closure would last at least six "
            "weeks. Commuters were told to use the ferry service, which added ten extra sailings "
            "a day."
        ),
        source="Metro Wire",
        published_at="2024-03-05T09:00:00+00:00",
        url="https://metro.example/bridge-closes",
    ),
    make_article(
        title="Engineers warn bridge repairs could take months",
        body=(
            "Engineers inspecting the Harbour Bridge said repairs to the cracked supports could "
            "take three months. Shop owners near the bridge reported a sharp fall in customers "
            "since the closure began."
        ),
        source="Coastal Courier",
        published_at="2024-03-07T12:00:00+00:00",
        url="https://courier.example/bridge-repairs",
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
    make_article(
        title="Cider makers hire for the autumn",
        body=(
            "Cider makers in the Kessel Valley plan to hire two hundred seasonal workers to "
            "handle the extra apples. The growers' association said wages would rise."
        ),
        source="Valley Farmer",
        published_at="2024-02-22T08:00:00+00:00",
        url="https://farmer.example/cider-jobs",
    ),
]


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory, embedder) -> NewsQA:  # type: ignore[no-untyped-def]
    index_dir = tmp_path_factory.mktemp("abstention") / "index"
    build_from_articles(ARTICLES, BuildSettings(index_dir=index_dir), embedder)
    return NewsQA.open(index_dir)


def reason(text: str) -> str:
    """What an abstention says is missing: the part before the closest articles."""
    return text.partition("The closest articles are about")[0]


def test_named_outlet_without_the_topic_points_to_the_other_outlets(qa: NewsQA) -> None:
    answer = qa.ask("What did the Valley Farmer say about the Harbour Bridge closure?")
    assert answer.abstained
    said = reason(answer.text)
    assert "No Valley Farmer article here mentions Harbour Bridge" in said
    assert re.search(r"\b2 articles from other outlets do\b", said)
    assert "“What did the articles say about the Harbour Bridge closure?”" in said


def test_abstention_names_the_users_words_not_common_verbs(qa: NewsQA) -> None:
    answer = qa.ask("Which leaders met in Port Elwyn and what did they pledge?")
    assert answer.abstained
    said = reason(answer.text)
    assert "Elwyn" in said and "elwyn" not in said  # the user's casing
    assert "pledge" in said
    assert not re.search(r"\bmet\b", said)


def test_a_follow_ups_abstention_names_only_its_own_words(qa: NewsQA) -> None:
    first = qa.ask("Who is the mayor of Port Elwyn?")
    assert not first.abstained
    follow = qa.ask("What did they pledge to the apple growers?", history=[first])
    assert follow.abstained
    said = reason(follow.text)
    assert "pledge" in said
    assert "elwyn" not in said.lower() and "mayor" not in said.lower()


def test_a_common_verb_alone_does_not_decide_an_abstention(qa: NewsQA) -> None:
    answer = qa.ask("What did Mayor Lena Ortiz say when she met commuters?")
    assert not answer.abstained
    assert answer.citations[0].sentence.startswith("Mayor Lena Ortiz said the closure")


@pytest.mark.parametrize("question", ["Which leaders met in Moscow?", "Who sent troops there?"])
def test_common_verbs_are_never_named_as_the_topic(question: str) -> None:
    analysed = analyse_question(question)
    assert not {"met", "sent"} & set(analysed.topic_words)
    assert not {"met", "sent"} & set(analysed.in_own_words(analysed.stem_words))
