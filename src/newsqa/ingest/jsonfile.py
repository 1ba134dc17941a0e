"""JSON and JSONL articles: one object, a list, or {"articles": [...]}, with field aliases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsqa.articles import Article
from newsqa.ingest.errors import IngestError, Rejection
from newsqa.ingest.fields import record_to_article


def load_json(path: Path, text: str) -> tuple[list[Article], list[Rejection]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(path, f"malformed JSON: {exc.msg} (line {exc.lineno})") from exc
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    records = data if isinstance(data, list) else [data]
    return _records(path, records, label="item")


def load_jsonl(path: Path, text: str) -> tuple[list[Article], list[Rejection]]:
    records: list[Any] = []
    rejected: list[Rejection] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            rejected.append(Rejection(f"{path}:{number}", f"malformed JSON line: {exc.msg}"))
            records.append(None)
    articles, bad = _records(path, records, label="line", skip_none=True)
    return articles, rejected + bad


def _records(
    path: Path, records: list[Any], label: str, skip_none: bool = False
) -> tuple[list[Article], list[Rejection]]:
    articles: list[Article] = []
    rejected: list[Rejection] = []
    for number, record in enumerate(records, start=1):
        if record is None and skip_none:
            continue
        where = f"{path}:{label} {number}" if len(records) > 1 else str(path)
        try:
            articles.append(record_to_article(record, origin=where))
        except ValueError as exc:
            rejected.append(Rejection(where, str(exc)))
    if not articles and rejected and len(records) == 1:
        raise IngestError(path, rejected[0].reason)
    return articles, rejected
