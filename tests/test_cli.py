"""The `newsqa` command end to end: build, ask (--json), stats, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ANSWER_KEYS
from newsqa.cli import app
from newsqa.sample import sample_paths

runner = CliRunner()


def _articles(folder: Path) -> Path:
    folder.mkdir()
    (folder / "harbour.json").write_text(
        json.dumps(
            [
                {
                    "title": "Harbour bridge reopens after repairs",
                    "body": "The harbour bridge reopened on Monday after eight months of repairs. "
                    "Engineer Maria Okafor said the steel cables were replaced. Tolls stay at two dollars.",
                    "source": "Coastal Herald",
                    "published_at": "2024-04-08T09:00:00Z",
                    "url": "https://coastal.example/bridge",
                },
                {
                    "title": "Orchard harvest breaks record",
                    "body": "Apple growers in the valley picked a record 40,000 tonnes this autumn. "
                    "Warm spring weather helped the blossoms.",
                    "source": "Valley Farmer",
                    "published_at": "2024-10-01",
                    "url": "https://farmer.example/harvest",
                },
            ]
        )
    )
    (folder / "broken.json").write_text("[{")
    return folder


@pytest.mark.model  # the command builds with the bundled model
def test_build_ask_json_and_stats(tmp_path: Path) -> None:
    index = tmp_path / "index"
    result = runner.invoke(app, ["build", str(_articles(tmp_path / "news")), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "indexed 2 articles" in result.output
    assert "broken.json" in result.output and "malformed JSON" in result.output

    result = runner.invoke(
        app, ["ask", "Who replaced the bridge cables?", "--json", "--index", str(index)]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert set(answer) == ANSWER_KEYS
    assert not answer["abstained"]
    cited = answer["citations"][0]
    assert cited["source"] == "Coastal Herald"
    assert cited["url"] == "https://coastal.example/bridge"
    assert cited["published_at"] == "2024-04-08T09:00:00+00:00"
    assert "Maria Okafor" in answer["text"]
    assert set(answer["passages"][0]) >= {"chunk_id", "article_id", "title", "score", "text"}

    result = runner.invoke(app, ["stats", "--json", "--index", str(index)])
    info = json.loads(result.stdout)
    assert info["articles"] == 2 and info["sources"] == {"Coastal Herald": 1, "Valley Farmer": 1}


@pytest.mark.model  # the command builds with the bundled model
def test_plain_ask_prints_answer_and_sources(tmp_path: Path) -> None:
    index = tmp_path / "index"
    assert (
        runner.invoke(app, ["build", *map(str, sample_paths()), "--index", str(index)]).exit_code
        == 0
    )
    result = runner.invoke(
        app, ["ask", "Who attended the Victory Day parade in Moscow?", "--index", str(index)]
    )
    assert result.exit_code == 0
    assert "Xi Jinping" in result.stdout
    assert "[1] Realpolitik 2.0: Uniting for a Post-Western World" in result.stdout


def test_ask_without_index_fails_clearly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ask", "anything", "--index", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "newsqa build" in result.output


@pytest.mark.model  # the command builds with the bundled model
def test_build_with_only_bad_files_fails_and_keeps_old_index(tmp_path: Path) -> None:
    index = tmp_path / "index"
    assert (
        runner.invoke(app, ["build", *map(str, sample_paths()), "--index", str(index)]).exit_code
        == 0
    )
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = runner.invoke(app, ["build", str(bad), "--index", str(index)])
    assert result.exit_code == 2
    assert "no articles to index" in result.output
    stats = json.loads(runner.invoke(app, ["stats", "--json", "--index", str(index)]).stdout)
    assert stats["articles"] == 1


def test_strict_build_fails_on_any_rejection(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["build", str(_articles(tmp_path / "news")), "--index", str(tmp_path / "i"), "--strict"],
    )
    assert result.exit_code == 1


@pytest.mark.model  # the command builds with the bundled model
def test_ask_filters_by_outlet_and_date_before_ranking(tmp_path: Path) -> None:
    index = tmp_path / "index"
    assert (
        runner.invoke(
            app, ["build", str(_articles(tmp_path / "news")), "--index", str(index)]
        ).exit_code
        == 0
    )
    question = "What happened to the harbour bridge?"
    only_farm = runner.invoke(
        app, ["ask", question, "--json", "--index", str(index), "--source", "Valley Farmer"]
    )
    passages = json.loads(only_farm.stdout)["passages"]
    assert passages, "a filtered search must not come back empty"
    assert {p["source"] for p in passages} == {"Valley Farmer"}
    late = runner.invoke(
        app, ["ask", question, "--json", "--index", str(index), "--since", "2024-09-01"]
    )
    assert {p["title"] for p in json.loads(late.stdout)["passages"]} == {
        "Orchard harvest breaks record"
    }
    early = runner.invoke(
        app, ["ask", question, "--json", "--index", str(index), "--until", "April 8, 2024"]
    )
    assert {p["source"] for p in json.loads(early.stdout)["passages"]} == {"Coastal Herald"}
    bad = runner.invoke(app, ["ask", question, "--index", str(index), "--since", "someday"])
    assert bad.exit_code == 2 and "cannot read the date" in bad.output
    when = runner.invoke(app, ["ask", question, "--index", str(index), "--asked-on", "soon"])
    assert when.exit_code == 2 and "cannot read the date 'soon'" in when.output
