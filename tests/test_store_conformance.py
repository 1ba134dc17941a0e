"""Every store answers alike: the embedded store and the Milvus store (milvus-lite), built
from the same small newsroom with the hashed stand-in embedder, give the same catalogue, the
same chunk searches inside a scope (filters before ranking) and the same chunks.

The Milvus half is marked `scale`: skipped without pymilvus/milvus-lite, unless
REQUIRE_SCALE_TESTS=1 (CI) turns the skip into a failure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from hashed_embedder import MODEL_ID, HashedEmbedder
from newsqa.api import NewsQA
from newsqa.articles import make_article
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import build_from_paths, update_index
from newsqa.config import Settings
from newsqa.stores.opening import open_store
from newsqa.stores.protocol import NewsStore
from newsqa.stores.scope import Scope
from newsqa.text.words import fts_match

STORES = ["embedded", pytest.param("milvus", marks=pytest.mark.scale)]

LIGHTHOUSE = (
    "Lighthouse keeper Agnes Morrow retired on Friday after forty years at the Cape Verrin "
    "light. Morrow said the hardest nights were the winter storms of 1987. The lighthouse "
    "will now be run automatically by the coastal authority."
)
BUDGET = " ".join(
    f"The city budget {detail}."
    for detail in (
        "adds two ferries to the harbour service after the sinking",
        "buys four snow ploughs for the mountain pass",
        "sets aside money for storm repairs on the coast road",
        "raises the stadium grant by a tenth",
        "cuts the festival fund to pay for the ferries",
        "was passed by the council on Sunday night",
        "keeps bus fares at two dollars for another year",
        "pays for a new roof on the harbour library",
    )
)
# (title, source, published_at, url, body); the lighthouse story is run by two outlets
NEWSROOM = [
    (
        "Harbour ferry sinks off the cape",
        "Coast Herald",
        "2024-03-04",
        "https://herald.example/ferry",
        "The harbour ferry sank off the cape on Monday. All forty passengers were rescued by "
        "the coast guard. The captain blamed a sudden storm.",
    ),
    (
        "Council approves the new stadium",
        "City Times",
        "2024-03-05",
        "https://times.example/stadium",
        "The city council approved the new stadium by nine votes to four. Building starts in "
        "May and the stadium will seat thirty thousand fans.",
    ),
    (
        "Storm closes the mountain pass",
        "Valley Post | Mountain News",
        "2024-03-07",
        "https://post.example/pass",
        "A late storm closed the mountain pass for two days. Snow ploughs cleared the road on "
        "Thursday and traffic resumed.",
    ),
    (
        "Lighthouse keeper retires after forty years",
        "Metro Wire",
        "2024-03-08",
        "https://wire.example/lighthouse",
        LIGHTHOUSE,
    ),
    (
        "Lighthouse keeper retires after forty years",
        "Harbour Gazette",
        "2024-03-08",
        "https://gazette.example/lighthouse",
        LIGHTHOUSE,
    ),
    (
        "City budget adds ferries and snow ploughs",
        "City Times",
        "2024-03-10",
        "https://times.example/budget",
        BUDGET,
    ),
    (
        "Letters: readers on the storm",
        "Coast Herald",
        "",
        "https://herald.example/letters",
        "Readers wrote in about the storm. Several asked why the ferry sailed at all.",
    ),
]
# added by an update after the first build
LATE = (
    "Ferry service resumes after the storm",
    "Coast Herald",
    "2024-03-09",
    "https://herald.example/resumes",
    "Ferry service resumed on Saturday with a borrowed boat. The coast guard inspected it "
    "before the first sailing.",
)
ARTICLES = {
    url: make_article(title=t, body=b, source=s, published_at=d, url=url)
    for t, s, d, url, b in [*NEWSROOM, LATE]
}
FERRY, STADIUM, PASS, LIGHTHOUSE_STORY, _, BUDGET_STORY, LETTERS, RESUMES = ARTICLES.values()
QUESTION = "Why did the harbour ferry sink and who rescued the passengers?"


def _settings(root: Path, store: str) -> Settings:
    return Settings(
        index_dir=root / "index",
        model=MODEL_ID,
        chunk_tokens=40,
        store=store,
        milvus_uri=str(root / "lite.db"),
    )


def _build(root: Path, store: str) -> None:
    """The newsroom from files, then one more article by an update."""
    archive = root / "archive"
    archive.mkdir()
    rows = [
        {"title": t, "source": s, "published_at": d, "url": u, "body": b}
        for t, s, d, u, b in NEWSROOM
    ]
    (archive / "newsroom.jsonl").write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    settings = BuildSettings.from_settings(_settings(root, store))
    assert build_from_paths([archive], settings, HashedEmbedder()).added == len(NEWSROOM) - 1
    assert update_index([RESUMES], settings, HashedEmbedder()).added == 1


@pytest.fixture(scope="module")
def embedded_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("embedded")
    _build(root, "embedded")
    return root


@pytest.fixture(scope="module", params=STORES)
def kind(request: pytest.FixtureRequest) -> str:
    """Which store the newsroom is built in."""
    if request.param == "milvus":
        request.getfixturevalue("milvus_extra")  # skips (CI: fails) without pymilvus
    return str(request.param)


@pytest.fixture(scope="module")
def root(kind: str, embedded_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder holding the newsroom's index (and its milvus-lite file) in that store."""
    if kind == "embedded":
        return embedded_root
    built = tmp_path_factory.mktemp(kind)
    _build(built, kind)
    return built


