"""The `newsqa` command: build, ask, stats, eval and serve over an index folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from newsqa.api import NewsQA
from newsqa.config import Settings
from newsqa.store import IndexUnavailable

app = typer.Typer(
    help="Cited, extractive answers from your own news archive, offline.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)
out = Console(highlight=False, soft_wrap=True)

IndexOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional
    typer.Option(
        "--index", help="Index folder [env NEWSQA_INDEX; default ./index]", show_default=False
    ),
]
ModelOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--model", help="sentence-transformers model name or path (default all-MiniLM-L6-v2)"
    ),
]


def _settings(index: Path | None, **overrides: object) -> Settings:
    return Settings.from_env(index_dir=index, **overrides)


def _fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(2)


@app.command()
def build(
    paths: Annotated[
        list[Path], typer.Argument(help="Article files or folders (txt, json, jsonl)")
    ],
    index: IndexOption = None,
    model: ModelOption = None,
    chunk_tokens: Annotated[Optional[int], typer.Option(help="Max cl100k tokens per chunk")] = None,  # noqa: UP045
    strict: Annotated[bool, typer.Option(help="Fail if any file is rejected")] = False,
) -> None:
    """Rebuild the index from scratch from PATHS (atomic: the old index serves until done)."""
    settings = _settings(index, model=model, chunk_tokens=chunk_tokens)
    try:
        report = NewsQA(settings).rebuild(paths, progress=True)
    except ValueError as exc:
        _fail(str(exc))
        return
    for rejection in report.rejected:
        console.print(f"[yellow]rejected[/] {escape(rejection.path)}: {escape(rejection.reason)}")
    console.print(
        f"[green]indexed[/] {report.articles} articles, {report.chunks} chunks into "
        f"{settings.index_dir} ({report.duplicates} duplicates skipped, {len(report.rejected)} rejected)"
    )
    if strict and report.rejected:
        raise typer.Exit(1)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question")],
    index: IndexOption = None,
    k: Annotated[Optional[int], typer.Option("-k", help="Passages to retrieve")] = None,  # noqa: UP045
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON")] = False,
) -> None:
    """Answer QUESTION with verbatim, cited sentences from the indexed articles."""
    try:
        qa = NewsQA.open(_settings(index).index_dir)
        answer = qa.ask(question, k=k)
    except (IndexUnavailable, ValueError) as exc:
        _fail(str(exc))
        return
    if as_json:
        out.print_json(json.dumps(answer.to_dict(), ensure_ascii=False))
        return
    out.print(escape(answer.text))
    if answer.citations:
        out.print()
        out.print(escape(answer.sources_text()))


@app.command()
def stats(
    index: IndexOption = None, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Show what the index holds: counts, model, dates, outlets."""
    try:
        info = NewsQA.open(_settings(index).index_dir).stats()
    except IndexUnavailable as exc:
        _fail(str(exc))
        return
    if as_json:
        out.print_json(json.dumps(info, ensure_ascii=False))
        return
    table = Table(show_header=False)
    for key, value in info.items():
        if key != "sources":
            table.add_row(key, escape(str(value)))
    table.add_row("outlets", str(len(info["sources"])))
    out.print(table)


@app.command("eval")
def evaluate_queries(
    queries: Annotated[Path, typer.Argument(help="MultiHop-RAG style queries JSON file")],
    index: IndexOption = None,
    limit: Annotated[Optional[int], typer.Option(help="Only the first N queries")] = None,  # noqa: UP045
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON")] = False,
) -> None:
    """Measure retrieval, answers and latency on benchmark queries against the current index."""
    from newsqa.evaluation import evaluate, load_queries
    from newsqa.progress import Progress

    try:
        qa = NewsQA.open(_settings(index).index_dir)
        items = load_queries(queries, limit)
    except (IndexUnavailable, ValueError, OSError) as exc:
        _fail(str(exc))
        return
    qa.ask("warm-up")  # load the model before timing
    report = evaluate(
        items, qa.ask, lambda qs: Progress(True).track(qs, "Evaluating", unit="queries")
    )
    if as_json:
        out.print_json(json.dumps(report))
        return
    columns = list(report["overall"])
    table = Table(*(["group", *columns]))
    for name, row in [("overall", report["overall"]), *report["by_type"].items()]:
        table.add_row(name, *("" if row[c] is None else str(row[c]) for c in columns))
    out.print(table)


@app.command()
def serve(
    index: IndexOption = None,
    host: Annotated[str, typer.Option(help="Address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 7860,
) -> None:
    """Start the chat page (builds the sample index first if there is none)."""
    from newsqa.ui import launch

    launch(_settings(index), host=host, port=port)


if __name__ == "__main__":
    app()
