"""Vector indexes: exact (flat) while small, approximate (IVF, fp16 codes) when large.

Both keep their own chunk ids, so add, update and remove work the same way on either.
Above `APPROXIMATE_FROM` vectors a flat index is converted to IVF once, on a commit; an
IVF index stays IVF after removals. IVF holds 768 bytes per 384-dim vector (fp16 codes)
instead of 1536: 8-bit codes measured recall@10 0.93 at 1M synthetic vectors, fp16 ~1.0.
"""

from __future__ import annotations

import math

import faiss
import numpy as np

FLAT = "flat"
IVF = "ivf"
APPROXIMATE_FROM = 100_000  # from here, exact search costs ~40 ms per question (2 cores)
TRAINING_SAMPLE = 64  # vectors per list used to train the coarse quantiser


def new_flat(dimension: int) -> faiss.Index:
    return faiss.IndexIDMap2(faiss.IndexFlatIP(max(dimension, 1)))


def kind_of(index: faiss.Index) -> str:
    return IVF if isinstance(index, faiss.IndexIVF) else FLAT


def describe(index: faiss.Index) -> str:
    """For the manifest: FAISS version and index type."""
    if kind_of(index) == IVF:
        ivf = faiss.extract_index_ivf(index)
        return f"faiss-{faiss.__version__}:IndexIVFScalarQuantizer(QT_fp16, nlist={ivf.nlist})"
    return f"faiss-{faiss.__version__}:IndexIDMap2(IndexFlatIP)"


def vector_ids(index: faiss.Index) -> np.ndarray:
    """Every chunk id stored in the index (flat: in storage order)."""
    if kind_of(index) == FLAT:
        return faiss.vector_to_array(index.id_map).astype(np.int64)
    lists = faiss.extract_index_ivf(index).invlists
    parts = [
        faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).copy()
        for i in range(lists.nlist)
        if lists.list_size(i)
    ]
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)


def list_count(total: int) -> int:
    """IVF lists for `total` vectors: about 4·√n, so each list holds a few hundred."""
    wanted = min(65536, max(64, int(4 * math.sqrt(max(total, 1)))))
    return max(1, min(wanted, total // 39))  # k-means wants ≥ 39 training vectors per list


def probe_count(lists: int) -> int:
    """Lists visited per query: enough for recall@10 ≥ 0.95 on sentence embeddings
    (measured in docs/performance.md)."""
    return int(min(lists, max(16, lists // 8)))


def to_approximate(index: faiss.Index, seed: int = 0) -> faiss.Index:
    """An IVF (fp16 codes) copy of a flat index (same ids), trained on a sample of its vectors."""
    ids = vector_ids(index)
    vectors = index.index.reconstruct_n(0, index.ntotal) if len(ids) else np.zeros((0, index.d))
    return build_approximate(np.ascontiguousarray(vectors, np.float32), ids, seed)


def build_approximate(vectors: np.ndarray, ids: np.ndarray, seed: int = 0) -> faiss.Index:
    dimension = vectors.shape[1]
    lists = list_count(len(vectors))
    quantiser = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIVFScalarQuantizer(
        quantiser, dimension, lists, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
    )
    rng = np.random.default_rng(seed)
    sample = min(len(vectors), lists * TRAINING_SAMPLE)
    rows = np.sort(rng.choice(len(vectors), size=sample, replace=False))
    index.cp.seed = seed
    index.train(vectors[rows])
    index.set_direct_map_type(faiss.DirectMap.Hashtable)  # reconstruct and remove by id
    index.add_with_ids(vectors, ids.astype(np.int64))
    index.nprobe = probe_count(lists)
    return index


def maybe_approximate(index: faiss.Index, threshold: int = APPROXIMATE_FROM) -> faiss.Index:
    """The index to store: converted to IVF once it reaches `threshold` vectors."""
    if kind_of(index) == FLAT and index.ntotal >= threshold:
        return to_approximate(index)
    return index
