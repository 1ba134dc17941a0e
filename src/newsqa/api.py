"""The Python API: `NewsQA` over one index folder, and the module-level `ask()`."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from newsqa.answer import Answer
from newsqa.composer import Composer
from newsqa.config import DEFAULT_MODEL, Settings
from newsqa.embedding import Embedder
from newsqa.followup import Turn, resolve, with_focus
from newsqa.indexing import BuildReport, build_from_articles, build_from_paths
from newsqa.progress import Progress
from newsqa.retrieval import Retriever
from newsqa.sample import sample_paths
from newsqa.store import MANIFEST, IndexStore

History = Sequence[Turn]


class NewsQA:
    """Question answering over one index; reopens the index when a rebuild swaps it in."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._lock = threading.Lock()
        self._store: IndexStore | None = None
        self._stamp: int | None = None
        self._outlet_cache: tuple[IndexStore | None, tuple[str, ...]] = (None, ())

    @classmethod
    def open(cls, index_dir: Path | str = "index", **overrides: Any) -> NewsQA:
        settings = Settings.from_env(index_dir=index_dir, **overrides)
        qa = cls(settings)
        qa.store  # noqa: B018 - fail early with a clear error when the index is missing
        return qa

    @property
    def store(self) -> IndexStore:
        """The current index; a newer one swapped in since the last call is picked up."""
        with self._lock:
            stamp = _manifest_stamp(self.settings.index_dir)
            if self._store is None or stamp != self._stamp:
                wanted = Embedder(self.settings.model).model_id if self.settings.model else None
                self._store = IndexStore.open(self.settings.index_dir, model=wanted)
                self._stamp = stamp
            return self._store

    @property
    def embedder(self) -> Embedder:
        """The model the index was built with (or `settings.model` for a new build)."""
        model = self._store.manifest.model if self._store else self.settings.model or DEFAULT_MODEL
        if self._embedder is None or self._embedder.model_id != Embedder(model).model_id:
            self._embedder = Embedder(model, threads=self.settings.torch_threads)
        return self._embedder

    def ask(self, question: str, k: int | None = None, history: History | None = None) -> Answer:
        question = (question or "").strip()
        if not question:
            raise ValueError("the question is empty")
        store = self.store
        follow = resolve(question, history)
        retriever = Retriever(store, self.embedder, self.settings)
        passages = with_focus(retriever.search(follow.query, k or self.settings.top_k), follow)
        composer = Composer(
            self.settings.answer_sentences,
            self.settings.abstain_threshold,
            library=store,
            outlets=self._outlets(store),
            count_matches=store.match_count,
            focus=follow.focus,
        )
        return dataclasses.replace(composer.compose(follow.query, passages), question=question)

    def _outlets(self, store: IndexStore) -> tuple[str, ...]:
        """The collection's outlets, read once per opened index."""
        if self._outlet_cache[0] is not store:
            self._outlet_cache = (store, tuple(store.outlet_names()))
        return self._outlet_cache[1]

    def rebuild(self, paths: Iterable[Path | str], progress: bool = False) -> BuildReport:
        embedder = self._embedder or Embedder(self.settings.model or DEFAULT_MODEL)
        report = build_from_paths(paths, self.settings, embedder, Progress(progress))
        self._store, self._embedder = None, embedder
        return report

    def stats(self) -> dict[str, Any]:
        store = self.store
        first, last = store.date_range()
        return {
            "index_dir": str(self.settings.index_dir),
            "articles": store.article_count(),
            "chunks": store.chunk_count(),
            "model": store.manifest.model,
            "dimension": store.manifest.dimension,
            "chunk_tokens": store.manifest.chunk_tokens,
            "built_at": store.manifest.built_at,
            "first_published": first,
            "last_published": last,
            "sources": dict(store.sources()),
        }


def build_sample_index(
    settings: Settings, embedder: Embedder | None = None, progress: bool = False
) -> BuildReport:
    """Index the built-in sample article into `settings.index_dir`."""
    embedder = embedder or Embedder(settings.model or DEFAULT_MODEL)
    return build_from_paths(sample_paths(), settings, embedder, Progress(progress))


_open: dict[tuple[str, str], NewsQA] = {}
_open_lock = threading.Lock()


def ask(
    question: str,
    index_dir: Path | str = "index",
    k: int | None = None,
    history: History | None = None,
) -> Answer:
    """Answer `question` from the index in `index_dir` (opened once and kept)."""
    key = (str(Path(index_dir).absolute()), Settings.from_env().model or "")
    with _open_lock:
        if key not in _open:
            _open[key] = NewsQA.open(index_dir)
        qa = _open[key]
    return qa.ask(question, k=k, history=history)


def _manifest_stamp(index_dir: Path) -> float | None:
    try:
        return (Path(index_dir) / MANIFEST).stat().st_mtime_ns
    except FileNotFoundError:
        return None


__all__ = ["NewsQA", "ask", "build_from_articles", "build_sample_index"]
