"""Smoke eval on a tiny index of the benchmark articles behind the first dev queries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import multihop_dir, requires_data
from newsqa.api import NewsQA
from newsqa.articles import Article, make_article
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import build_from_articles
from newsqa.evaluation import EvalQuery, evaluate, load_queries

ANSWERABLE = 6
NULL = 4

pytestmark = [requires_data, pytest.mark.data, pytest.mark.slow]


def smoke_set() -> tuple[list[Article], list[EvalQuery]]:
    """The articles behind the first answerable dev queries, and those queries plus nulls."""
    queries = load_queries(multihop_dir() / "dev.json")
    answerable = [q for q in queries if q.evidence][:ANSWERABLE]
    nulls = [q for q in queries if not q.evidence][:NULL]
    urls = {url for q in answerable for url in q.gold_urls}
    corpus = json.loads((multihop_dir() / "corpus.json").read_text(encoding="utf-8"))
    articles = [
        make_article(
            title=a["title"],
            body=a["body"],
            source=a["source"],
            published_at=a["published_at"],
            url=a["url"],
        )
        for a in corpus
        if a["url"] in urls
    ]
    return articles, answerable + nulls


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory, embedder):  # type: ignore[no-untyped-def]
    articles, queries = smoke_set()
    index_dir: Path = tmp_path_factory.mktemp("smoke") / "index"
    build_from_articles(articles, BuildSettings(index_dir=index_dir), embedder)
    return NewsQA.open(index_dir), queries


def test_smoke_eval_answers_cite_gold_articles_and_nulls_abstain(smoke) -> None:  # type: ignore[no-untyped-def]
    qa, queries = smoke
    report = evaluate(queries, qa.ask)["overall"]
    assert report["citation_precision"] >= 0.8
    assert report["fact_recall"] >= 0.3
    assert report["null_abstain"] >= 0.75
    assert report["false_abstain"] <= 0.2


def test_smoke_citations_are_verbatim(smoke) -> None:  # type: ignore[no-untyped-def]
    qa, queries = smoke
    for query in queries[:ANSWERABLE]:
        answer = qa.ask(query.query)
        for c in answer.citations:
            article = qa.store.catalogue.article(c.article_id)
            assert article is not None and article.body[c.start : c.end] == c.sentence
