"""CSV and TSV articles: one row each, columns mapped by name (title, text, date, source, url)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path

from newsqa.articles import Article
from newsqa.ingest.errors import IngestError, Rejection
from newsqa.ingest.fields import keys_for, record_to_article
from newsqa.ingest.reading import MAX_FILE_BYTES

csv.field_size_limit(MAX_FILE_BYTES)


def load_csv(
    path: Path, text: str, columns: Mapping[str, str] | None = None
) -> tuple[list[Article], list[Rejection]]:
    """Rows with a header line; `columns` maps Article fields to column names (else aliases)."""
    columns = {field: _key(name) for field, name in (columns or {}).items()}
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=_dialect(path, text))
    header = [h for h in (reader.fieldnames or []) if h]
    keys = {_key(h) for h in header}
    if not any(key in keys for key in keys_for("body", columns)):
        raise IngestError(
            path,
            "no text column: expected one of "
            + ", ".join(keys_for("body", columns))
            + f" (columns: {', '.join(header) or 'none'})",
        )
    articles: list[Article] = []
    rejected: list[Rejection] = []
    try:
        for number, row in enumerate(reader, start=2):
            if row.get(None):  # more cells than the header names: its columns are shifted
                cells = len(header) + len(row[None])
                rejected.append(
                    Rejection(
                        f"{path}:row {number}",
                        f"row has {cells} cells, the header has {len(header)} (an unquoted "
                        "delimiter in the text?)",
                    )
                )
                continue
            record = {_key(k): v for k, v in row.items() if k is not None}
            try:
                articles.append(record_to_article(record, f"{path}:row {number}", columns))
            except ValueError as exc:
                rejected.append(Rejection(f"{path}:row {number}", str(exc)))
    except csv.Error as exc:
        raise IngestError(path, f"malformed CSV: {exc}") from exc
    if not articles and not rejected:
        raise IngestError(path, "CSV has a header but no rows")
    return articles, rejected


def _dialect(path: Path, text: str) -> type[csv.Dialect] | csv.Dialect:
    if path.name.lower().removesuffix(".gz").endswith(".tsv"):
        return csv.excel_tab
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in ",;\t|"}
    best = max(counts, key=lambda sep: counts[sep])
    if counts[best] == 0 or best == ",":
        return csv.excel
    return csv.excel_tab if best == "\t" else _delimited(best)


def _delimited(sep: str) -> type[csv.Dialect]:
    return type("Delimited", (csv.excel,), {"delimiter": sep})


def _key(name: str) -> str:
    """Header names compare without case, spaces or hyphens: `Published At` → `published_at`."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())
