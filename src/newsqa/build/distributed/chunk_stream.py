"""The embedded chunks as they come back from the actor pool, taken article by article."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from newsqa.articles import Chunk
from newsqa.build.distributed.rows import ReadKey


class ChunkStream:
    """Chunk rows as the pool finishes their length groups (wave by wave, in no order
    inside a wave); `take(key)` waits for all of one article's chunks and gives them in
    position order with their vectors, or none for an article too short to chunk."""

    def __init__(self, batches: Iterable[Mapping[str, Any]], counts: Mapping[ReadKey, int]):
        self._batches = batches
        self._rows = self._iter_rows(batches)
        self._counts = counts
        self._waiting: dict[ReadKey, list[dict[str, Any]]] = defaultdict(list)

    def take(self, key: ReadKey, article_id: str) -> tuple[list[Chunk], np.ndarray]:
        need = self._counts.get(key, 0)
        while len(self._waiting[key]) < need:
            found = next(self._rows, None)
            if found is None:
                raise RuntimeError(f"the embedded chunks ended before those of article {key}")
            self._waiting[found[0]].append(found[1])
        rows = sorted(self._waiting.pop(key, []), key=lambda row: int(row["position"]))
        chunks = [
            Chunk(
                article_id=article_id,
                position=int(row["position"]),
                text=str(row["text"]),
                start=int(row["start"]),
                end=int(row["end"]),
                tokens=int(row["tokens"]),
            )
            for row in rows
        ]
        vectors = [np.asarray(row["vector"], dtype=np.float32) for row in rows]
        return chunks, np.vstack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)

    def close(self) -> None:
        """Stop pulling: the iterator (and the Ray execution behind it) shuts down."""
        self._rows.close()
        close = getattr(self._batches, "close", None)
        if close is not None:
            close()

    @staticmethod
    def _iter_rows(
        batches: Iterable[Mapping[str, Any]],
    ) -> Iterator[tuple[ReadKey, dict[str, Any]]]:
        for batch in batches:
            names = list(batch)
            for i in range(len(batch["file"])):
                key = ReadKey(int(batch["file"][i]), int(batch["record"][i]))
                yield key, {name: batch[name][i] for name in names}
