"""Chunking tasks and the embedding actor, batched exactly as the local build batches.

The local build embeds all of a build's chunks sorted by length, in groups of EMBED_GROUP.
The int8 model quantises each batch's activations as a whole, so a vector depends a little
on its batch mates; embedding the same groups gives the same vectors (cosine ≥ 0.999).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from newsqa.build.chunking import Chunker
from newsqa.build.distributed.rows import keyed_articles
from newsqa.build.settings import ChunkingSettings
from newsqa.build.updates import embedding_text, make_chunker
from newsqa.embedding import Embedder, make_embedder

CHUNK_COLUMNS = ("file", "record", "position", "text", "start", "end", "tokens")
EMBED_TEXT = "embed_text"  # what the model reads: the title, then the chunk
CHARS = "chars"  # its length, by which the local build sorts before batching


@dataclass(frozen=True)
class EmbeddingSpec:
    """What every worker must agree on to give the local build's chunks and vectors."""

    model: str
    backend: str
    chunking: ChunkingSettings
    batch_size: int
    threads: int = 1


@lru_cache(maxsize=2)
def _chunker(spec: EmbeddingSpec) -> Chunker:
    """One chunker per worker process (it counts tokens with the model's tokenizer only)."""
    return make_chunker(spec.chunking, _embedder(spec))


def _embedder(spec: EmbeddingSpec) -> Embedder:
    return make_embedder(spec.model, spec.backend, threads=spec.threads)


def chunk_articles(batch: Mapping[str, Sequence[Any]], spec: EmbeddingSpec) -> dict[str, Any]:
    """A Ray Data batch function: article rows in, one row per chunk out (with its key)."""
    chunker = _chunker(spec)
    columns: dict[str, list[Any]] = {name: [] for name in (*CHUNK_COLUMNS, EMBED_TEXT)}
    for key, article in keyed_articles(batch):
        for chunk in chunker.chunk(article):
            for name, value in (
                ("file", key.file),
                ("record", key.record),
                ("position", chunk.position),
                ("text", chunk.text),
                ("start", chunk.start),
                ("end", chunk.end),
                ("tokens", chunk.tokens),
                (EMBED_TEXT, embedding_text(article, chunk)),
            ):
                columns[name].append(value)
    out: dict[str, Any] = {
        name: np.asarray(values, dtype=object if name in ("text", EMBED_TEXT) else np.int64)
        for name, values in columns.items()
    }
    out[CHARS] = np.asarray([len(t) for t in columns[EMBED_TEXT]], dtype=np.int64)
    return out


class GroupEmbedder:
    """A class-based Ray Data function (an actor pool): loads the model once per actor, then
    embeds one length group at a time in the local build's order."""

    def __init__(self, spec: EmbeddingSpec) -> None:
        self.embedder = _embedder(spec)
        self.batch_size = spec.batch_size

    def __call__(self, group: Mapping[str, np.ndarray]) -> dict[str, Any]:
        order = np.argsort(group["rank"], kind="stable")
        texts = [str(group[EMBED_TEXT][i]) for i in order]
        vectors = self.embedder.encode(texts, batch_size=self.batch_size) if texts else None
        out: dict[str, Any] = {name: np.asarray(group[name])[order] for name in CHUNK_COLUMNS}
        out["vector"] = (
            np.ascontiguousarray(vectors, dtype=np.float32)
            if vectors is not None
            else self.embedder.empty()
        )
        return out
