"""An index and the store its chunks are searched in, verified together (`stats --check`)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from newsqa.index.integrity import IntegrityReport, check_index
from newsqa.index.manifest import IndexUnavailable, Manifest, StorePlacement


def check_store(
    index_dir: Path | str, model: str | None = None, milvus_uri: str = "", milvus_token: str = ""
) -> IntegrityReport:
    """`check_index`, and for an index searched in Milvus its collection compared with the
    folder (at `milvus_uri` when given, else where it was built); never raises."""
    report = check_index(index_dir, model)
    if not report.sound:
        return report
    try:
        manifest = Manifest.read(Path(index_dir))
    except IndexUnavailable:
        return report
    placement = StorePlacement.of(manifest, milvus_uri, milvus_token)
    if not placement.remote:
        return report
    from newsqa.stores.milvus.sync import milvus_problems

    problems = tuple(milvus_problems(manifest, placement, Path(index_dir)))
    if not problems:
        return report
    repair = f"rebuild it with `newsqa build PATH... --store milvus --index {index_dir}`"
    return dataclasses.replace(report, problems=problems, repair=repair)
