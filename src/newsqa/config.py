"""Settings: one frozen dataclass, overridable by NEWSQA_* environment variables.

Each stage takes only its own section, cut from these at the faces (api.py, cli.py):
`RetrievalSettings` (search/settings.py), `ComposerSettings` (answering/settings.py),
`BuildSettings` (build/settings.py), `StoreSettings` (stores/placement.py) and
`IngestLimits` (ingest/limits.py).
"""

from __future__ import annotations

import dataclasses
import os
import types
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

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
    reader: bool = True  # the trained reader picks the lead (False: greedy term coverage)
    reader_weights: Path | None = None  # None: the package's reader_weights.json
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
    # Host names the chat page answers to besides localhost and its --host (comma-separated),
    # e.g. the name of a reverse proxy in front of it; any other Host gets 400 (ui/hosts.py)
    allowed_hosts: str = ""
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
    # How the composer puts an answer together (answering/settings.py); `answer_sentences`,
    # `min_confidence` and `recency_days` above reach it too.
    abstain_threshold: float | None = None  # None: the answer check's own, by question shape
    answer_articles: int = 6  # candidate articles whose sentences may be chosen
    sentences_per_article: int = 4
    lead_prior_weight: float = 0.25  # weight of the retrieval score in a lead sentence's gain
    lead_type_bonus: float = 0.1  # for holding the kind of answer asked for (name, number, date)
    lead_outlet_bonus: float = 0.3  # for the first sentence of an outlet the question names
    lead_date_bonus: float = 0.3  # for a report published on a day the question names
    lead_recency_bonus: float = 0.3  # the newest report's, or the day asked's nearest report's
    lead_min_gain: float = 0.1  # a lead sentence must add this much; the rest is support
    term_pair_weight: float = 1.0  # a question's word pair counts this times its IDF
    duplicate_overlap: float = 0.7  # Jaccard of terms at which a sentence repeats another
    cite_threshold: float = 0.45  # evidence probability at which an article is cited
    cite_named_threshold: float = 0.30  # ... the best article of a named outlet nothing cites
    verdicts: bool = True  # yes/no questions open with "Yes", "No" or "don't settle this"
    verdict_bar: float | None = None  # None: the verdict model's own (verdict_weights.json)
    disagreement: bool = True  # reports stating different values: "Reports differ: …"
    disagreement_margin: float = 2.0  # a stating sentence's reader logit within this of the best
    disagreement_floor: float = 0.0  # … and at least this (0: probability 0.5)
    disagreement_overlap: float = 0.3  # Jaccard of the two sentences' other words, at least
    # a chat page upload waits this long for another writer (build, add, remove), saying so,
    # then gives up with a message (the command line waits as long as it takes)
    upload_wait_seconds: float = 30.0

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Defaults, then `NEWSQA_*` environment variables, then explicit overrides."""
        values: dict[str, Any] = {}
        hints = _hints(cls)
        for field in fields(cls):
            raw = os.environ.get(f"NEWSQA_{field.name.upper()}")
            if raw is not None and raw.strip() != "":
                values[field.name] = _coerce(hints[field.name], raw, f"NEWSQA_{field.name.upper()}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "index_dir" in values:
            values["index_dir"] = Path(values["index_dir"])
        if "index_dir" not in values and os.environ.get("NEWSQA_INDEX"):
            values["index_dir"] = Path(os.environ["NEWSQA_INDEX"])
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


@cache
def _hints(cls: type) -> dict[str, Any]:
    """The dataclass's field types as types (its annotations are strings)."""
    return get_type_hints(cls)


TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}
NONE = {"", "none"}


def _coerce(hint: Any, raw: str, variable: str) -> Any:
    """`raw` (an environment variable's text) as a value of type `hint`; ValueError naming
    `variable` when it is not one."""
    text = raw.strip()
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(hint) if a is not type(None)]
        if type(None) in get_args(hint) and text.lower() in NONE:
            return None
        if len(options) != 1:
            raise TypeError(f"{variable}: cannot read a value of type {hint}")
        return _coerce(options[0], raw, variable)
    if origin is tuple:
        return _tuple(get_args(hint), text, variable)
    try:
        if hint is bool:
            if text.lower() in TRUE | FALSE:
                return text.lower() in TRUE
            raise ValueError(text)
        if hint is int:
            return int(text)
        if hint is float:
            return float(text)
    except ValueError as exc:
        wanted = "true or false" if hint is bool else f"a valid {hint.__name__}"
        raise ValueError(f"{variable}={raw!r} is not {wanted}") from exc
    if hint is Path:
        return Path(text)
    if hint is str:
        return raw
    raise TypeError(f"{variable}: cannot read a value of type {hint}")


def _tuple(items: tuple[Any, ...], text: str, variable: str) -> tuple[Any, ...]:
    """Comma-separated values, as many as the tuple type holds (any number for `T, ...`)."""
    parts = [p.strip() for p in text.split(",")] if text else []
    if len(items) == 2 and items[1] is Ellipsis:
        items = (items[0],) * len(parts)
    if len(parts) != len(items):
        raise ValueError(
            f"{variable}={text!r} needs {len(items)} comma-separated values, got {len(parts)}"
        )
    return tuple(_coerce(kind, part, variable) for kind, part in zip(items, parts, strict=True))
