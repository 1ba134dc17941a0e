"""The `newsqa` command end to end: build, ask (--json), stats, clear errors."""

from __future__ import annotations

import json
import shutil
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


def _one_line(output: str) -> str:
    return " ".join(output.split())


def test_unknown_backend_lists_the_known_ones(sample_index: Path) -> None:
    """It used to suggest "rebuild with `--backend nonsense`"."""
    result = runner.invoke(
        app, ["ask", "Who attended?", "--backend", "nonsense", "--index", str(sample_index)]
    )
    assert result.exit_code == 2
    assert "unknown embedding backend 'nonsense'; choose one of torch-fp32, onnx-fp32, " in (
        _one_line(result.output)
    )
    assert "rebuild" not in result.output and "--backend nonsense" not in result.output


def test_add_to_an_index_of_another_format_names_the_format(
    sample_index: Path, tmp_path: Path
) -> None:
    """It used to name the model twice ("built with model X (format 99); adding with X")."""
    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    manifest = json.loads((index / "manifest.json").read_text())
    (index / "manifest.json").write_text(json.dumps(manifest | {"format_version": 99}))
    story = tmp_path / "story.txt"
    story.write_text("Ferry returns\nThe ferry returned to the island on Monday.")
    result = runner.invoke(app, ["add", str(story), "--index", str(index)])
    assert result.exit_code == 2
    message = _one_line(result.output)
    assert "format version 99" in message and "newsqa build PATH... --index" in message
    assert manifest["model"] not in message


def test_until_before_since_is_refused_with_the_reason(sample_index: Path) -> None:
    """It used to abstain with no reason ("The articles don't say.")."""
    result = runner.invoke(
        app,
        [
            "ask",
            "Who attended the Victory Day parade in Moscow?",
            "--since",
            "2024-01-01",
            "--until",
            "2023-01-01",
            "--index",
            str(sample_index),
        ],
    )
    assert result.exit_code == 2
    assert (
        "the date range is empty: until '2023-01-01' is before since '2024-01-01'; swap the two "
        "dates" in _one_line(result.output)
    )
