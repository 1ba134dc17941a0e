"""`newsqa bench`: the chunking part, and how the txtai comparison is written either way."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.peers import PeerComparison
from benchmarks.performance import Performance, markdown
from typer.testing import CliRunner

from newsqa.cli import app
from newsqa.sample import sample_paths


@pytest.mark.model  # chunks with the bundled model's tokenizer
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


def test_made_index_is_sound_and_the_process_figure_is_judged_against_1_5_gb(
    tmp_path: Path,
) -> None:
    from benchmarks.goals import done_when
    from benchmarks.process_memory import ProcessMemory, make, markdown_line, questions
    from benchmarks.scale import ScaleRow

    from newsqa.index.manifest import sha256_of
    from newsqa.index.reader import IndexReader

    manifest = make(tmp_path / "index", 3_000)
    assert (manifest.chunks, manifest.articles, manifest.vector_index) == (3_000, 200, "ivf")
    for name, digest in manifest.checksums.items():
        assert sha256_of(tmp_path / "index" / name) == digest
    store = IndexReader.open(tmp_path / "index")
    assert store.vectors.ntotal == 3_000 and store.match_count('"council"') > 0
    store.close()
    assert len(set(questions(20))) == 20

    figure = ProcessMemory(1_000_000, 20, 900.0, 2000.0, 2100.0, 2400.0, 60.0, 90.0, 0.1, 9.0)
    assert "**peak 2400 MiB**" in markdown_line(figure)
    row = ScaleRow(1_000_000, 50, 80, 4, 5, 0.97, 100, 1465, 761, 10, 85, "ivf")
    lines = "\n".join(done_when(None, None, None, None, [row], figure))
    assert "query and recall **met**, memory **not met**" in lines and "peaked at 2400 MiB" in lines
    lines = "\n".join(done_when(None, None, None, None, [row], None))
    assert "memory met for the vector index only" in lines
