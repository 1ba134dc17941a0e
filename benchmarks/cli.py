"""`python -m benchmarks` (`make bench`): every speed and memory figure, written to docs/performance.md."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from benchmarks import performance
from newsqa.api import NewsQA
from newsqa.config import Settings
from newsqa.evaluation import load_queries
from newsqa.index.manifest import IndexUnavailable
from newsqa.ingest import load_paths

PROG = "python -m benchmarks"
app = typer.Typer(add_completion=False)
console = Console(stderr=True)
out = Console(highlight=False, soft_wrap=True)


@app.command()
def bench(
    ctx: typer.Context,
    index: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional
        typer.Option(help="Index folder [env NEWSQA_INDEX; default ./index]", show_default=False),
    ] = None,
    queries: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="MultiHop-RAG style queries file to time (default: sample questions)"),
    ] = None,
    corpus: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Articles to time the build and each embedding backend on"),
    ] = None,
    articles: Annotated[int, typer.Option(help="Build at most this many articles")] = 60,
    limit: Annotated[int, typer.Option(help="At most this many questions")] = 300,
    scale: Annotated[
        str, typer.Option(help="Synthetic scale tests at these chunk counts (comma-separated)")
    ] = "10000,100000",
    parts: Annotated[
        str,
        typer.Option(
            help="What to measure: chunking,embedding,build,questions,cold,recall,scale "
            "(and process-1m: a whole process over a made 1M-chunk index, minutes, ~4 GB of /tmp)"
        ),
    ] = "chunking,embedding,build,questions,cold,recall,scale",
    output: Annotated[Path, typer.Option(help="Markdown file for the results")] = Path(
        "docs/performance.md"
    ),
    peers: Annotated[
        bool,
        typer.Option(
            help="Also compare with txtai, installed in its own venv (PEER_VENV), never in newsqa's"
        ),
    ] = False,
    peer_venv: Annotated[
        Path, typer.Option(help="The benchmark's own venv for txtai (made on first use)")
    ] = Path(".venv-bench"),
) -> None:
    """Measure chunking, embedding throughput per backend, build stages, question latency,
    cold start, approximate-index recall and scale (and txtai with --peers); write the
    tables to OUTPUT."""
    settings = Settings.from_env(index_dir=index)
    try:
        questions = (
            [q.query for q in load_queries(queries, limit)]
            if queries
            else list(performance.SAMPLE_QUESTIONS)
        )
        corpus_articles = load_paths([corpus]).articles if corpus else []
        has_index = (settings.index_dir / "manifest.json").exists()
        result = performance.run(
            corpus_articles[:articles],
            settings,
            settings.index_dir if has_index else None,
            (lambda: NewsQA.open(settings.index_dir).ask) if has_index else None,
            questions,
            [int(n) for n in scale.split(",") if n.strip()],
            say=lambda line: console.print(f"[dim]{escape(line)}[/]"),
            parts=[p.strip() for p in parts.split(",")] + (["peers"] if peers else []),
            corpus=corpus_articles,
            open_index=lambda folder: NewsQA.open(folder).ask,
            peer_venv=peer_venv,
        )
    except (IndexUnavailable, ValueError, OSError) as exc:
        console.print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    text = performance.markdown(result, ctx.obj or PROG)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(performance.with_kept_sections(text, output), encoding="utf-8")
    out.print(text)
    console.print(f"written to {output}")


def main(args: Sequence[str] | None = None, prog: str = PROG) -> None:
    """Run the benchmarks with `args` (default: this process's); `prog` names the command in
    the written report (`newsqa bench` delegates here from a checkout)."""
    args = list(sys.argv[1:] if args is None else args)
    app(args=args, prog_name=prog, obj=" ".join([prog, *args]))
