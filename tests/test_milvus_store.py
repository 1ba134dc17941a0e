"""The Milvus store (milvus-lite) answering with the model: kept in step with adds, edits and
removals, checked, and reopened from the manifest. That it searches like the embedded store
(filters before ranking included) is held by tests/test_store_conformance.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsqa.api import NewsQA
from newsqa.articles import Article, make_article
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import build_from_articles
from newsqa.cli import app
from newsqa.config import Settings
from newsqa.embedding import Embedder
from newsqa.ui.examples import example_questions

pytestmark = [pytest.mark.scale, pytest.mark.model, pytest.mark.usefixtures("milvus_extra")]


def _newsroom() -> list[Article]:
    return [
        make_article(
            title="Harbour ferry sinks off the cape",
            body="The harbour ferry sank off the cape on Monday. All forty passengers were "
            "rescued by the coast guard. The captain blamed a sudden storm.",
            source="Coast Herald",
            published_at="2024-03-04",
            url="https://herald.example/ferry",
        ),
        make_article(
            title="Council approves the new stadium",
            body="The city council approved the new stadium by nine votes to four. Building "
            "starts in May and the stadium will seat thirty thousand fans.",
            source="City Times",
            published_at="2024-03-05",
            url="https://times.example/stadium",
        ),
        make_article(
            title="Storm closes the mountain pass",
            body="A late storm closed the mountain pass for two days. Snow ploughs cleared "
            "the road on Thursday and traffic resumed.",
            source="Valley Post | Mountain News",
            published_at="2024-03-07",
            url="https://post.example/pass",
        ),
    ]


def _milvus_settings(tmp_path: Path) -> BuildSettings:
    return BuildSettings.from_settings(
        Settings(index_dir=tmp_path / "index", store="milvus", milvus_uri=str(tmp_path / "lite.db"))
    )


def _cited(qa: NewsQA, question: str, **filters: object) -> set[str]:
    answer = qa.ask(question, **filters)  # type: ignore[arg-type]
    return {c.title for c in answer.citations}


def test_milvus_index_answers_and_follows_adds_edits_and_removals(
    tmp_path: Path, embedder: Embedder
) -> None:
    settings = _milvus_settings(tmp_path)
    articles = _newsroom()
    build_from_articles(articles[:2], settings, embedder)
    qa = NewsQA(Settings(index_dir=settings.index_dir), embedder)  # the manifest names Milvus
    assert qa.stats()["store"] == "milvus" and qa.check().sound
    # the chat page's example questions come from the store too, and are answered
    examples = example_questions(qa)
    assert examples and not any(qa.ask(q).abstained for q in examples)
    assert "Harbour ferry sinks off the cape" in _cited(qa, "How many passengers were rescued?")

    qa.add([articles[2]])
    assert qa.check().sound
    assert _cited(qa, "When did traffic resume on the mountain pass?") == {
        "Storm closes the mountain pass"
    }

    edited = make_article(
        title="Council approves the new stadium",
        body="The city council approved the new stadium by eleven votes to two. Building "
        "starts in June and the stadium will seat forty thousand fans.",
        source="City Times",
        published_at="2024-03-05",
        url="https://times.example/stadium",
    )
    assert edited.article_id == articles[1].article_id
    qa.add([edited])
    answer = qa.ask("How many fans will the new stadium seat?")
    assert "forty thousand" in answer.text and "thirty thousand" not in answer.text

    assert qa.remove(["https://herald.example/ferry"]).removed == 1
    assert qa.check().sound and qa.stats()["articles"] == 2
    assert "Harbour ferry sinks off the cape" not in _cited(qa, "Who rescued the ferry passengers?")


def test_check_names_a_collection_out_of_step_with_the_folder(
    tmp_path: Path, embedder: Embedder
) -> None:
    from newsqa.stores.milvus.client import milvus_client

    settings = _milvus_settings(tmp_path)
    build_from_articles(_newsroom(), settings, embedder)
    qa = NewsQA(Settings(index_dir=settings.index_dir), embedder)
    assert qa.check().sound
    client = milvus_client(settings.stores.milvus_uri)
    client.delete(
        settings.stores.milvus_collection, filter='source == "Valley Post | Mountain News"'
    )
    report = qa.check()
    assert not report.sound and "missing" in report.problems[0]
    assert "--store milvus" in report.repair
    qa.add([_newsroom()[0]])  # nothing new: the folder is unchanged, the collection too
    build_from_articles(_newsroom(), settings, embedder)  # a rebuild puts it right
    assert qa.check().sound


def test_commands_reopen_the_milvus_store_from_the_manifest(
    tmp_path: Path, embedder: Embedder
) -> None:
    settings = _milvus_settings(tmp_path)
    build_from_articles(_newsroom(), settings, embedder)
    runner = CliRunner()
    index = ["--index", str(settings.index_dir)]
    stats = runner.invoke(app, ["stats", "--json", *index])
    assert stats.exit_code == 0 and '"store": "milvus"' in stats.output
    asked = runner.invoke(app, ["ask", "Who rescued the ferry passengers?", *index])
    assert asked.exit_code == 0 and "coast guard" in asked.output
    assert "Harbour ferry sinks off the cape" in asked.output
    assert runner.invoke(app, ["stats", "--check", *index]).exit_code == 0
