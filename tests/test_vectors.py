"""The approximate vector index: chosen by size, recorded, filtered before ranking, updatable."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from newsqa.articles import make_article
from newsqa.build.chunking import Chunker
from newsqa.index.integrity import check_index
from newsqa.index.reader import IndexReader
from newsqa.index.vectors import build_approximate, vector_ids
from newsqa.index.writer import WriterSpec, write_index
from newsqa.stores.embedded.catalog import ChunkCatalog, Scope


def _clustered(n: int, dimension: int, seed: int) -> np.ndarray:
    """Unit vectors around a few hundred topics, like sentence embeddings of news."""
    rng = np.random.default_rng(seed)
    topics = rng.normal(size=(300, dimension))
    vectors = topics[rng.integers(0, len(topics), n)] + 0.6 * rng.normal(size=(n, dimension))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32)


def test_approximate_search_finds_what_exact_search_finds() -> None:
    vectors = _clustered(20_000, 64, seed=1)
    ids = np.arange(5, 5 + len(vectors), dtype=np.int64) * 3  # ids need not be row numbers
    index = build_approximate(vectors, ids)
    queries = _clustered(100, 64, seed=2)
    _, found = index.search(queries, 10)
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    recall = np.mean([len(set(f) & set(ids[e])) / 10 for f, e in zip(found, exact, strict=True)])
    assert recall >= 0.95


def _articles(count: int) -> list:
    return [
        make_article(
            title=f"Story {i}",
            body=f"Council {i} met on Monday. It voted on budget {i}. Residents spoke.",
            source="Wire" if i % 2 else "Herald",
        )
        for i in range(count)
    ]


def _write(index_dir: Path, count: int, threshold: int) -> tuple[list, list, np.ndarray]:
    articles = _articles(count)
    chunks = [c for a in articles for c in Chunker(max_tokens=8, overlap=0).chunk(a)]
    vectors = _clustered(len(chunks), 16, seed=3)
    write_index(
        index_dir,
        articles,
        chunks,
        vectors,
        model="toy",
        chunk_tokens=8,
        chunk_overlap=0,
        approximate_from=threshold,
    )
    return articles, chunks, vectors


def test_small_index_stays_exact_large_one_turns_approximate(tmp_path: Path) -> None:
    _write(tmp_path / "small", 40, threshold=1000)
    _write(tmp_path / "large", 400, threshold=1000)
    assert IndexReader.open(tmp_path / "small").manifest.vector_index == "flat"
    large = IndexReader.open(tmp_path / "large")
    assert large.manifest.vector_index == "ivf" and "IVF" in large.manifest.vector_layout
    assert len(vector_ids(large.vectors)) == large.chunk_count()


def test_filters_apply_before_ranking_on_an_approximate_index(tmp_path: Path) -> None:
    _, _, vectors = _write(tmp_path / "index", 400, threshold=1000)
    catalog = ChunkCatalog(IndexReader.open(tmp_path / "index"))
    assert catalog.approximate
    herald = catalog.mask(Scope(sources=frozenset({"Herald"})))
    scores = catalog.similarities(vectors[3])
    top = catalog.dense(scores, 20, herald)
    stored = catalog.store.chunks([cid for cid, _ in top])
    assert len(top) == 20 and {stored[cid].source for cid, _ in top} == {"Herald"}
    unfiltered = catalog.dense(scores, 5, None)
    assert unfiltered and unfiltered[0][1] > 0.99  # the query's own chunk comes first


def test_add_and_remove_work_on_an_approximate_index(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    articles, _, _ = _write(index_dir, 400, threshold=1000)
    gone = articles[0].article_id
    extra = make_article(title="Late story", body="A ferry sank. All were rescued.", source="Wire")
    spec = WriterSpec(index_dir, model="toy", dimension=16, chunk_tokens=8, chunk_overlap=0)
    with spec.open(fresh=False) as writer:
        writer.remove_story(gone)
        writer.put_article(extra)
        pieces = Chunker(max_tokens=8, overlap=0).chunk(extra)
        writer.add_chunks(extra.title, pieces, _clustered(len(pieces), 16, seed=4))
        writer.commit()
    store = IndexReader.open(index_dir)
    assert store.manifest.vector_index == "ivf"
    ids = set(vector_ids(store.vectors).tolist())
    rows = store.db.execute("SELECT chunk_id, article_id FROM chunks").fetchall()
    assert ids == {cid for cid, _ in rows}
    assert gone not in {a for _, a in rows} and extra.article_id in {a for _, a in rows}


def test_an_approximate_index_passes_the_integrity_check(tmp_path: Path) -> None:
    """`newsqa stats --check` reads the chunk ids of an IVF index from its inverted lists."""
    _write(tmp_path / "large", 400, threshold=1000)
    assert IndexReader.open(tmp_path / "large").manifest.vector_index == "ivf"
    report = check_index(tmp_path / "large")
    assert report.sound, report.problems
