"""`newsqa build --ray`: the same index as a local build, idempotent, resumable after a kill.

A local Ray instance (2 CPUs) is started once for the module. Without `ray[data]` these
tests skip, unless REQUIRE_SCALE_TESTS=1 (CI) turns the skip into a failure.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import faiss
import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import multihop_dir, needs_extra
from newsqa.api import NewsQA
from newsqa.build.distributed.build import build_with_ray
from newsqa.build.distributed.cluster import RayOptions
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import BuildReport, build_from_paths
from newsqa.cli import app
from newsqa.config import Settings
from newsqa.embedding import Embedder
from newsqa.index.manifest import DATABASE, VECTORS
from newsqa.index.vectors import vector_ids
from newsqa.sample import sample_paths
from word_salad import word_salad

pytestmark = [pytest.mark.model, pytest.mark.slow]

COMMIT_EVERY = 12  # articles per commit for the kill test: the archive takes four commits


def _import_ray() -> ModuleType:
    needs_extra("ray", "ray")  # skips, or fails in CI (REQUIRE_SCALE_TESTS=1)
    import ray
    import ray.data

    return ray


@pytest.fixture(scope="module")
def ray_cluster(_model_cache: None) -> Iterator[ModuleType]:
    """One local Ray for the module; its workers share the test run's model cache."""
    ray = _import_ray()
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        logging_level=logging.WARNING,
        runtime_env={"env_vars": {"NEWSQA_CACHE_DIR": os.environ["NEWSQA_CACHE_DIR"]}},
    )
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated stories with one syndicated copy, one exact copy and one broken file, the
    sample article, and six MultiHop-RAG articles when the benchmark data is there."""
    folder = tmp_path_factory.mktemp("archive")
    rng = random.Random(16)
    stories = [
        {
            "title": f"Council story {i}",
            "body": word_salad(rng),
            "source": ("Herald", "Gazette", "Times")[i % 3],
            "published_at": f"2024-03-{i % 28 + 1:02d}",
            "url": f"https://news.example/{i}",
        }
        for i in range(30)
    ]
    copy = dict(stories[3], source="Courier", url="https://courier.example/3")
    copy["body"] += " The mayor said more would follow."
    stories += [copy, dict(stories[5])]
    (folder / "a.jsonl").write_text("\n".join(json.dumps(s) for s in stories[:16]), "utf-8")
    (folder / "b.jsonl").write_text("\n".join(json.dumps(s) for s in stories[16:]), "utf-8")
    (folder / "broken.json").write_text("{not json", "utf-8")
    for path in sample_paths():
        (folder / path.name).write_bytes(path.read_bytes())
    corpus = multihop_dir() / "corpus.json"
    if corpus.exists():
        articles = json.loads(corpus.read_text("utf-8"))[:6]
        (folder / "multihop.json").write_text(json.dumps(articles), "utf-8")
    return folder


@dataclass
class Built:
    index_dir: Path
    report: BuildReport


@pytest.fixture(scope="module")
def local_build(
    archive: Path, embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
) -> Built:
    index_dir = tmp_path_factory.mktemp("local") / "index"
    return Built(
        index_dir, build_from_paths([archive], BuildSettings(index_dir=index_dir), embedder)
    )


@pytest.fixture(scope="module")
def ray_build(
    archive: Path,
    embedder: Embedder,
    ray_cluster: ModuleType,
    tmp_path_factory: pytest.TempPathFactory,
) -> Built:
    index_dir = tmp_path_factory.mktemp("ray") / "index"
    report = build_with_ray([archive], BuildSettings(index_dir=index_dir), embedder, RayOptions())
    return Built(index_dir, report)


def _rows(index_dir: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every stored row that a reader sees, table by table."""
    db = sqlite3.connect(index_dir / DATABASE)
    try:
        return {
            "articles": db.execute("SELECT * FROM articles ORDER BY article_id").fetchall(),
            "chunks": db.execute("SELECT * FROM chunks ORDER BY chunk_id").fetchall(),
            "syndication": db.execute("SELECT * FROM syndication ORDER BY article_id").fetchall(),
        }
    finally:
        db.close()


def _vectors(index_dir: Path) -> dict[int, np.ndarray]:
    index = faiss.read_index(str(index_dir / VECTORS))
    return {int(i): index.reconstruct(int(i)) for i in vector_ids(index)}


def _assert_same_index(ray_dir: Path, local_dir: Path, min_cosine: float = 0.999) -> None:
    assert _rows(ray_dir) == _rows(local_dir)
    ray_vectors, local_vectors = _vectors(ray_dir), _vectors(local_dir)
    assert ray_vectors.keys() == local_vectors.keys()
    cosines = [float(np.dot(ray_vectors[i], local_vectors[i])) for i in local_vectors]
    assert min(cosines) >= min_cosine, min(cosines)


def test_a_ray_build_gives_the_local_builds_index(ray_build: Built, local_build: Built) -> None:
    ray_report, local_report = ray_build.report, local_build.report
    assert ray_report.added == local_report.added > 30
    assert ray_report.syndicated == local_report.syndicated == 1
    assert ray_report.duplicates == local_report.duplicates == 1
    assert ray_report.embedded == local_report.embedded
    assert ray_report.rejected == local_report.rejected
    assert [Path(r.path).name for r in ray_report.rejected] == ["broken.json"]
    assert (ray_report.articles, ray_report.chunks) == (local_report.articles, local_report.chunks)
    _assert_same_index(ray_build.index_dir, local_build.index_dir)


