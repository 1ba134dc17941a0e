"""`newsqa bench`: the chunking part, and how the txtai comparison is written either way."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from newsqa.bench.peers import PeerComparison
from newsqa.bench.performance import Performance, markdown
from newsqa.cli import app
from newsqa.sample import sample_paths


def test_bench_times_chunking_against_a_tiktoken_pass(tmp_path: Path) -> None:
    report = tmp_path / "bench.md"
    corpus = str(sample_paths()[0])
    result = CliRunner().invoke(
        app,
        [
            "bench",
            "--corpus",
            corpus,
            "--parts",
            "chunking",
            "--scale",
            "",
            "--output",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    text = report.read_text()
    assert "## Chunking" in text and "articles/s" in text and "tiktoken" in text


def test_txtai_comparison_states_its_ratio_or_why_txtai_did_not_run() -> None:
    ran = PeerComparison(60, 1000, 10.0, 20.0, 40.0, "9.14.0", 30.0, 15.0, 30.0)
    assert ran.ratio == 3.0
    text = markdown(Performance("test machine", peers=ran), "newsqa bench --peers")
    assert "**3.00x** the throughput" in text and "txtai 9.14.0" in text
    failed = PeerComparison(
        60, 1000, 10.0, 20.0, 40.0, error="`pip install txtai` failed: no network"
    )
    text = markdown(Performance("test machine", peers=failed), "newsqa bench --peers")
    assert "txtai could not be run" in text and "no network" in text