@pytest.fixture(scope="module")
def store(root: Path) -> Iterator[NewsStore]:
    opened = open_store(Settings(index_dir=root / "index"))  # the manifest names the store
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def embedded(embedded_root: Path) -> Iterator[NewsStore]:
    """The embedded store: what every store is compared with."""
    opened = open_store(Settings(index_dir=embedded_root / "index"))
    yield opened
    opened.close()


def _vector(text: str) -> np.ndarray:
    return HashedEmbedder().encode_query(text)


# --- the catalogue ---------------------------------------------------------------------------


def test_the_manifest_names_the_store_model_and_dimension(store: NewsStore, kind: str) -> None:
    assert store.manifest.store == kind
    assert store.manifest.model == MODEL_ID and store.manifest.dimension == 64


def test_catalogue_counts_articles_chunks_outlets_and_dates(
    store: NewsStore, embedded: NewsStore
) -> None:
    catalogue = store.catalogue
    assert catalogue.article_count() == len(ARTICLES) - 1  # the syndicated copy is one story
    assert catalogue.chunk_count() > catalogue.article_count()  # the budget is cut in several
    assert catalogue.chunk_count() == embedded.catalogue.chunk_count()
    assert catalogue.sources() == [  # by number of articles, then name
        ("Coast Herald", 3),
        ("City Times", 2),
        ("Metro Wire", 1),
        ("Valley Post | Mountain News", 1),
    ]
    assert set(catalogue.outlet_names()) == {
        "City Times",
        "Coast Herald",
        "Metro Wire",
        "Harbour Gazette",
        "Valley Post | Mountain News",
    }
    # the undated letter counts in neither end
    assert catalogue.date_range() == ("2024-03-04T00:00:00+00:00", "2024-03-10T00:00:00+00:00")


def test_catalogue_finds_articles_by_id_url_title_and_copy(store: NewsStore) -> None:
    catalogue = store.catalogue
    ferry = catalogue.article(FERRY.article_id)
    assert ferry is not None
    assert (ferry.title, ferry.body, ferry.source, ferry.url) == (
        FERRY.title,
        FERRY.body,
        "Coast Herald",
        "https://herald.example/ferry",
    )
    assert ferry.published_at is not None and ferry.published_at.startswith("2024-03-04")
    lighthouse = catalogue.article(LIGHTHOUSE_STORY.article_id)
    assert lighthouse is not None and lighthouse.outlets == ("Metro Wire", "Harbour Gazette")
    assert catalogue.article("no-such-article") is None
    assert catalogue.article_ids_of(
        [
            FERRY.article_id,
            "https://times.example/stadium",
            "Storm closes the mountain pass",
            "https://gazette.example/lighthouse",  # the copy's URL names its story
            "https://nowhere.example/x",
        ]
    ) == {FERRY.article_id, STADIUM.article_id, PASS.article_id, LIGHTHOUSE_STORY.article_id}


def test_recent_headlines_are_newest_first_and_undated_last(store: NewsStore) -> None:
    titles = [title for title, _ in store.catalogue.recent_headlines(10)]
    assert titles[:3] == [BUDGET_STORY.title, RESUMES.title, LIGHTHOUSE_STORY.title]
    assert titles[-1] == LETTERS.title and len(titles) == len(ARTICLES) - 1
    assert [t for t, _ in store.catalogue.recent_headlines(2)] == titles[:2]


