"""The `newsqa` command: build, add, remove, ask, chat, stats, eval, serve, watch an index."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from newsqa.api import NewsQA
from newsqa.build.distributed.cluster import LOCAL, RayOptions
from newsqa.build.updates import BuildReport
from newsqa.config import Settings
from newsqa.index.manifest import IndexUnavailable
from newsqa.rendering import for_terminal
from newsqa.terminal import print_answer

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
BackendOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--backend",
        help="Embedding backend: onnx-int8 (default for builds), onnx-fp32 or torch-fp32 "
        "[env NEWSQA_BACKEND]; questions default to the index's own family, without torch",
        show_default=False,
    ),
]

RerankerOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        help="Rerank passages with this sentence-transformers CrossEncoder (off by default)"
    ),
]


def _settings(index: Path | None, **overrides: object) -> Settings:
    return Settings.from_env(index_dir=index, **overrides)


def _fail(message: str) -> None:
    """One line (never wrapped: a long path or command stays whole), then exit status 2."""
    console.print(f"[bold red]error:[/] {for_terminal(message)}", soft_wrap=True)
    raise typer.Exit(2)


PathsArgument = Annotated[
    list[Path],
    typer.Argument(
        help="Article files or folders: txt, json, jsonl, csv, tsv, html, rss/atom (.gz too)"
    ),
]
# the filters of `ask` and `chat` (in `chat`, the filters it starts with; /filters changes them)
SourceOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--source", help="Only articles from this outlet (repeatable)"),
]
SinceOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(help="Only articles published on or after this date (e.g. 2023-10-01)"),
]
UntilOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(help="Only articles published on or before this date"),
]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="Exit non-zero if any file or record is rejected")
]
ColumnOption = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option(
        "--column",
        help="CSV column for an article field, e.g. --column body=story_text (repeatable)",
    ),
]


@app.command()
def build(
    paths: PathsArgument,
    index: IndexOption = None,
    model: ModelOption = None,
    backend: BackendOption = None,
    chunk_tokens: Annotated[Optional[int], typer.Option(help="Max cl100k tokens per chunk")] = None,  # noqa: UP045
    strict: StrictOption = False,
    column: ColumnOption = None,
    ray: Annotated[
        bool,
        typer.Option(
            "--ray",
            help="Read, match, chunk and embed on Ray Data, committing in batches (a killed "
            "build resumes); starts a local Ray unless --ray-address. Needs "
            "pip install 'newsqa\\[ray]'",
        ),
    ] = False,
    ray_address: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            help="Ray cluster to run on (implies --ray): auto for a `ray start` cluster on this "
            "machine, or ray://HOST:10001",
        ),
    ] = None,
    ray_workers: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(help="Embedding actors on Ray (default: the cluster's CPUs less one)"),
    ] = None,
    ray_commit_every: Annotated[
        int,
        typer.Option(help="Articles per commit with --ray (a killed build loses at most these)"),
    ] = RayOptions.commit_every,
    store: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--store",
            help="Where questions are searched: embedded (default: FAISS + SQLite in the index "
            "folder) or milvus (needs pip install 'newsqa[milvus]') [env NEWSQA_STORE]",
            show_default=False,
        ),
    ] = None,
    milvus_uri: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--milvus-uri",
            help="With --store milvus: a milvus-lite file (default INDEX.milvus.db beside the "
            "index) or a server, e.g. http://milvus:19530 [env NEWSQA_MILVUS_URI]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Rebuild the index from scratch from PATHS (atomic: the old index serves until done)."""
    settings = _settings(
        index,
        model=model,
        backend=backend,
        chunk_tokens=chunk_tokens,
        store=store,
        milvus_uri=milvus_uri,
    )
    options = None
    if ray or ray_address:
        options = RayOptions(
            address=ray_address or LOCAL, workers=ray_workers, commit_every=ray_commit_every
        )
    _write(
        settings,
        lambda qa: qa.rebuild(
            paths, progress=True, columns=_columns(column), ray=options, on_commit=_committed
        ),
        strict,
    )


def _committed(report: BuildReport, read: int) -> None:
    """One line per batch a distributed build commits: these articles are safe from a kill."""
    console.print(
        f"[green]committed[/] {read} articles read: {report.added} added, {report.updated} "
        f"updated, {report.unchanged} unchanged, {report.embedded} chunks embedded"
    )


