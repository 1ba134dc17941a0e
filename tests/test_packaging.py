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
    assert "newsqa/answering/reader_weights.json" in names

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


def _locked(lock: Path) -> dict[str, list[str]]:
    """Each entry of a pip-compile lock (`name[extras]==version`, extras as written) and its
    hashes."""
    entries: dict[str, list[str]] = {}
    name = ""
    for line in lock.read_text("utf-8").splitlines():
        if line[:1].isalnum():
            name = line.split(" ")[0].lower()
            entries[name] = []
        elif line.strip().startswith("--hash=") and name:
            entries[name].append(line.strip().removesuffix("\\").strip())
    return entries


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-scale.lock"])
def test_a_package_wanted_with_extras_is_locked_with_and_without_them(lock: str) -> None:
    """`pip install -r LOCK` (hash-checked, resolver on) refuses any form of a dependency that
    is not pinned: justext asks for `lxml[html_clean]`, htmldate for plain `lxml`."""
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    entries = _locked(ROOT / lock)
    pins = {canonicalize_name(e.split("[")[0].split("==")[0]): e.split("==")[1] for e in entries}
    wanted: set[tuple[str, str]] = set()
    for name, version in pins.items():
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        if dist.version != version:
            continue
        for raw in dist.requires or []:
            req = Requirement(raw)
            dep = canonicalize_name(req.name)
            if (
                req.extras
                and dep in pins
                and (req.marker is None or req.marker.evaluate({"extra": ""}))
            ):
                wanted |= {(dep, extra) for extra in req.extras}
    assert ("lxml", "html_clean") in wanted  # justext's, as installed from the lock
    for dep, extra in sorted(wanted):
        with_extra = [
            e
            for e in entries
            if e.startswith(f"{dep}[")
            and extra.replace("_", "-") in e.replace("_", "-").split("]")[0]
        ]
        assert with_extra, f"{lock} has no {dep}[{extra}] entry: rerun `make lock`"
        plain = entries.get(f"{dep}=={pins[dep]}")
        assert plain == entries[with_extra[0]], f"{lock}: {dep} is not pinned without extras"
