"""The benchmarks (`make bench`, or `newsqa bench` from a checkout): the chunking part, how
the txtai comparison is written either way, the made 1M-chunk-style index."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from benchmarks.peers import PeerComparison
from benchmarks.performance import Performance, markdown
from typer.testing import CliRunner

from newsqa import cli
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
    assert "by `newsqa bench --corpus " in text  # the report names the command that made it


def test_bench_outside_a_checkout_says_where_benchmarks_live(monkeypatch) -> None:
    monkeypatch.setattr(cli, "_checkout", lambda: None)  # an installed newsqa, no checkout
    result = CliRunner().invoke(app, ["bench", "--parts", "chunking"])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "benchmarks live in the project's checkout: run `make bench` there"
    )


def test_the_package_never_imports_the_benchmarks() -> None:
    package = Path(cli.__file__).parent
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not [n for n in names if n.split(".")[0] == "benchmarks"], path


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


def test_made_index_is_sound_and_its_process_figure_is_reported(tmp_path: Path) -> None:
    from benchmarks.process_memory import ProcessMemory, make, markdown_line, questions

    from newsqa.index.integrity import check_index
    from newsqa.index.reader import IndexReader

    manifest = make(tmp_path / "index", 3_000)
    assert (manifest.chunks, manifest.articles, manifest.vector_index) == (3_000, 200, "ivf")
    assert check_index(tmp_path / "index").problems == ()  # what `newsqa stats --check` says
    store = IndexReader.open(tmp_path / "index")
    assert store.vectors.ntotal == 3_000 and store.match_count('"council"') > 0
    article = store.article("a0000007")
    assert article is not None and article.source.startswith("Outlet ")
    chunk = store.chunks([7 * 15 + 2])[7 * 15 + 2]
    assert store.body_span("a0000007", chunk.start, chunk.end) == chunk.text
    store.close()
    assert len(set(questions(20))) == 20

    figure = ProcessMemory(1_000_000, 20, 900.0, 2000.0, 2100.0, 2400.0, 60.0, 90.0, 0.1, 9.0)
    assert "**peak 2400 MiB**" in markdown_line(figure)
    text = markdown(Performance("test machine", process=figure), "make bench")
    assert markdown_line(figure) in text


def test_a_benchmark_run_keeps_the_sections_measured_by_other_means(tmp_path: Path) -> None:
    """docs/performance.md ends with figures no benchmark makes (the page under 8 clients):
    a new run rewrites its own figures and keeps those, word for word."""
    from benchmarks.performance import KEPT_MARKER, with_kept_sections

    output = tmp_path / "performance.md"
    kept = f"{KEPT_MARKER}\n\n## Several questions at once\n\n8 clients: p95 174 ms.\n"
    output.write_text(f"# Performance\n\nold build: 30 s\n\n{kept}", encoding="utf-8")
    text = with_kept_sections("# Performance\n\nnew build: 28 s\n", output)
    assert "new build: 28 s" in text and "old build" not in text
    assert text.endswith(kept)
    assert with_kept_sections("# Performance\n", tmp_path / "none.md") == "# Performance\n"
