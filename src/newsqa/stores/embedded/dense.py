"""Dense scores of one question: exact over a matrix, or approximate through a FAISS IVF index.

Both answer the same two questions: the top chunks among the allowed rows (filters before
ranking) and the similarity of given chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

FULL_SCAN_BELOW = 0.05  # a filter keeping less than this share is searched over all lists


class DenseScores(Protocol):
    def top(self, n: int, allowed: np.ndarray | None) -> list[tuple[int, float]]: ...

    def of(self, chunk_ids: Sequence[int]) -> dict[int, float]: ...


class ExactScores:
    """Inner products with every chunk, computed at once (rows in catalog order)."""

    def __init__(
        self,
        ids: np.ndarray,
        matrix: np.ndarray,
        rows_of: Callable[[Sequence[int]], np.ndarray],
        query: np.ndarray,
    ):
        self.ids = ids
        self.rows_of = rows_of  # chunk ids → rows (-1: not held)
        # einsum, not BLAS: one matrix-vector product is ~7x faster without BLAS threads
        # (measured 0.76 vs 5.2 ms at 9,363 x 384 on 2 busy cores; same values to 1e-7)
        self.scores = np.einsum("ij,j->i", matrix, query.astype(np.float32))

    def top(self, n: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        rows = np.arange(len(self.ids)) if allowed is None else np.flatnonzero(allowed)
        if not len(rows):
            return []
        subset = self.scores[rows]
        n = min(n, len(rows))
        top = np.argpartition(-subset, n - 1)[:n]
        top = top[np.argsort(-subset[top])]
        return [(int(self.ids[rows[i]]), float(subset[i])) for i in top]

    def of(self, chunk_ids: Sequence[int]) -> dict[int, float]:
        rows = self.rows_of(chunk_ids)
        return {
            int(cid): float(self.scores[row])
            for cid, row in zip(chunk_ids, rows, strict=True)
            if row >= 0
        }


class ApproximateScores:
    """Top chunks from an IVF index's nearest lists; a filter is an id selector applied
    inside the search, so filtered results are ranked among allowed chunks only."""

    def __init__(self, index: Any, ids: np.ndarray, query: np.ndarray, selectors: SelectorCache):
        self.index = index
        self.ids = ids
        self.query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        self.selectors = selectors

    def top(self, n: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        import faiss

        ivf = faiss.extract_index_ivf(self.index)
        if allowed is None:
            return self._search(n, None, ivf.nprobe)
        count = int(allowed.sum())
        if not count:
            return []
        selector = self.selectors.get(allowed, self.ids)
        wide = count <= n or count < FULL_SCAN_BELOW * len(self.ids)
        found = self._search(n, selector, ivf.nlist if wide else ivf.nprobe)
        if len(found) < min(n, count) and not wide:  # the nearest lists held too few allowed
            found = self._search(n, selector, ivf.nlist)
        return found

    def _search(self, n: int, selector: Any, probes: int) -> list[tuple[int, float]]:
        import faiss

        params = faiss.SearchParametersIVF()
        params.nprobe = int(probes)
        if selector is not None:
            params.sel = selector
        scores, ids = self.index.search(self.query, int(n), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def of(self, chunk_ids: Sequence[int]) -> dict[int, float]:
        out: dict[int, float] = {}
        for cid in chunk_ids:
            try:
                vector = self.index.reconstruct(int(cid))
            except RuntimeError:
                continue
            out[cid] = float(vector @ self.query[0])
        return out


class SelectorCache:
    """FAISS id bitmaps of filter masks, remembered per mask (masks are cached per scope)."""

    def __init__(self) -> None:
        self._made: dict[int, tuple[np.ndarray, np.ndarray, Any]] = {}

    def get(self, allowed: np.ndarray, ids: np.ndarray) -> Any:
        import faiss

        key = id(allowed)
        made = self._made.get(key)  # one lookup: another question may clear the dict
        if made is not None and made[0] is allowed:
            return made[2]
        if len(self._made) > 256:
            self._made.clear()
        size = int(ids.max()) + 1 if len(ids) else 1
        bits = np.zeros(size, dtype=bool)
        bits[ids[allowed]] = True
        bitmap = np.packbits(bits, bitorder="little")
        selector = faiss.IDSelectorBitmap(size, faiss.swig_ptr(bitmap))
        self._made[key] = (allowed, bitmap, selector)  # the arrays must outlive the selector
        return selector
