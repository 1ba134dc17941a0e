"""The embedded chunks as they come back from the actor pool, taken article by article."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from newsqa.index.chunking import Chunk
from newsqa.index.distributed.rows import ReadKey


class ChunkStream:
    """Chunk rows in the articles' reading order (the pool keeps order); `take(key)` gives
    one article's chunks and vectors, or none for an article too short to chunk."""

    def __init__(self, batches: Iterable[Mapping[str, Any]]) -> None:
        self._rows = self._iter_rows(batches)
        self._next: tuple[ReadKey, dict[str, Any]] | None = None
        self._advance()

    def take(self, key: ReadKey, article_id: str) -> tuple[list[Chunk], np.ndarray]:
        if self._next is not None and self._next[0] < key:
            raise RuntimeError(f"chunks of article {self._next[0]} came back out of order")
        chunks: list[Chunk] = []
        vectors: list[np.ndarray] = []
        while self._next is not None and self._next[0] == key:
            row = self._next[1]
            chunks.append(
                Chunk(
                    article_id=article_id,
                    position=int(row["position"]),
                    text=str(row["text"]),
                    start=int(row["start"]),
                    end=int(row["end"]),
                    tokens=int(row["tokens"]),
                )
            )
            vectors.append(np.asarray(row["vector"], dtype=np.float32))
            self._advance()
        stacked = np.vstack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)
        return chunks, stacked

    def _advance(self) -> None:
        self._next = next(self._rows, None)

    @staticmethod
    def _iter_rows(
        batches: Iterable[Mapping[str, Any]],
    ) -> Iterator[tuple[ReadKey, dict[str, Any]]]:
        for batch in batches:
            names = list(batch)
            for i in range(len(batch["file"])):
                key = ReadKey(int(batch["file"][i]), int(batch["record"][i]))
                yield key, {name: batch[name][i] for name in names}