def _write(settings: Settings, action: Callable[[NewsQA], BuildReport], strict: bool) -> None:
    """Run a build or add, print its summary; with `strict`, any rejection fails the command."""
    try:
        report = action(NewsQA(settings))
    except (ValueError, IndexUnavailable) as exc:
        _fail(str(exc))
        return
    _summary(report, settings)
    if strict and report.rejected:
        raise typer.Exit(1)


@app.command()
def add(
    paths: PathsArgument,
    index: IndexOption = None,
    backend: BackendOption = None,
    strict: StrictOption = False,
    column: ColumnOption = None,
) -> None:
    """Add new articles from PATHS and replace changed ones; unchanged ones are not re-embedded."""
    settings = _settings(index, backend=backend)
    _write(settings, lambda qa: qa.add(paths, progress=True, columns=_columns(column)), strict)


@app.command()
def repair(index: IndexOption = None, backend: BackendOption = None) -> None:
    """Rebuild a damaged index from the articles it still holds (its SQLite catalogue):
    each is chunked and embedded afresh, other outlets' copies are kept (atomic, like build).
    For an index whose articles cannot be read, rebuild from the files with `build`."""
    settings = _settings(index, backend=backend)
    _write(settings, lambda qa: qa.repair(progress=True), strict=False)


@app.command()
def remove(
    keys: Annotated[list[str], typer.Argument(help="Article ids or URLs to remove")],
    index: IndexOption = None,
) -> None:
    """Remove articles by id or URL (exits 1 if any was not in the index)."""
    settings = _settings(index)
    try:
        report = NewsQA(settings).remove(keys)
    except IndexUnavailable as exc:
        _fail(str(exc))
        return
    for key in report.not_found:
        console.print(f"[yellow]not found[/] {for_terminal(key)}", soft_wrap=True)
    console.print(
        f"[green]removed[/] {report.removed}; the index holds {report.articles} articles, "
        f"{report.chunks} chunks"
    )
    if report.not_found:
        raise typer.Exit(1)


def _columns(pairs: list[str] | None) -> dict[str, str]:
    from newsqa.ingest.fields import ALIASES

    columns: dict[str, str] = {}
    for pair in pairs or []:
        field, sep, name = pair.partition("=")
        if not sep or field.strip() not in ALIASES or not name.strip():
            _fail(f"--column {pair!r}: use FIELD=COLUMN with FIELD one of {', '.join(ALIASES)}")
        columns[field.strip()] = name.strip()
    return columns


def _summary(report: BuildReport, settings: Settings) -> None:
    for rejection in report.rejected:
        console.print(
            f"[yellow]rejected[/] {for_terminal(rejection.path)}: {for_terminal(rejection.reason)}",
            soft_wrap=True,
        )
    table = Table("articles", "count", title="Summary")
    for label, value in [
        ("added", report.added),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
        ("skipped as duplicate", report.duplicates),
        ("recorded as another outlet's copy", report.syndicated),
        ("rejected", len(report.rejected)),
        ("chunks embedded", report.embedded),
    ]:
        table.add_row(label, str(value))
    console.print(table)
    console.print(
        f"[green]indexed[/] {report.articles} articles, {report.chunks} chunks in "
        f"{for_terminal(settings.index_dir)}" + ("" if report.manifest else " (no changes)"),
        soft_wrap=True,
    )


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question")],
    index: IndexOption = None,
    k: Annotated[Optional[int], typer.Option("-k", help="Passages to retrieve")] = None,  # noqa: UP045
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON")] = False,
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    asked_on: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            help="The day the question is asked: 'this week' or 'recently' mean news near it "
            "(default: the newest reports found)"
        ),
    ] = None,
    reranker: RerankerOption = None,
    backend: BackendOption = None,
) -> None:
    """Answer QUESTION with verbatim, cited sentences from the indexed articles."""
    try:
        qa = NewsQA.open(_settings(index).index_dir, reranker=reranker, backend=backend)
        answer = qa.ask(question, k=k, sources=source, since=since, until=until, asked_on=asked_on)
    except (IndexUnavailable, ValueError, RuntimeError) as exc:
        _fail(str(exc))
        return
    if as_json:
        out.print_json(json.dumps(answer.to_dict(), ensure_ascii=False))
        return
    print_answer(out, answer)