def test_word_statistics(store: NewsStore, embedded: NewsStore) -> None:
    catalogue = store.catalogue
    assert catalogue.match_count("") == 0
    storm = catalogue.match_count('"storm"')
    assert storm >= 4 and storm == embedded.catalogue.match_count('"storm"')
    assert catalogue.match_count('"stadium"') < storm
    idf = catalogue.idf(["stadium", "storm", "zeppelin"])
    assert idf["zeppelin"] > idf["stadium"] > idf["storm"] > 0
    assert idf == pytest.approx(embedded.catalogue.idf(["stadium", "storm", "zeppelin"]))
    assert all("lighthouse" in t.lower() for t in catalogue.word_texts("lighthouse", 5))


def test_neighbours_and_body_spans_are_the_article_text(store: NewsStore) -> None:
    catalogue = store.catalogue
    chunks = catalogue.neighbours(BUDGET_STORY.article_id, [0, 1, 2, 99])
    assert [position for position, *_ in chunks] == [0, 1, 2]
    for _, text, start, end in chunks:
        assert BUDGET_STORY.body[start:end] == text
        assert catalogue.body_span(BUDGET_STORY.article_id, start, end) == text
    assert catalogue.body_span("no-such-article", 0, 10) == ""


# --- chunk search ----------------------------------------------------------------------------


def _articles_of(store: NewsStore, ranked: list[tuple[int, float]]) -> list[str]:
    found = store.search.chunks([cid for cid, _ in ranked])
    return [found[cid].article_id for cid, _ in ranked]


def test_dense_search_ranks_by_inner_product_like_the_embedded_store(
    store: NewsStore, embedded: NewsStore
) -> None:
    searches = store.search.question_search(_vector(QUESTION), store.search.prefetch([]))
    ranked = searches.dense(5, Scope())
    assert len(ranked) == 5
    assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)
    assert _articles_of(store, ranked)[0] == FERRY.article_id
    reference = embedded.search.question_search(_vector(QUESTION), {}).dense(5, Scope())
    assert [cid for cid, _ in ranked] == [cid for cid, _ in reference]
    assert [s for _, s in ranked] == pytest.approx([s for _, s in reference], abs=1e-5)
    similarity = searches.similarity([cid for cid, _ in ranked])
    assert [similarity[cid] for cid, _ in ranked] == pytest.approx([s for _, s in ranked], abs=1e-5)


# the stadium and the lighthouse: the articles least like the ferry question
OUTLET_AND_DAYS = Scope(
    sources=frozenset({"City Times", "Harbour Gazette"}),
    since="2024-03-05",
    until="2024-03-08T23:59:59",
)


def test_dense_search_filters_before_ranking(store: NewsStore, embedded: NewsStore) -> None:
    """A scope whose chunks are far from the question still fills its top n."""
    searches = store.search.question_search(_vector(QUESTION), {})
    in_scope = [cid for cid, _ in searches.dense(100, Scope()) if _in(store, cid, OUTLET_AND_DAYS)]
    assert len(in_scope) >= 3
    nearest = {cid for cid, _ in searches.dense(3, Scope())}
    ranked = searches.dense(3, OUTLET_AND_DAYS)
    assert nearest.isdisjoint(cid for cid, _ in ranked)
    assert [cid for cid, _ in ranked] == in_scope[:3]
    assert set(_articles_of(store, ranked)) == {STADIUM.article_id, LIGHTHOUSE_STORY.article_id}
    reference = embedded.search.question_search(_vector(QUESTION), {})
    assert ranked == [
        (cid, pytest.approx(s, abs=1e-5)) for cid, s in reference.dense(3, OUTLET_AND_DAYS)
    ]


def _in(store: NewsStore, chunk_id: int, scope: Scope) -> bool:
    chunk = store.search.chunks([chunk_id])[chunk_id]
    return scope.admits(chunk.article_id, chunk.source, chunk.outlets, chunk.published_at or "")


