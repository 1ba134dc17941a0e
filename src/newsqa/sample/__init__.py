"""The built-in sample article, so a fresh install has something to answer about."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def sample_paths() -> list[Path]:
    folder = files("newsqa.sample")
    return sorted(Path(str(item)) for item in folder.iterdir() if item.name.endswith(".txt"))