@app.command()
def chat(
    index: IndexOption = None,
    source: SourceOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    backend: BackendOption = None,
) -> None:
    """A conversation in the terminal: follow-ups keep to the story of the earlier answers;
    /sources N, /support, /filters, /new, /help, /quit (the options are the filters it starts
    with; /filters changes them)."""
    from newsqa.api import make_scope
    from newsqa.terminal import Chat, ChatFilters, run_chat

    try:
        qa = NewsQA.open(_settings(index).index_dir, backend=backend)
        make_scope(source, since, until)  # an unreadable date: say so before the first question
        qa.warm_up()
    except (IndexUnavailable, ValueError, RuntimeError) as exc:
        _fail(str(exc))
        return
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401 - line editing and history for input()
    conversation = Chat(
        qa.ask,
        out,
        outlets=qa.store.catalogue.outlet_names(),
        check_date=lambda value: make_scope(None, value, None),
        filters=ChatFilters(tuple(source or ()), since or "", until or ""),
    )
    run_chat(conversation, lambda prompt: out.input(prompt))


@app.command()
def stats(
    index: IndexOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Verify checksums, FAISS ids against chunks, FTS rows and articles (and a "
            "Milvus store's collection against them); exit 1 when the index is damaged",
        ),
    ] = False,
) -> None:
    """Show what the index holds: counts, model, dates, outlets (or verify it with --check)."""
    if check:
        _check(_settings(index), as_json)
        return
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
            table.add_row(key, for_terminal(value))
    table.add_row("outlets", str(len(info["sources"])))
    out.print(table)


