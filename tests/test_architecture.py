"""The package reads as its data flow: imports point one way, and only the question stage
parses the question text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "newsqa"

# Lower layers never import higher ones; stages on one layer never import each other.
LAYERS = {
    "articles": 0,
    "records": 0,
    "config": 0,
    "progress": 0,
    "text": 0,
    "sample": 0,
    "ingest": 1,
    "embedding": 1,
    "index": 2,
    "question": 2,
    "stores": 3,
    "build": 4,
    "search": 4,
    "answering": 5,
    "evaluation": 6,
    "api": 6,
    "rendering": 6,
    "cli": 8,
    "ui": 7,
    "terminal": 7,
    "watching": 7,
    "training": 7,
    "verdict_training": 7,
    "__init__": 8,
    "__main__": 9,
}
QUESTION_PARSERS = {
    "analysis",
    "answer_type",
    "claims",
    "dates",
    "followup",
    "names",
    "outlets",
    "relative_time",
    "timeline",
    "truecase",
}


def _modules() -> dict[str, Path]:
    return {
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts): path
        for path in PACKAGE.rglob("*.py")
    }


def _imports(name: str, path: Path) -> set[str]:
    """newsqa modules imported anywhere in the file (function-level imports included)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("newsqa")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            if base.startswith("newsqa"):
                found.add(base)
                found |= {f"{base}.{a.name}" for a in node.names}
    modules = _modules()
    return {m for m in found if m in modules and m != name}


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_imports_point_one_way() -> None:
    wrong = []
    for name, path in _modules().items():
        stage = _stage(name)
        for target in _imports(name, path):
            other = _stage(target)
            if other == stage:
                continue
            if LAYERS[other] >= LAYERS[stage]:
                wrong.append(f"{name} -> {target}")
    assert not wrong, wrong


def test_no_import_cycles() -> None:
    modules = _modules()
    graph = {name: _imports(name, path) for name, path in modules.items()}
    # a package's __init__ re-exports its modules: that edge is not a dependency of theirs
    graph = {n: {t for t in ts if not n.startswith(t + ".")} for n, ts in graph.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in graph[node]:
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for name in graph:
        if name not in state:
            visit(name, [name])
    assert not cycles, cycles


def test_only_the_question_stage_parses_questions() -> None:
    offenders = []
    for name, path in _modules().items():
        if _stage(name) == "question":
            continue
        for target in _imports(name, path):
            parts = target.split(".")
            if len(parts) == 3 and parts[1] == "question" and parts[2] in QUESTION_PARSERS:
                offenders.append(f"{name} -> {target}")
    assert not offenders, offenders


def test_every_package_says_in_one_line_what_it_takes_and_gives() -> None:
    """Every folder of modules, subpackages included (stores/embedded, build/distributed), is
    a package whose __init__ docstring is one line."""
    folders = {path.parent for path in PACKAGE.rglob("*.py")} - {PACKAGE}
    wrong = []
    for folder in sorted(folders):
        init = folder / "__init__.py"
        doc = ""
        if init.exists():
            doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        if len(doc.splitlines()) != 1 or len(doc) <= 30:
            wrong.append(f"{folder.relative_to(PACKAGE)}: {doc!r}")
    assert not wrong, wrong


ARCHITECTURE_DOC = PACKAGE.parents[1] / "docs" / "architecture.md"


def test_architecture_doc_names_every_module() -> None:
    """docs/architecture.md names each module by its path under src/newsqa, in backticks."""
    text = ARCHITECTURE_DOC.read_text(encoding="utf-8")
    modules = sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py"
    )
    missing = [m for m in modules if f"`{m}`" not in text]
    assert not missing, f"not named in docs/architecture.md: {missing}"


def test_architecture_doc_names_no_missing_module() -> None:
    """Every `….py` path in docs/architecture.md exists (under src/newsqa or the repository)."""
    text = ARCHITECTURE_DOC.read_text(encoding="utf-8")
    named = set(re.findall(r"`([\w/]+\.py)`", text))
    root = PACKAGE.parents[1]
    stale = sorted(n for n in named if not (PACKAGE / n).is_file() and not (root / n).is_file())
    assert not stale, f"docs/architecture.md names modules that do not exist: {stale}"


SQL_CALLS = {"execute", "executemany", "executescript"}
SQL_PACKAGES = {"index", "stores"}


def _runs_sql(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    func = node.func
    if func.attr in SQL_CALLS:
        return True
    return (
        func.attr == "connect" and isinstance(func.value, ast.Name) and func.value.id == "sqlite3"
    )


def test_only_the_index_and_stores_run_sql() -> None:
    """SQL against the index lives in index/ and stores/; everything else asks them."""
    offenders = []
    for name, path in _modules().items():
        if _stage(name) in SQL_PACKAGES:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if _runs_sql(node):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders, offenders
