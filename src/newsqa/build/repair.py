"""Repair: a damaged index rebuilt from the articles its SQLite catalogue still holds — each
story re-chunked and re-embedded into a fresh index, the other outlets' copies recorded on
them again — in one atomic swap, as a build would."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from newsqa.build.settings import BuildSettings
from newsqa.build.updates import BuildReport, count_index, embed_into, writer_spec
from newsqa.embedding import Embedder
from newsqa.index.manifest import IndexUnavailable, Manifest, StorePlacement
from newsqa.index.salvage import held_articles
from newsqa.progress import Progress
from newsqa.stores.placement import new_placement


def repair_index(
    settings: BuildSettings, embedder: Embedder, progress: Progress | None = None
) -> BuildReport:
    """Rebuild the index at `settings.index_dir` from its own catalogue's articles, with its
    manifest's chunking and store when the manifest still reads; IndexUnavailable (naming
    the rebuild from files) when the catalogue's articles cannot be read."""
    progress = progress or Progress.silent()
    index_dir = Path(settings.index_dir)
    manifest = _manifest(index_dir)
    if manifest is not None:
        chunking = replace(
            settings.chunking,
            chunk_tokens=manifest.chunk_tokens,
            chunk_overlap=manifest.chunk_overlap,
        )
        settings = replace(settings, chunking=chunking)
        stores = settings.stores
        placement = StorePlacement.of(manifest, stores.milvus_uri, stores.milvus_token)
    else:
        placement = new_placement(settings.stores, settings.index_dir)
    report = BuildReport()
    with writer_spec(settings, embedder, placement).open(fresh=True) as writer:
        held = held_articles(index_dir)  # under the writer lock: no add lands meanwhile
        for article in progress.track(held.stories, "Restoring articles", unit="articles"):
            writer.put_article(article)
        report.added = len(held.stories)
        embed_into(writer, held.stories, settings, embedder, progress, report)
        for copy in held.copies:
            if writer.stored_hash(copy.story_id) is not None:
                writer.record_copy(copy.story_id, copy.outlet, copy.content_hash)
                report.syndicated += 1
        report.manifest = writer.commit()
        count_index(writer, report)
    return report


def _manifest(index_dir: Path) -> Manifest | None:
    try:
        return Manifest.read(index_dir)
    except IndexUnavailable:
        return None
