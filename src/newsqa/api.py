"""The Python API: `NewsQA` over one index folder, and the module-level `ask()`."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypedDict, Unpack

from newsqa.answering.composer import Composer
from newsqa.answering.reader import ReaderModel, load_model
from newsqa.answering.settings import ComposerSettings
from newsqa.articles import Article, normalise_date, normalise_text
from newsqa.build.distributed.build import build_with_ray
from newsqa.build.distributed.cluster import RayOptions
from newsqa.build.distributed.writing import OnCommit
from newsqa.build.repair import repair_index
from newsqa.build.settings import BuildSettings
from newsqa.build.updates import (
    BuildReport,
    build_from_articles,
    build_from_paths,
    remove_from_index,
    update_index,
)
from newsqa.config import DEFAULT_MODEL, Settings
from newsqa.embedding import (
    DEFAULT_BACKEND,
    Embedder,
    check_backend,
    compatible,
    make_embedder,
    model_id,
    query_backend,
)
from newsqa.index.health import refuse_damaged, unreadable
from newsqa.index.integrity import IntegrityReport
from newsqa.index.manifest import MANIFEST, IndexUnavailable, Manifest
from newsqa.ingest import load_paths
from newsqa.progress import Progress
from newsqa.question import (
    FollowUp,
    Question,
    QuestionAnalyser,
    Turn,
    resolve_followup,
    with_focus,
)
from newsqa.records import Answer
from newsqa.sample import sample_paths
from newsqa.search.reranking import rerank
from newsqa.search.retrieval import Retriever
from newsqa.search.settings import RetrievalSettings
from newsqa.stores.checking import check_store
from newsqa.stores.opening import open_store
from newsqa.stores.placement import new_placement
from newsqa.stores.protocol import NewsStore
from newsqa.stores.scope import Scope

History = Sequence[Turn]
CASING_TEXTS = 20  # texts read to see how the archive writes a word of a lowercase question
Columns = Mapping[str, str]
REOPEN_ATTEMPTS = 3
VECTORS_KEPT = 4096  # question and sentence vectors kept per index (~7 MB at 384 dims)


class NewsQA:
    """Question answering over one index; reopens the index when a rebuild swaps it in."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._lock = threading.Lock()
        self._store: NewsStore | None = None
        self._stamp: tuple[int, int] | None = None
        self._reader: _IndexReader | None = None

    @classmethod
    def open(cls, index_dir: Path | str = "index", **overrides: Any) -> NewsQA:
        settings = Settings.from_env(index_dir=index_dir, **overrides)
        qa = cls(settings)
        qa.store  # noqa: B018 - fail early with a clear error when the index is missing
        return qa

    @property
    def retrieval(self) -> RetrievalSettings:
        """The retriever's section of the settings."""
        return RetrievalSettings.from_settings(self.settings)

    @property
    def composing(self) -> ComposerSettings:
        """The composer's section of the settings."""
        return ComposerSettings.from_settings(self.settings)

    @property
    def building(self) -> BuildSettings:
        """The build's section of the settings (builds, adds and removals)."""
        return BuildSettings.from_settings(self.settings)

    @property
    def store(self) -> NewsStore:
        """The current index (embedded or Milvus, as it was built); a newer one swapped in
        since the last call is picked up.

        A reopen that races a writer's swap is retried; if it still fails while an older
        index is open, the older one keeps answering until the next call.
        """
        with self._lock:
            stamp = _manifest_stamp(self.settings.index_dir)
            if self._store is not None and stamp == self._stamp:
                return self._store
            wanted = model_id(self.settings.model) if self.settings.model else None
            for attempt in range(REOPEN_ATTEMPTS):
                try:
                    store = open_store(self.settings, model=wanted)
                    _check_backend(store.manifest, self.settings.backend, self.settings.index_dir)
                    self._store = store
                    self._stamp = stamp
                    return self._store
                except (IndexUnavailable, sqlite3.Error, RuntimeError):
                    if self._store is not None:
                        return self._store
                    if attempt == REOPEN_ATTEMPTS - 1:
                        raise
                    time.sleep(0.05)
                    stamp = _manifest_stamp(self.settings.index_dir)
            raise AssertionError("unreachable")

    @property
    def embedder(self) -> Embedder:
        """The question embedder: the index's model on a backend of its family (torch-free
        ONNX unless `settings.backend` says otherwise), or the new-build settings."""
        if self._store is None:
            return self._build_embedder()
        manifest = self._store.manifest
        return self._embedder_for(
            manifest.model, query_backend(manifest.embedding_backend, self.settings.backend)
        )

    def reader(self) -> _IndexReader:
        """What is derived from the current index (rebuilt when a new index is swapped in)."""
        store = self.store
        if self._reader is None or self._reader.store is not store:
            self._reader = _IndexReader(store, self.embedder, self.retrieval)
        return self._reader

    def retriever(self) -> Retriever:
        """The retriever of the current index."""
        return self.reader().retriever

    def outlets(self) -> list[str]:
        """Every outlet of the current index (article sources and the outlets that carried
        them), sorted for a reader; read once per index generation."""
        with self._reading():
            return sorted(self.reader().outlets, key=str.casefold)

    def analyse(self, question: str, asked_on: str | date | None = None) -> Question:
        """`question` analysed against the current index's outlets."""
        return self.reader().analyser.analyse(question, asked_day(asked_on))

    def ask(
        self,
        question: str,
        k: int | None = None,
        history: History | None = None,
        *,
        sources: Iterable[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        exclude: Iterable[str] | None = None,
        asked_on: str | date | None = None,
    ) -> Answer:
        """Answer `question`; `sources`, `since` and `until` limit the articles searched, and
        the articles named in `exclude` (ids, URLs or titles) are left out. `asked_on` is the
        day the question is asked, which "this week" or "recently" are relative to (default:
        the newest of the reports found)."""
        question = question_text(question, self.settings.max_question_chars)
        day = asked_day(asked_on)
        scope = make_scope(sources, since, until)
        with self._reading():
            return self._answer(question, k, history, scope, exclude, day)

    def _answer(
        self,
        question: str,
        k: int | None,
        history: History | None,
        scope: Scope,
        exclude: Iterable[str] | None,
        day: date | None,
    ) -> Answer:
        reader = self.reader()  # one index generation for retrieval and composition
        if exclude:
            excluded = frozenset(reader.store.catalogue.article_ids_of(list(exclude)))
            scope = dataclasses.replace(scope, excluded=excluded)
        follow = resolve_followup(question, history, reader.analyser.outlets)
        if follow.story:  # a follow-up: answered from the story's articles when they can
            within = dataclasses.replace(scope, within=frozenset(follow.story))
            answer = self._compose(reader, question, follow.query, follow, within, day, k)
            if not answer.abstained:
                return answer
        # then the whole archive: with the story's names first (the story's fact may be in an
        # article its answers were not found among), then as asked when that finds nothing
        for text in dict.fromkeys((follow.query, follow.fallback or follow.query)):
            answer = self._compose(reader, question, text, follow, scope, day, k)
            if not answer.abstained:
                break
        return answer

    def _compose(
        self,
        reader: _IndexReader,
        question: str,
        text: str,
        follow: FollowUp,
        scope: Scope,
        day: date | None,
        k: int | None,
    ) -> Answer:
        """Search `text` (the question with what it carries over) within `scope` and compose
        the answer to `question` from what is found and the follow-up's focus."""
        analysed = reader.analyser.analyse(text, day, asked=question)
        passages = reader.retriever.search(analysed, k or self.settings.top_k, scope)
        if self.settings.reranker:
            passages = rerank(analysed.text, passages, self.settings.reranker)
        passages = with_focus(passages, follow)
        composer = Composer(
            self.composing,
            library=reader.store.catalogue,
            count_matches=reader.count_matches,
            chunks=reader.chunks,
            similarity=reader.similarity,
            focus=follow.focus,
            years=follow.years,
            match_outlets=reader.store.catalogue.match_outlets,
            reader=self._reader_model(),
        )
        return dataclasses.replace(composer.compose(analysed, passages), question=question)

    def _reader_model(self) -> ReaderModel | None:
        """The trained reader of the settings (None: the greedy lead)."""
        if not self.settings.reader:
            return None
        weights = self.settings.reader_weights
        return load_model(Path(weights)) if weights else load_model()

    def warm_up(self) -> None:
        """Load everything a question needs (index catalog, question embedder, tokenisers) by
        answering one, so the first real question is as fast as the rest."""
        self.ask("What happened?")

    def rebuild(
        self,
        paths: Iterable[Path | str],
        progress: bool = False,
        columns: Columns | None = None,
        ray: RayOptions | None = None,
        on_commit: OnCommit | None = None,
    ) -> BuildReport:
        """Index PATHS from scratch; the old index keeps answering until the new one is in.

        With `ray`, reading, chunking and embedding run on Ray Data and the index is committed
        in batches (`on_commit` hears of each): a killed build resumes where it stopped.
        """
        building = self.building
        new_placement(building.stores, building.index_dir)  # an unknown store: say so now
        embedder = self._build_embedder()
        if ray is not None:
            return build_with_ray(
                paths, building, embedder, ray, Progress(progress), columns, on_commit
            )
        return build_from_paths(paths, building, embedder, Progress(progress), columns, fresh=True)

    def add(
        self,
        items: Iterable[Path | str | Article],
        progress: bool | Progress = False,
        columns: Columns | None = None,
    ) -> BuildReport:
        """Add new articles (files, folders or Article objects) and replace changed ones.

        Unchanged articles are skipped without embedding; copies of an indexed story from
        other outlets are recorded on that story. `progress` is True for terminal bars, or
        a `Progress` of the caller's own (the chat page's progress bar).
        """
        if (self.settings.index_dir / MANIFEST).exists():
            refuse_damaged(self.settings.index_dir)  # before reading (and embedding) anything
        items = list(items)
        articles = [item for item in items if isinstance(item, Article)]
        paths = [item for item in items if not isinstance(item, Article)]
        embedder = self._embedder_for(*self._index_model())
        bars = progress if isinstance(progress, Progress) else Progress(progress)
        building = self.building
        limits = building.limits
        read = load_paths(paths, columns=columns, progress=bars, limits=limits)
        articles, too_long = limits.within(articles, "article given to add()")
        report = update_index([*articles, *read.articles], building, embedder, bars)
        report.rejected = [*too_long, *read.rejected]
        return report

    def repair(self, progress: bool = False) -> BuildReport:
        """Rebuild a damaged index from the articles its SQLite catalogue still holds: each
        re-chunked and re-embedded into a fresh index (other outlets' copies kept), swapped
        in atomically. IndexUnavailable when the catalogue cannot be read."""
        embedder = self._embedder_for(*self._index_model())
        return repair_index(self.building, embedder, Progress(progress))

    def remove(self, keys: Iterable[str]) -> BuildReport:
        """Remove articles by id or URL (a syndicated copy's URL drops only that outlet)."""
        return remove_from_index(list(keys), self.building)

    def _index_model(self) -> tuple[str, str]:
        """(model, backend) that add articles to the index: its own, or a compatible one."""
        try:
            manifest = Manifest.read(self.settings.index_dir)
        except IndexUnavailable:
            return self.settings.model or DEFAULT_MODEL, self.settings.backend or DEFAULT_BACKEND
        backend = query_backend(manifest.embedding_backend, self.settings.backend)
        return self.settings.model or manifest.model, backend

    def _build_embedder(self) -> Embedder:
        return self._embedder_for(
            self.settings.model or DEFAULT_MODEL, self.settings.backend or DEFAULT_BACKEND
        )

    def _embedder_for(self, model: str, backend: str) -> Embedder:
        """An embedder of `model` on `backend`, reusing the loaded one when it is the same."""
        current = self._embedder
        if current is None or (current.model_id, current.backend) != (model_id(model), backend):
            self._embedder = make_embedder(model, backend, threads=self.settings.torch_threads)
        return self._embedder

    def check(self) -> IntegrityReport:
        """Verify the index on disk (checksums, ids, FTS rows, articles); never raises for
        a damaged index: `report.problems` names each fault and `report.repair` the fix."""
        wanted = model_id(self.settings.model) if self.settings.model else None
        return check_store(
            self.settings.index_dir,
            model=wanted,
            milvus_uri=self.settings.milvus_uri,
            milvus_token=self.settings.milvus_token,
        )

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """An SQLite error while reading the index (a table dropped or a page damaged after
        it was opened) becomes IndexUnavailable naming the fault and the repair."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise unreadable(self.settings.index_dir, exc) from exc

    def stats(self) -> dict[str, Any]:
        with self._reading():
            return self._stats()

    def _stats(self) -> dict[str, Any]:
        store = self.store
        first, last = store.catalogue.date_range()
        return {
            "index_dir": str(self.settings.index_dir),
            "articles": store.catalogue.article_count(),
            "chunks": store.catalogue.chunk_count(),
            "model": store.manifest.model,
            "dimension": store.manifest.dimension,
            "embedding_backend": store.manifest.embedding_backend,
            "vector_index": store.manifest.vector_index,
            "store": store.manifest.store,
            "chunk_tokens": store.manifest.chunk_tokens,
            "built_at": store.manifest.built_at,
            "first_published": first,
            "last_published": last,
            "sources": dict(store.catalogue.sources()),
        }


class _IndexReader:
    """One opened index and what is read from it once: the retriever, the question analyser
    (which knows the index's outlets) and a cache of FTS5 match counts."""

    def __init__(self, store: NewsStore, embedder: Embedder, retrieval: RetrievalSettings) -> None:
        self.store = store
        # the question's vector serves retrieval and, later, the answer check: encode it once;
        # lead sentences recur across questions on the same stories: keep their vectors too
        self.encode_query = functools.lru_cache(maxsize=VECTORS_KEPT)(embedder.encode_query)
        self.embedder = embedder
        self.retriever = Retriever(store, embedder, retrieval, self.encode_query)
        self.outlets = store.catalogue.outlet_names()  # read once per index generation
        self.analyser = QuestionAnalyser(
            self.outlets,
            functools.lru_cache(maxsize=20_000)(
                lambda word: store.catalogue.word_texts(word, CASING_TEXTS)
            ),
        )
        self.chunks = store.catalogue.chunk_count()
        # questions repeat their words: remember how many chunks match each
        self.count_matches: Callable[[str], int] = functools.lru_cache(maxsize=20_000)(
            store.catalogue.match_count
        )

    def similarity(self, question: str, sentences: Sequence[str]) -> list[float]:
        """Cosine of the question to each sentence (vectors of recent texts are kept)."""
        question_vector = self.encode_query(question)
        # one text per call, never batched: int8 activations are quantised per batch, so a
        # batch would change each vector (cosine ~0.99) for no gain on one thread
        return [float(self.encode_query(s) @ question_vector) for s in sentences]


def question_text(question: str | None, max_chars: int) -> str:
    """The question on one line without control characters; ValueError when it is empty or
    longer than `max_chars` (env NEWSQA_MAX_QUESTION_CHARS)."""
    if question is not None and not isinstance(question, str):
        kind = type(question).__name__
        hint = " (decode it first, e.g. question.decode('utf-8'))" if kind == "bytes" else ""
        raise TypeError(f"the question must be a str, not {kind}{hint}")
    raw = question or ""
    if len(raw) > 4 * max_chars:  # refuse before spending time on normalising it
        raise ValueError(_too_long(len(raw), max_chars))
    text = " ".join(normalise_text(raw).split())
    if not text:
        raise ValueError("the question is empty")
    if len(text) > max_chars:
        raise ValueError(_too_long(len(text), max_chars))
    return text


def _too_long(size: int, max_chars: int) -> str:
    return (
        f"the question is {size:,} characters, over the limit of {max_chars:,} "
        "(NEWSQA_MAX_QUESTION_CHARS); ask something shorter"
    )


def asked_day(asked_on: str | date | None) -> date | None:
    """The day a question is asked, from a date or a date in any common style."""
    if asked_on is None or isinstance(asked_on, date):
        return asked_on
    return date.fromisoformat(_read_date(asked_on)[:10])


def _read_date(value: str) -> str:
    """`value` in any common date style as ISO 8601 UTC; ValueError when it is no date."""
    iso = normalise_date(value)
    if iso is None:
        raise ValueError(f"cannot read the date {value!r}")
    return iso


def make_scope(sources: Iterable[str] | None, since: str | None, until: str | None) -> Scope:
    """Explicit filters; dates in any common style, normalised to ISO 8601 UTC."""
    start = _read_date(since) if since else None
    end = _read_date(until) if until else None
    if end and ":" not in (until or ""):  # a date without a time means the whole day
        end = end[:10] + "T23:59:59+00:00"
    if start and end and end < start:
        raise ValueError(
            f"the date range is empty: until {until!r} is before since {since!r}; "
            "swap the two dates"
        )
    names = frozenset(s for s in sources or () if s)
    return Scope(sources=names or None, since=start, until=end)


def build_sample_index(
    settings: Settings, embedder: Embedder | None = None, progress: bool = False
) -> BuildReport:
    """Index the built-in sample article into `settings.index_dir`."""
    embedder = embedder or make_embedder(settings.model, settings.backend)
    return build_from_paths(
        sample_paths(), BuildSettings.from_settings(settings), embedder, Progress(progress)
    )


_open: dict[tuple[str, str], NewsQA] = {}
_open_lock = threading.Lock()


class AskOptions(TypedDict, total=False):
    """The keyword options of `ask()`, as `NewsQA.ask` takes them."""

    k: int | None
    history: History | None
    sources: Iterable[str] | None
    since: str | None
    until: str | None
    exclude: Iterable[str] | None
    asked_on: str | date | None


def ask(question: str, index_dir: Path | str = "index", **options: Unpack[AskOptions]) -> Answer:
    """Answer `question` from the index in `index_dir` (opened once and kept)."""
    key = (str(Path(index_dir).absolute()), Settings.from_env().model or "")
    with _open_lock:
        if key not in _open:
            _open[key] = NewsQA.open(index_dir)
        qa = _open[key]
    return qa.ask(question, **options)


def _check_backend(manifest: Manifest, backend: str | None, index_dir: Path) -> None:
    """An explicitly chosen backend must be one newsqa knows and make vectors like the
    index's own."""
    if backend is not None:
        check_backend(backend)  # an unknown name is refused with the list of known ones
    if backend is not None and not compatible(manifest.embedding_backend, backend):
        raise IndexUnavailable(
            f"index at {index_dir} was built with the {manifest.embedding_backend} embedding "
            f"backend; questions embedded by {backend} would not match its vectors. Ask with "
            f"`--backend {manifest.embedding_backend}` (or leave it out), or rebuild with "
            f"`newsqa build PATH... --backend {backend} --index {index_dir}`"
        )


def _manifest_stamp(index_dir: Path) -> tuple[int, int] | None:
    try:
        info = (Path(index_dir) / MANIFEST).stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


__all__ = ["NewsQA", "ask", "build_from_articles", "build_sample_index"]
