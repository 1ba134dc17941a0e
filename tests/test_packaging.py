"""A non-editable install works: the wheel carries the sample article and the `newsqa` command."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_install_answers_about_its_sample(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(ROOT)],
        check=True,
        cwd=tmp_path,
    )
    [wheel] = wheels.glob("newsqa-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "newsqa = newsqa.cli:app" in archive.read(entry_points).decode()
    assert "newsqa/sample/moscow-parade.txt" in names

    site = tmp_path / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)
    # The installed copy, not the source tree, must be the one imported.
    env = {**os.environ, "PYTHONPATH": str(site), "HF_HUB_OFFLINE": "1"}
    env.pop("NEWSQA_INDEX", None)
    where = subprocess.run(
        [sys.executable, "-c", "import newsqa; print(newsqa.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert where.stdout.strip().startswith(str(site))
    script = (
        "from newsqa import ask\n"
        "from newsqa.api import build_sample_index\n"
        "from newsqa.config import Settings\n"
        "build_sample_index(Settings(index_dir='idx'))\n"
        "answer = ask('Who attended the Victory Day parade in Moscow?', index_dir='idx')\n"
        "print(answer.citations[0].title)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert "Realpolitik 2.0" in result.stdout
