"""Optional cross-encoder reranking of retrieved passages (any sentence-transformers CrossEncoder)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from newsqa.records import Passage


@lru_cache(maxsize=2)
def load_cross_encoder(name: str) -> Any:
    """Load a CrossEncoder by name or path; a clear error when it is not available offline."""
    from sentence_transformers import CrossEncoder

    try:
        return CrossEncoder(name, device="cpu")
    except OSError as exc:
        raise RuntimeError(
            f"cannot load reranker {name!r}: {exc}. Give a local path or a model already in "
            "the Hugging Face cache (this machine may be offline)."
        ) from exc


def rerank(question: str, passages: Sequence[Passage], model_name: str) -> list[Passage]:
    """Passages ordered by the cross-encoder's relevance score (kept as `score`)."""
    if not passages:
        return []
    model = load_cross_encoder(model_name)
    scores = model.predict([(question, p.text) for p in passages], show_progress_bar=False)
    scored = [replace(p, score=float(s)) for p, s in zip(passages, scores, strict=True)]
    return sorted(scored, key=lambda p: p.score, reverse=True)
