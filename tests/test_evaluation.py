"""Metric definitions match the MultiHop-RAG script on hand-worked examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsqa.cli import app
from newsqa.evaluation import fact_covered, retrieval_metrics


def test_retrieval_metrics_by_hand() -> None:
    facts = ["Rates rose by 2%.", "The mayor\nresigned."]
    passages = [
        "Weather was mild.",
        "Officials said: Rates rose by 2%. Markets fell.",  # fact 1 at rank 2 (case counts)
        "Nothing here.",
        "Nothing either.",
        "In the evening The mayor resigned.",  # fact 2 at rank 5 (newline/space-insensitive)
    ]
    m = retrieval_metrics(passages, facts)
    assert m["hits@4"] == 1.0 and m["hits@10"] == 1.0
    assert m["mrr@10"] == pytest.approx(1 / 2)
    assert m["map@10"] == pytest.approx((1 / 2 + 1 / 5) / 2)
    assert retrieval_metrics(passages[2:4], facts) == {
        "hits@4": 0.0,
        "hits@10": 0.0,
        "mrr@10": 0.0,
        "map@10": 0.0,
    }


def test_fact_coverage_threshold() -> None:
    fact = "The council approved the new harbour budget on Tuesday"
    assert fact_covered(fact, "On Tuesday the council approved a harbour budget.")
    assert not fact_covered(fact, "The council met.")


def test_eval_command_prints_json_metrics(tmp_path: Path, sample_index: Path) -> None:
    runner = CliRunner()
    index = sample_index  # read-only use of the session's built sample
    queries = tmp_path / "queries.json"
    queries.write_text(
        json.dumps(
            [
                {
                    "query": "Who attended the Victory Day parade in Moscow?",
                    "answer": "Xi Jinping",
                    "question_type": "inference_query",
                    "evidence_list": [
                        {
                            "title": "Realpolitik 2.0: Uniting for a Post-Western World",
                            "url": None,
                            "fact": "attended by Chinese President Xi Jinping and troops from 13 other nations",
                        }
                    ],
                },
                {
                    "query": "What is the recipe for banana bread?",
                    "answer": "Insufficient information.",
                    "question_type": "null_query",
                    "evidence_list": [],
                },
            ]
        )
    )
    result = runner.invoke(app, ["eval", str(queries), "--index", str(index), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    overall = report["overall"]
    assert overall["hits@10"] == 1.0 and overall["answer_hit"] == 1.0
    assert overall["null_abstain"] == 1.0 and overall["passage_tokens_max"] <= 256
    assert set(report["by_type"]) == {"inference_query", "null_query"}


def test_eval_measures_abstention_without_evidence_and_off_archive(
    tmp_path: Path, sample_index: Path
) -> None:
    runner = CliRunner()
    queries = tmp_path / "queries.json"
    queries.write_text(
        json.dumps(
            [
                {
                    "query": "Who attended the Victory Day parade in Moscow?",
                    "answer": "Xi Jinping",
                    "question_type": "inference_query",
                    "evidence_list": [
                        {"title": "Realpolitik 2.0: Uniting for a Post-Western World", "fact": "x"}
                    ],
                }
            ]
        )
    )
    args = ["eval", str(queries), "--index", str(sample_index), "--json"]
    answered = json.loads(runner.invoke(app, args).stdout)["overall"]
    assert answered["false_abstain"] == 0.0 and answered["answer_hit_lead"] == 1.0
    assert answered["gold_cited@3"] == 1.0 and answered["lead_sentences_mean"] >= 1
    # the only article that answers it left out: the answer must abstain
    result = runner.invoke(app, [*args, "--without-evidence"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["overall"]["unsupported_abstain"] == 1.0

    off = tmp_path / "offarchive.jsonl"
    off.write_text(
        json.dumps({"question": "Which team won the 2022 World Cup final?", "expect": "abstain"})
        + "\n"
    )
    result = runner.invoke(app, ["eval", str(off), "--index", str(sample_index), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["overall"]["offarchive_abstain"] == 1.0
    assert set(report["by_type"]) == {"offarchive_query"}


def test_bench_writes_a_markdown_table(tmp_path: Path, sample_index: Path) -> None:
    runner = CliRunner()
    index = sample_index  # read-only use of the session's built sample
    report = tmp_path / "bench.md"
    result = runner.invoke(
        app,
        [
            *("bench", "--index", str(index), "--output", str(report)),
            *("--parts", "questions,recall,scale", "--scale", "3000"),
        ],
    )
    assert result.exit_code == 0, result.output
    text = report.read_text()
    assert "warm p50, 4 questions" in text and "recall@10 against exact search" in text
    assert "| 3,000 | exact |" in text and "Peak resident memory" in text


def test_each_question_is_asked_on_its_own_day(tmp_path: Path) -> None:
    """A quiz question's "question_date" is the day "this week" is read from."""
    from newsqa.evaluation import evaluate, load_queries
    from newsqa.records import Answer

    path = tmp_path / "quiz.jsonl"
    rows = [
        {
            "question": "Which team won this week?",
            "expect": "abstain",
            "question_date": "2022-06-16",
        },
        {"question": "Who resigned?", "expect": "abstain", "asked_on": "2022-07-08"},
        {"question": "What happened?", "expect": "abstain"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    asked: list[str | None] = []

    def ask(question: str, **options: object) -> Answer:
        asked.append(options.get("asked_on"))  # type: ignore[arg-type]
        return Answer(question, "The articles don't say.", abstained=True)

    report = evaluate(load_queries(path), ask)
    assert asked == ["2022-06-16", "2022-07-08", None]
    assert report["overall"]["offarchive_abstain"] == 1.0
