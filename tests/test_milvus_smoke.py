"""The dev smoke eval on both stores: the Milvus store retrieves and answers like the
embedded one (same metrics within 0.01, same abstentions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import needs_extra, requires_data
from newsqa.api import NewsQA
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import build_from_articles
from newsqa.config import Settings
from newsqa.embedding import Embedder
from newsqa.evaluation import evaluate
from test_multihop_smoke import smoke_set

pytestmark = [requires_data, pytest.mark.data, pytest.mark.slow, pytest.mark.scale]
RETRIEVAL = ("hits@10", "mrr@10", "article_recall@10")


def test_smoke_eval_matches_on_embedded_and_milvus_stores(
    tmp_path: Path, embedder: Embedder
) -> None:
    needs_extra("milvus", "pymilvus", "milvus_lite")
    articles, queries = smoke_set()
    answers: dict[str, NewsQA] = {}
    for store in ("embedded", "milvus"):
        settings = Settings(
            index_dir=tmp_path / store, store=store, milvus_uri=str(tmp_path / "lite.db")
        )
        build_from_articles(articles, BuildSettings.from_settings(settings), embedder)
        answers[store] = NewsQA(Settings(index_dir=tmp_path / store), embedder)
    assert answers["milvus"].stats()["store"] == "milvus"
    reports = {store: evaluate(queries, qa.ask)["overall"] for store, qa in answers.items()}
    for metric in RETRIEVAL:
        assert reports["milvus"][metric] == pytest.approx(reports["embedded"][metric], abs=0.01)
    abstained = {
        store: [qa.ask(q.query).abstained for q in queries] for store, qa in answers.items()
    }
    assert abstained["milvus"] == abstained["embedded"]
    assert any(abstained["milvus"]) and not all(abstained["milvus"])