def _check(settings: Settings, as_json: bool) -> None:
    """`stats --check`: exit 0 when the index is sound, 1 with each problem and the repair."""
    report = NewsQA(settings).check()
    if as_json:
        out.print_json(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        for note in report.notes:
            console.print(f"[yellow]note:[/] {for_terminal(note)}", soft_wrap=True)
        for problem in report.problems:
            console.print(f"[bold red]problem:[/] {for_terminal(problem)}", soft_wrap=True)
        if report.sound:
            out.print(
                f"index at {for_terminal(report.index_dir)} is sound: {report.articles} articles, "
                f"{report.chunks} chunks; checksums, vectors, full-text rows and articles agree"
            )
        else:
            console.print(f"[bold]repair:[/] {for_terminal(report.repair)}", soft_wrap=True)
    if not report.sound:
        raise typer.Exit(1)


@app.command("eval")
def evaluate_queries(
    queries: Annotated[Path, typer.Argument(help="MultiHop-RAG style queries JSON file")],
    index: IndexOption = None,
    limit: Annotated[Optional[int], typer.Option(help="Only the first N queries")] = None,  # noqa: UP045
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON")] = False,
    reranker: RerankerOption = None,
    backend: BackendOption = None,
    without_evidence: Annotated[
        bool,
        typer.Option(
            "--without-evidence",
            help="Ask each answerable query with its gold articles left out; "
            "measures unsupported_abstain",
        ),
    ] = False,
) -> None:
    """Measure retrieval, answers and latency on benchmark queries against the current index.

    QUERIES: a MultiHop-RAG style JSON list, or JSON Lines of questions marked
    `"expect": "abstain"` (measures offarchive_abstain)."""
    from newsqa.evaluation import evaluate, load_queries
    from newsqa.progress import Progress

    try:
        qa = NewsQA.open(_settings(index).index_dir, reranker=reranker, backend=backend)
        items = load_queries(queries, limit)
    except (IndexUnavailable, ValueError, OSError) as exc:
        _fail(str(exc))
        return
    try:
        qa.ask("warm-up")  # load the models before timing
    except RuntimeError as exc:
        _fail(str(exc))
        return
    report = evaluate(
        items,
        qa.ask,
        lambda qs: Progress(True).track(qs, "Evaluating", unit="queries"),
        without_evidence=without_evidence,
    )
    if as_json:
        out.print_json(json.dumps(report))
        return
    groups = [("overall", report["overall"]), *report["by_type"].items()]
    table = Table("metric", *(name.removesuffix("_query") for name, _ in groups))
    for metric, value in report["overall"].items():
        if isinstance(value, dict):  # the calibration table: in --json
            continue
        table.add_row(
            metric, *("" if row[metric] is None else str(row[metric]) for _, row in groups)
        )
    out.print(table)


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def bench(ctx: typer.Context) -> None:
    """Speed and memory benchmarks into docs/performance.md (from the project's checkout: the
    same as `make bench`; `newsqa bench --help` lists the options)."""
    run = _benchmarks_main()
    if run is None:
        typer.echo("benchmarks live in the project's checkout: run `make bench` there", err=True)
        raise typer.Exit(2)
    run(ctx.args, "newsqa bench")


def _checkout() -> Path | None:
    """The project checkout holding this package (or the working folder), where the
    top-level `benchmarks` package lives; None for an installed newsqa used elsewhere."""
    here = Path(__file__).resolve().parents[2]
    for folder in (here, Path.cwd().resolve(), *Path.cwd().resolve().parents):
        if (folder / "pyproject.toml").is_file() and (folder / "benchmarks" / "cli.py").is_file():
            return folder
    return None


def _benchmarks_main() -> Callable[[list[str], str], None] | None:
    """`benchmarks.cli.main` from the checkout, imported only when asked for."""
    import importlib
    import sys

    root = _checkout()
    if root is None:
        return None
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    module = importlib.import_module("benchmarks.cli")
    if not Path(module.__file__ or "").resolve().is_relative_to(root):
        return None  # some other `benchmarks` package
    return module.main


@app.command("train-reader")
def train_reader(
    questions: Annotated[
        Path, typer.Argument(help="MultiHop-RAG style questions with answers (dev.json)")
    ],
    index: IndexOption = None,
    corpus: Annotated[
        Optional[list[Path]],  # noqa: UP045 - typer needs Optional
        typer.Option(help="Article files to make cloze questions from (the index's corpus)"),
    ] = None,
    cloze: Annotated[int, typer.Option(help="Cloze questions to make and read")] = 700,
    limit: Annotated[Optional[int], typer.Option(help="Only the first N questions")] = None,  # noqa: UP045
    half: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(help="Train on this half of the questions only (0 or 1; by question hash)"),
    ] = None,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            help="Where to write the weights (default: the package's reader_weights.json)"
        ),
    ] = None,
) -> None:
    """Rebuild the reader's weights: ask each question (and cloze questions made from
    CORPUS) against the index, label each candidate sentence by whether it states the gold
    answer, fit the two logistic models and calibrate the confidence (docs/reader-model-card.md)."""
    from newsqa import training
    from newsqa.answering.reader import WEIGHTS_PATH
    from newsqa.evaluation import load_queries
    from newsqa.ingest import load_paths
    from newsqa.progress import Progress

    try:
        qa = NewsQA.open(_settings(index).index_dir, reader=False)
        items = [q for q in load_queries(questions, limit) if q.evidence]
        articles = [(a.body, a.published_at) for a in load_paths(corpus).articles] if corpus else []
    except (IndexUnavailable, ValueError, OSError) as exc:
        _fail(str(exc))
        return
    if half is not None:
        items = [q for q in items if training.half(q.query) == half]
    bar = Progress(True)
    examples = training.collect(
        qa, items, "multihop", lambda qs: bar.track(qs, "Reading questions", unit="questions")
    )
    made = training.cloze_questions(articles, cloze)
    examples += training.collect(
        qa, made, "cloze", lambda qs: bar.track(qs, "Reading cloze questions", unit="questions")
    )
    if not examples or not any(y for e in examples for y in e.label):
        _fail("no answered question with its answer among the candidates: nothing to learn")
        return
    model, report = training.train(examples)
    target = output or WEIGHTS_PATH
    training.save(model, target)
    out.print_json(json.dumps({"weights": str(target), **report}))


