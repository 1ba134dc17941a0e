"""Choosing a store: an unknown one, or Milvus without its extra, is one clear line."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsqa.cli import app
from newsqa.sample import sample_paths


def test_milvus_without_the_extra_names_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name in {"pymilvus", "milvus_lite"} else real(name, *a),
    )
    paths = [str(p) for p in sample_paths()]
    result = CliRunner().invoke(
        app, ["build", *paths, "--index", str(tmp_path / "index"), "--store", "milvus"]
    )
    assert result.exit_code == 2
    assert "pip install 'newsqa[milvus]'" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert not (tmp_path / "index").exists()


def test_an_unknown_store_is_refused(tmp_path: Path) -> None:
    paths = [str(p) for p in sample_paths()]
    result = CliRunner().invoke(
        app, ["build", *paths, "--index", str(tmp_path / "index"), "--store", "elastic"]
    )
    assert result.exit_code == 2 and "unknown store 'elastic'" in result.output