def test_articles_without_author_category_or_date_store_null_as_a_local_build_does(
    embedder: Embedder, ray_cluster: ModuleType, tmp_path: Path
) -> None:
    """One file where no article has an author, category or date (a column Ray reads back
    as NaN), one where some do; the stored rows are the local build's, NULL where missing."""
    rng = random.Random(21)
    folder = tmp_path / "articles"
    folder.mkdir()
    plain = [
        {"title": f"Harbour story {i}", "body": word_salad(rng), "source": "Herald"}
        for i in range(3)
    ]
    credited = [
        {
            "title": f"Budget story {i}",
            "body": word_salad(rng),
            "source": "Gazette",
            "published_at": f"2024-05-0{i + 1}",
            **({"author": "Ann Writer", "category": "Politics"} if i else {}),
        }
        for i in range(3)
    ]
    for name, stories in (("plain.jsonl", plain), ("credited.jsonl", credited)):
        (folder / name).write_text("\n".join(json.dumps(s) for s in stories), "utf-8")
    local_dir, ray_dir = tmp_path / "local", tmp_path / "ray"
    build_from_paths([folder], BuildSettings(index_dir=local_dir), embedder)
    build_with_ray([folder], BuildSettings(index_dir=ray_dir), embedder, RayOptions())

    rows = _rows(ray_dir)["articles"]
    assert rows == _rows(local_dir)["articles"]
    # title, published_at, author, category of each article
    stored = {(r[1], r[4], r[6], r[7]) for r in rows}
    assert ("Harbour story 0", None, None, None) in stored
    assert ("Budget story 0", "2024-05-01T00:00:00+00:00", None, None) in stored
    assert ("Budget story 1", "2024-05-02T00:00:00+00:00", "Ann Writer", "Politics") in stored


def test_a_rerun_embeds_nothing(
    ray_build: Built, local_build: Built, archive: Path, embedder: Embedder
) -> None:
    again = build_with_ray(
        [archive], BuildSettings(index_dir=ray_build.index_dir), embedder, RayOptions()
    )
    assert (again.added, again.updated, again.embedded) == (0, 0, 0)
    assert again.manifest is None  # nothing was committed
    _assert_same_index(ray_build.index_dir, local_build.index_dir)


def test_the_command_runs_on_ray_and_says_when_nothing_changed(
    ray_build: Built, archive: Path
) -> None:
    result = CliRunner().invoke(
        app, ["build", str(archive), "--ray", "--index", str(ray_build.index_dir)]
    )
    output = " ".join(result.output.split())
    assert result.exit_code == 0, output
    assert f"indexed {ray_build.report.articles} articles" in output
    assert "(no changes)" in output
    assert "committed" not in output  # nothing new, so no batch was committed


class Killed(Exception):
    """Stands in for the build being killed right after its first commit."""


def test_a_killed_build_keeps_what_it_reported_and_resumes(
    archive: Path,
    embedder: Embedder,
    local_build: Built,
    ray_cluster: ModuleType,
    tmp_path: Path,
) -> None:
    settings = BuildSettings(index_dir=tmp_path / "index")
    reported: list[int] = []

    def kill_after_first_commit(report: BuildReport, read: int) -> None:
        reported.append(report.added)
        raise Killed

    with pytest.raises(Killed):
        build_with_ray(
            [archive],
            settings,
            embedder,
            RayOptions(commit_every=COMMIT_EVERY),
            on_commit=kill_after_first_commit,
        )
    kept = _rows(settings.index_dir)["articles"]
    assert len(kept) == reported[0] > 0  # every article reported as added is in the index

    resumed = build_with_ray([archive], settings, embedder, RayOptions(commit_every=COMMIT_EVERY))
    assert resumed.unchanged >= reported[0]
    assert resumed.embedded < local_build.report.embedded  # the kept batch is not re-embedded
    # each commit batch is embedded in its own length groups, as `newsqa add` of those
    # articles would; the int8 model quantises per batch, so vectors move a little
    _assert_same_index(settings.index_dir, local_build.index_dir, min_cosine=0.98)


def test_without_ray_the_build_says_how_to_install_it(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as when not installed
    result = CliRunner().invoke(
        app, ["build", str(archive), "--ray", "--index", str(tmp_path / "index")]
    )
    assert result.exit_code == 2
    assert "pip install 'newsqa[ray]'" in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not (tmp_path / "index").exists()


def test_a_ray_build_into_milvus_is_mirrored_there(
    archive: Path, embedder: Embedder, ray_cluster: ModuleType, tmp_path: Path
) -> None:
    needs_extra("milvus", "pymilvus", "milvus_lite")
    lite = str(tmp_path / "lite.db")
    settings = BuildSettings.from_settings(
        Settings(index_dir=tmp_path / "index", store="milvus", milvus_uri=lite)
    )
    report = build_with_ray([archive], settings, embedder, RayOptions())
    qa = NewsQA(Settings(index_dir=settings.index_dir), embedder)  # the manifest names Milvus
    assert qa.stats()["store"] == "milvus" and qa.stats()["articles"] == report.added
    assert qa.check().sound  # the collection holds exactly the folder's chunks
