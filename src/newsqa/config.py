"""Settings: one frozen dataclass, overridable by NEWSQA_* environment variables."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

DEFAULT_MODEL = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class Settings:
    """Every tunable of newsqa; `Settings.from_env()` reads `NEWSQA_<FIELD>` overrides."""

    index_dir: Path = Path("index")
    model: str | None = None  # None: the index's own model (DEFAULT_MODEL for new builds)
    # embedding backend: torch-fp32, onnx-fp32 or onnx-int8; None: the index's own family
    # (questions on torch-fp32 indexes use onnx-fp32) and DEFAULT_BACKEND for new builds
    backend: str | None = None
    chunk_tokens: int = 200
    chunk_overlap: int = 1
    embed_batch_size: int = 64
    top_k: int = 10
    dense_candidates: int = 100
    lexical_candidates: int = 100
    dense_weight: float = 0.3
    rerank_pool: int = 20
    dense_always: int = 3  # the question's nearest chunks by embedding always join the pool
    rerank_weights: tuple[float, float, float, float] = (0.5, 0.25, 2.0, 2.0)
    # questions about current news ("this week"), or asked on a known day: bonus for the
    # candidate articles nearest the day asked (else the newest candidate), fading as
    # e^(-days away / recency_days) (see search/recency.py)
    recency_weight: float = 1.0
    recency_days: float = 30.0
    passage_tokens: int = 250
    passages_per_article: int = 3
    article_decay: float = 0.7
    diversify_after: int = 4
    answer_sentences: int = 12
    min_confidence: float = 0.0  # answers less sure than this abstain (0: the calibrated bar)
    reranker: str | None = None  # a sentence-transformers CrossEncoder name or path; off by default
    torch_threads: int = 0  # threads for embedding a build; 0: all cores
    approximate_from: int = 100_000  # chunks from which vectors go to an approximate IVF index
    # where a new build's chunks are searched (docs/scaling.md): "embedded" (FAISS + SQLite in
    # the index folder) or "milvus"; an existing index keeps the store it was built with
    store: str = "embedded"
    milvus_uri: str = ""  # "": a milvus-lite file beside the index folder; or http://host:19530
    milvus_token: str = ""  # a Milvus server's "user:password" or API key; never written to disk
    milvus_collection: str = "newsqa_chunks"
    syndication_threshold: float = 0.85  # word 5-gram Jaccard at which two texts are one story
    # Limits on input (docs/reliability.md): each is reported by name when hit.
    max_file_bytes: int = 64 * 1024 * 1024  # per file, after .gz decompression
    max_article_chars: int = 1_000_000  # per article body (news articles are rarely 100k)
    # per metadata field: an article over one is refused, naming the field (a 12 MB title
    # would otherwise be sent to every page and every answer that cites it)
    max_title_chars: int = 1_000
    max_source_chars: int = 200  # the outlet's name
    max_author_chars: int = 300
    max_url_chars: int = 2_048
    max_articles_per_file: int = 100_000  # records in one JSON, JSONL, CSV or feed file
    max_sentence_chars: int = 2_000  # longer unpunctuated text is cut into windows at spaces
    max_question_chars: int = 2_000  # a longer question is refused with a clear message
    # a chat page upload waits this long for another writer (build, add, remove), saying so,
    # then gives up with a message (the command line waits as long as it takes)
    upload_wait_seconds: float = 30.0

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Defaults, then `NEWSQA_*` environment variables, then explicit overrides."""
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = os.environ.get(f"NEWSQA_{field.name.upper()}")
            if raw is not None and raw != "":
                values[field.name] = _coerce(field.type, raw, field.name)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "index_dir" in values:
            values["index_dir"] = Path(values["index_dir"])
        if "index_dir" not in values and os.environ.get("NEWSQA_INDEX"):
            values["index_dir"] = Path(os.environ["NEWSQA_INDEX"])
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(type_name: Any, raw: str, name: str) -> Any:
    kind = str(type_name)
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError as exc:
        raise ValueError(f"NEWSQA_{name.upper()}={raw!r} is not a valid {kind}") from exc
    return Path(raw) if kind == "Path" else raw