def test_lexical_search_within_an_outlet_and_dates_like_the_embedded_store(
    store: NewsStore, embedded: NewsStore
) -> None:
    match = fts_match("storm ferry")
    prefetched = store.search.prefetch([match])
    assert list(prefetched) == [match]
    searches = store.search.question_search(_vector("storm ferry"), prefetched)
    everywhere = searches.lexical(match, 20, Scope())
    assert {LETTERS.article_id, FERRY.article_id, PASS.article_id} <= set(
        _articles_of(store, everywhere)
    )
    assert [s for _, s in everywhere] == sorted((s for _, s in everywhere), reverse=True)
    herald = Scope(sources=frozenset({"Coast Herald"}), since="2024-03-01", until="2024-03-31")
    scoped = searches.lexical(match, 20, herald)
    assert set(_articles_of(store, scoped)) == {FERRY.article_id, RESUMES.article_id}
    reference = embedded.search.question_search(_vector("storm ferry"), {})
    # the same chunks, the same first three (BM25 scores are each engine's own)
    same = [cid for cid, _ in reference.lexical(match, 20, Scope())]
    assert {cid for cid, _ in everywhere} == set(same)
    assert [cid for cid, _ in everywhere][:3] == same[:3]
    assert [cid for cid, _ in scoped] == [cid for cid, _ in reference.lexical(match, 20, herald)]
    assert searches.lexical(fts_match("zeppelin"), 5, Scope()) == []


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (
            Scope(sources=frozenset({"Harbour Gazette"})),
            {"Lighthouse keeper retires after forty years"},
        ),
        (
            Scope(sources=frozenset({"Valley Post | Mountain News"})),
            {"Storm closes the mountain pass"},
        ),
        (
            Scope(until="2024-03-04T23:59:59"),
            {"Harbour ferry sinks off the cape", "Letters: readers on the storm"},
        ),
        (
            Scope(since="2024-03-09"),
            {"Ferry service resumes after the storm", "City budget adds ferries and snow ploughs"},
        ),
        (
            Scope(days=(date(2024, 3, 5),)),
            {"Harbour ferry sinks off the cape", "Council approves the new stadium"},
        ),
        (
            Scope(
                sources=frozenset({"Coast Herald"}),
                excluded=frozenset({FERRY.article_id, LETTERS.article_id}),
            ),
            {"Ferry service resumes after the storm"},
        ),
    ],
)
def test_every_scope_rule_holds_in_both_searches(
    store: NewsStore, scope: Scope, expected: set[str]
) -> None:
    match = fts_match("storm ferry stadium lighthouse pass council budget")
    searches = store.search.question_search(_vector(QUESTION), store.search.prefetch([match]))
    assert searches.any_in(scope)
    for ranked in (searches.dense(50, scope), searches.lexical(match, 50, scope)):
        found = store.search.chunks([cid for cid, _ in ranked])
        assert {found[cid].title for cid, _ in ranked} == expected


def test_an_empty_scope_finds_nothing(store: NewsStore) -> None:
    nowhere = Scope(sources=frozenset({"Bloomberg"}))
    searches = store.search.question_search(_vector(QUESTION), {})
    assert not searches.any_in(nowhere)
    assert searches.dense(5, nowhere) == []
    assert searches.lexical(fts_match("storm"), 5, nowhere) == []


def test_chunks_carry_their_articles_metadata(store: NewsStore, embedded: NewsStore) -> None:
    searches = store.search.question_search(_vector(LIGHTHOUSE), {})
    ids = [cid for cid, _ in searches.dense(3, Scope())]
    chunks = store.search.chunks(ids)
    assert set(chunks) == set(ids)
    top = chunks[ids[0]]
    assert top.article_id == LIGHTHOUSE_STORY.article_id
    assert top.title == "Lighthouse keeper retires after forty years"
    assert top.source == "Metro Wire" and top.outlets == ("Metro Wire", "Harbour Gazette")
    assert top.url == "https://wire.example/lighthouse"
    assert top.published_at is not None and top.published_at.startswith("2024-03-08")
    for chunk in chunks.values():
        assert ARTICLES[chunk.url].body[chunk.start : chunk.end] == chunk.text
    assert chunks == embedded.search.chunks(ids)
    assert store.search.chunks([]) == {}


# --- answers through a store -------------------------------------------------------------------


def test_outlet_and_date_filters_apply_before_ranking(root: Path) -> None:
    """Asked through `NewsQA`, a named outlet and an end date keep every passage inside."""
    qa = NewsQA(Settings(index_dir=root / "index", model=MODEL_ID), HashedEmbedder())
    question = "What did the storm do?"
    only_post = qa.ask(question, sources=["Valley Post | Mountain News"])
    assert {p.source for p in only_post.passages} == {"Valley Post | Mountain News"}
    early = qa.ask(question, until="2024-03-04")
    # an end date does not rule out an undated article (Scope.admits), on either store
    assert {p.title for p in early.passages} == {
        "Harbour ferry sinks off the cape",
        "Letters: readers on the storm",
    }
