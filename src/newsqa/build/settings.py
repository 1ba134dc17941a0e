"""The build's section of the settings: chunking, embedding batches, vectors, story matching."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsqa.config import Settings
from newsqa.ingest import IngestLimits
from newsqa.stores.placement import StoreSettings


@dataclass(frozen=True)
class ChunkingSettings:
    """How article bodies are cut into chunks (env `NEWSQA_CHUNK_TOKENS`, `..._OVERLAP`,
    `NEWSQA_MAX_SENTENCE_CHARS`); an existing index keeps its own tokens and overlap."""

    chunk_tokens: int = Settings.chunk_tokens
    chunk_overlap: int = Settings.chunk_overlap
    max_sentence_chars: int = Settings.max_sentence_chars

    @classmethod
    def from_settings(cls, settings: Settings) -> ChunkingSettings:
        return cls(settings.chunk_tokens, settings.chunk_overlap, settings.max_sentence_chars)


@dataclass(frozen=True)
class BuildSettings:
    """What a build, add or remove of the index at `index_dir` needs of the settings."""

    index_dir: Path = Settings.index_dir
    model: str | None = Settings.model  # None: the embedder's own
    chunking: ChunkingSettings = field(default_factory=ChunkingSettings)
    embed_batch_size: int = Settings.embed_batch_size
    approximate_from: int = Settings.approximate_from  # chunks from which vectors go to IVF
    syndication_threshold: float = Settings.syndication_threshold
    stores: StoreSettings = field(default_factory=StoreSettings)  # a new build's store
    limits: IngestLimits = field(default_factory=IngestLimits)

    @classmethod
    def from_settings(cls, settings: Settings) -> BuildSettings:
        return cls(
            index_dir=Path(settings.index_dir),
            model=settings.model,
            chunking=ChunkingSettings.from_settings(settings),
            embed_batch_size=settings.embed_batch_size,
            approximate_from=settings.approximate_from,
            syndication_threshold=settings.syndication_threshold,
            stores=StoreSettings.from_settings(settings),
            limits=IngestLimits.from_settings(settings),
        )

    def replace(self, **changes: Any) -> BuildSettings:
        return dataclasses.replace(self, **changes)
