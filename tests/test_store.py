"""IndexReader: manifest checks, clear errors, atomic swaps that keep user files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from newsqa.articles import make_article
from newsqa.build.chunking import Chunker
from newsqa.index.manifest import MANIFEST, IndexUnavailable
from newsqa.index.reader import IndexReader
from newsqa.index.writer import write_index


def _write(index_dir: Path, bodies: list[str]) -> None:
    articles = [
        make_article(title=f"Story {i}", body=b, source="Wire") for i, b in enumerate(bodies)
    ]
    chunks = [c for a in articles for c in Chunker(max_tokens=50).chunk(a)]
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(chunks), 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    write_index(index_dir, articles, chunks, vectors, model="toy", chunk_tokens=50, chunk_overlap=1)


def test_write_then_read_back(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    _write(
        index_dir,
        ["The mayor opened the bridge. Traffic flowed.", "Floods hit the valley. Farms were lost."],
    )
    store = IndexReader.open(index_dir)
    assert store.article_count() == 2
    assert store.manifest.model == "toy" and store.manifest.dimension == 8
    hits = store.lexical_search('"floods"', 5)
    assert hits and store.chunks([hits[0][0]])[hits[0][0]].title == "Story 1"


def test_missing_index_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(IndexUnavailable, match="newsqa build"):
        IndexReader.open(tmp_path / "nothing")


def test_other_model_is_a_clear_error(tmp_path: Path) -> None:
    _write(tmp_path / "index", ["One sentence here."])
    with pytest.raises(IndexUnavailable, match=r"built with model 'toy'.*rebuild"):
        IndexReader.open(tmp_path / "index", model="all-MiniLM-L6-v2")


def test_other_format_version_is_a_clear_error(tmp_path: Path) -> None:
    _write(tmp_path / "index", ["One sentence here."])
    manifest = tmp_path / "index" / MANIFEST
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps(data | {"format_version": 999}))
    with pytest.raises(IndexUnavailable, match="format version 999"):
        IndexReader.open(tmp_path / "index")


def test_rebuild_swaps_whole_index_and_keeps_readme(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    (index_dir / "README.md").write_text("keep me")
    _write(index_dir, ["First version of the story."])
    reader = IndexReader.open(index_dir)
    _write(index_dir, ["Second version.", "Another story entirely."])
    assert (index_dir / "README.md").read_text() == "keep me"
    assert IndexReader.open(index_dir).article_count() == 2
    assert reader.article_count() == 1  # an open reader keeps its consistent snapshot
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".index") and p.is_dir()]
