"""The embedding actor: loads the model once, then chunks and embeds batches of articles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from newsqa.config import Settings
from newsqa.index.distributed.rows import keyed_articles
from newsqa.index.embedding import make_embedder
from newsqa.index.updates import embedding_text, make_chunker

CHUNK_COLUMNS = ("file", "record", "position", "text", "start", "end", "tokens", "vector")


@dataclass(frozen=True)
class EmbeddingSpec:
    """What every actor must agree on to give the local build's chunks and vectors."""

    model: str
    backend: str
    chunk_tokens: int
    chunk_overlap: int
    max_sentence_chars: int
    batch_size: int
    threads: int = 1


class ChunkEmbedder:
    """A class-based Ray Data batch function (an actor pool): article rows in, chunk rows out.

    Each chunk row carries its article's read key, so the driver can match chunks to
    articles whatever order the pool finishes in.
    """

    def __init__(self, spec: EmbeddingSpec) -> None:
        self.embedder = make_embedder(spec.model, spec.backend, threads=spec.threads)
        settings = Settings(
            chunk_tokens=spec.chunk_tokens,
            chunk_overlap=spec.chunk_overlap,
            max_sentence_chars=spec.max_sentence_chars,
        )
        self.chunker = make_chunker(settings, self.embedder)
        self.batch_size = spec.batch_size

    def __call__(self, batch: Mapping[str, Sequence[Any]]) -> dict[str, Any]:
        columns: dict[str, list[Any]] = {name: [] for name in CHUNK_COLUMNS if name != "vector"}
        texts: list[str] = []
        for key, article in keyed_articles(batch):
            for chunk in self.chunker.chunk(article):
                columns["file"].append(key.file)
                columns["record"].append(key.record)
                columns["position"].append(chunk.position)
                columns["text"].append(chunk.text)
                columns["start"].append(chunk.start)
                columns["end"].append(chunk.end)
                columns["tokens"].append(chunk.tokens)
                texts.append(embedding_text(article, chunk))
        vectors = (
            self.embedder.encode(texts, batch_size=self.batch_size)
            if texts
            else self.embedder.empty()
        )
        out: dict[str, Any] = {
            name: np.asarray(values, dtype=np.int64 if name != "text" else object)
            for name, values in columns.items()
        }
        out["vector"] = np.ascontiguousarray(vectors, dtype=np.float32)
        return out
