"""Kill anywhere: `newsqa build` and `newsqa add` SIGKILLed just before each of many write
steps (file copies, SQLite rows, FAISS and manifest writes, fsyncs, the swap, the cleanup).
After every kill the index passes `stats --check`, answers as before or as after, the dead
writer's lock and staging folder are no obstacle, and the next add completes."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hashed_embedder import MODEL_ID, HashedEmbedder
from newsqa.api import NewsQA
from newsqa.articles import make_article
from newsqa.config import Settings
from newsqa.index.integrity import check_index

pytestmark = pytest.mark.slow

TESTS = Path(__file__).resolve().parent
DRIVER = TESTS / "kill_driver.py"
QUESTION = "Who replaced the steel cables of the harbour bridge?"
BRIDGE = {
    "title": "Harbour bridge reopens",
    "body": "The harbour bridge reopened on Monday after repairs. Engineer Maria Okafor said "
    "the steel cables were replaced.",
    "source": "Coastal Herald",
    "url": "https://coastal.example/bridge",
}
KILLS_PER_RUN = 12


def _stories(seed: int, count: int) -> list[dict[str, str]]:
    words = [
        "council",
        "river",
        "farmers",
        "budget",
        "school",
        "railway",
        "museum",
        "storm",
        "market",
        "tunnel",
    ]
    return [
        {
            "title": f"Wire story {seed}-{n}",
            "body": " ".join(
                f"{words[(n + i) % 10].capitalize()} {words[(seed + i) % 10]} {words[i % 10]} "
                f"report number {n} line {i}."
                for i in range(8)
            ),
            "url": f"https://wire.example/{seed}/{n}",
        }
        for n in range(count)
    ]


def _qa(index: Path) -> NewsQA:
    return NewsQA(Settings(index_dir=index, model=MODEL_ID), HashedEmbedder())


def _answer(index: Path) -> tuple[str, tuple[str, ...]]:
    answer = _qa(index).ask(QUESTION)
    return answer.text, tuple(c.article_id for c in answer.citations)


def _drive(step: int, index: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(TESTS.parent / "src"), str(TESTS)])}
    return subprocess.run(
        [sys.executable, str(DRIVER), str(step), *args, "--index", str(index)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _steps(result: subprocess.CompletedProcess[str]) -> int:
    assert result.returncode == 0, result.stderr[-2000:]
    return int(result.stdout.strip().rsplit("steps=", 1)[1])


def _spread(total: int, count: int) -> list[int]:
    """`count` kill points from the first step to the last, the last few always included."""
    points = {1 + round(i * (total - 1) / (count - 1)) for i in range(count)}
    return sorted(points | set(range(max(1, total - 3), total + 1)))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bridge story and a few others, and the files the runs read."""
    root = tmp_path_factory.mktemp("kill")
    _qa(root / "index").add([make_article(**s) for s in [BRIDGE, *_stories(1, 5)]])
    changed = dict(_stories(1, 1)[0], body="A rewritten first story. " * 4)
    (root / "add.json").write_text(json.dumps([changed, *_stories(2, 20)]))
    (root / "build.json").write_text(json.dumps([BRIDGE, *_stories(3, 15)]))
    return root


def _fresh_copy(base: Path, name: str) -> Path:
    index = base / name / "index"
    shutil.copytree(base / "index", index)
    return index


def _assert_recovers(index: Path, expected: set[tuple[str, tuple[str, ...]]], where: str) -> None:
    report = check_index(index, MODEL_ID)
    assert report.sound, (where, report.problems)
    assert _answer(index) in expected, where
    with (index.parent / ".index.lock").open("a") as lock:  # the dead writer's lock is free
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(lock, fcntl.LOCK_UN)
    before = report.articles
    added = _qa(index).add([make_article(title="Later", body=f"A later story after {where}.")])
    assert added.added == 1 and added.articles == before + 1, where
    assert check_index(index, MODEL_ID).notes == (), where  # staging left by the kill is gone
    assert _answer(index) in expected, where


@pytest.mark.parametrize("mode", ["add", "build"], ids=["add", "build"])
def test_kill_at_every_stage_of_a_write(base: Path, mode: str) -> None:
    args = (
        ["add", str(base / "add.json")]
        if mode == "add"
        else ["build", str(base / "build.json"), "--model", MODEL_ID]
    )
    before = _answer(base / "index")
    finished = _fresh_copy(base, f"{mode}-finished")
    total = _steps(_drive(0, finished, args))
    after = _answer(finished)
    assert total > 20
    for step in _spread(total, KILLS_PER_RUN):
        index = _fresh_copy(base, f"{mode}-{step}")
        result = _drive(step, index, args)
        assert result.returncode == -signal.SIGKILL, (step, result.stderr[-2000:])
        _assert_recovers(index, {before, after}, f"{mode} killed before step {step}/{total}")


def test_kill_between_the_two_renames_of_a_swap_without_renameat2(base: Path) -> None:
    """Where the OS cannot exchange two folders, a swap is two renames: a kill between them
    leaves only the retired index, which `stats --check` names and the next writer restores."""
    args = ["--no-exchange", "add", str(base / "add.json")]
    before = _answer(base / "index")
    finished = _fresh_copy(base, "plain-finished")
    total = _steps(_drive(0, finished, args))
    after = _answer(finished)
    missing_seen = False
    for step in range(total - 5, total + 1):
        index = _fresh_copy(base, f"plain-{step}")
        assert _drive(step, index, args).returncode == -signal.SIGKILL
        if not index.exists():
            missing_seen = True
            report = check_index(index, MODEL_ID)
            assert "a write was interrupted mid-swap" in report.problems[0]
            assert "newsqa add" in report.repair
            _qa(index).add([make_article(title="Later", body="A later story.")])
            assert check_index(index, MODEL_ID).sound
            continue
        _assert_recovers(index, {before, after}, f"plain swap killed before step {step}")
    assert missing_seen, "no kill landed between the two renames"
