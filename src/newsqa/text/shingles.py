"""Near-duplicate text: word 5-gram shingles, MinHash signatures, LSH band keys, Jaccard."""

from __future__ import annotations

import hashlib
import re
import zlib

import numpy as np

SHINGLE_WORDS = 5
BANDS = 16
ROWS = 8  # BANDS × ROWS MinHash values; pairs with Jaccard ≥ 0.85 share a band with p > 0.99
_PRIME = np.uint64(4294967311)  # > 2**32, so (a·h + b) stays below 2**64 for 32-bit a, h, b
_RANDOM = np.random.default_rng(20240501)
_A = _RANDOM.integers(1, 2**32 - 1, size=BANDS * ROWS, dtype=np.uint64)
_B = _RANDOM.integers(0, 2**32 - 1, size=BANDS * ROWS, dtype=np.uint64)
_WORD = re.compile(r"\w+")


def shingles(text: str) -> frozenset[str]:
    """Overlapping runs of five lower-cased words (the whole text when it is shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) <= SHINGLE_WORDS:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(
        " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
    )


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two shingle sets (1.0 for the same text)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def signature(parts: frozenset[str]) -> np.ndarray:
    """MinHash: for each of BANDS × ROWS hash functions, the smallest hash over the shingles."""
    if not parts:
        return np.zeros(BANDS * ROWS, dtype=np.uint64)
    hashes = np.fromiter((zlib.crc32(p.encode()) for p in parts), dtype=np.uint64, count=len(parts))
    return ((hashes[:, None] * _A[None, :] + _B[None, :]) % _PRIME).min(axis=0)


def band_keys(parts: frozenset[str]) -> list[str]:
    """LSH band keys: stories sharing any key are candidates for an exact Jaccard check."""
    values = signature(parts).reshape(BANDS, ROWS)
    return [
        f"{i}:{hashlib.blake2b(row.tobytes(), digest_size=8).hexdigest()}"
        for i, row in enumerate(values)
    ]