@app.command("train-verdicts")
def train_verdicts(
    questions: Annotated[
        Path, typer.Argument(help="MultiHop-RAG style questions with yes/no answers (dev.json)")
    ],
    index: IndexOption = None,
    limit: Annotated[Optional[int], typer.Option(help="Only the first N questions")] = None,  # noqa: UP045
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            help="Where to write the weights (default: the package's verdict_weights.json)"
        ),
    ] = None,
    examples: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Keep what each answer found here; refit from it when it exists"),
    ] = None,
) -> None:
    """Rebuild the verdict model: ask each yes/no question against the index, fit P(yes) on
    half 0 (the bar by cross-fitting), and report precision and coverage on half 1 by type
    and the cross-fit between comparison and temporal questions (docs/quality.md)."""
    from newsqa import verdict_training
    from newsqa.answering.verdict_model import WEIGHTS_FILE
    from newsqa.evaluation import load_queries
    from newsqa.progress import Progress

    if examples is not None and examples.exists():
        asked = verdict_training.load_examples(examples)
    else:
        try:
            qa = NewsQA.open(_settings(index).index_dir, verdict_bar=0.0)
            items = [q for q in load_queries(questions, limit) if q.evidence]
        except (IndexUnavailable, ValueError, OSError) as exc:
            _fail(str(exc))
            return
        bar = Progress(True)
        asked = verdict_training.collect(
            qa, items, lambda qs: bar.track(qs, "Asking yes/no questions", unit="questions")
        )
        if examples is not None:
            verdict_training.save_examples(asked, examples)
    if not any(e.values is not None for e in asked):
        _fail("no yes/no question answered: nothing to learn")
        return
    model, report = verdict_training.train(asked)
    target = output or Path(verdict_training.__file__).with_name("answering") / WEIGHTS_FILE
    verdict_training.save(model, target)
    out.print_json(json.dumps({"weights": str(target), **report}))


WatchOption = Annotated[
    Optional[list[Path]],  # noqa: UP045
    typer.Option("--watch", help="Also add new or changed files from this folder (repeatable)"),
]


@app.command()
def serve(
    index: IndexOption = None,
    host: Annotated[str, typer.Option(help="Address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 7860,
    watch: WatchOption = None,
    allowed_host: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--allowed-host",
            help="Also answer requests addressed to this name, e.g. a reverse proxy's "
            "(repeatable) [env NEWSQA_ALLOWED_HOSTS, comma-separated]. Other Host names get "
            "400 and writes from other sites' pages 403",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Start the chat page (builds the sample index first if there is none)."""
    from newsqa.ui import ensure_index, launch

    settings = _settings(index)
    if allowed_host:
        settings = settings.replace(
            allowed_hosts=",".join([settings.allowed_hosts, *allowed_host]).strip(",")
        )
    qa = None
    try:  # a damaged index is met before the server starts: one line, exit status 2
        if watch:
            from newsqa.watching import watch_in_background

            ensure_index(settings)
            qa = NewsQA.open(settings.index_dir)
            watch_in_background(qa, watch, lambda report: _summary(report, settings))
        launch(settings, host=host, port=port, qa=qa)
    except IndexUnavailable as exc:
        _fail(str(exc))


@app.command("watch")
def watch_folders(
    folders: Annotated[list[Path], typer.Argument(help="Drop folders to watch (recursively)")],
    index: IndexOption = None,
    interval: Annotated[float, typer.Option(help="Seconds between looks")] = 2.0,
    settle: Annotated[
        float, typer.Option(help="Seconds a file must stay unchanged before it is read")
    ] = 2.0,
) -> None:
    """Add new or changed article files from FOLDERS as they appear, until interrupted.

    A file still being written (its size or time still changing) is read once it is complete.
    """
    import threading

    from newsqa.watching import FolderWatch

    settings = _settings(index)
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        _fail(f"not a folder: {', '.join(missing)}")
    console.print(f"watching {for_terminal(', '.join(map(str, folders)))} (Ctrl-C to stop)")
    watcher = FolderWatch(NewsQA(settings), folders, settle=settle)
    try:
        watcher.run(threading.Event(), interval, lambda report: _summary(report, settings))
    except KeyboardInterrupt:
        console.print("stopped")
    except IndexUnavailable as exc:  # a damaged index is not written to: say what repairs it
        _fail(str(exc))


if __name__ == "__main__":
    app()
