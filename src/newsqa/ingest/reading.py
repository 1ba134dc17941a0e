"""Reading raw files safely: size limit, .gz, binary detection, text decoding."""

from __future__ import annotations

import gzip
import io
import re
import zlib
from pathlib import Path

from newsqa.ingest.errors import IngestError

MAX_FILE_BYTES = 64 * 1024 * 1024
_CHARSET = re.compile(
    rb"""(?:<\?xml[^>]*encoding|<meta[^>]*charset)\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I
)


def read_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """The file's bytes (decompressed when it ends in .gz), refusing empty or oversize files."""
    max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(path, f"file is {size:,} bytes, over the {max_bytes:,} byte limit")
        data = path.read_bytes()
        if path.suffix.lower() == ".gz":
            data = _gunzip(path, data, max_bytes)
    except OSError as exc:
        raise IngestError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise IngestError(path, "file is empty")
    return data


def decode_text(path: Path, data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16; refuse binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError(path, "invalid UTF-16 text") from exc
    if b"\x00" in data[:8192]:
        raise IngestError(path, "binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        declared = _declared_charset(data[:4096])
        if declared:
            try:
                return data.decode(declared)
            except (UnicodeDecodeError, LookupError):
                pass
        raise IngestError(
            path,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save the file as UTF-8",
        ) from exc


def _declared_charset(head: bytes) -> str | None:
    """The encoding an HTML or XML file declares for itself (`<meta charset>`, `<?xml encoding>`)."""
    match = _CHARSET.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def _gunzip(path: Path, data: bytes, max_bytes: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise IngestError(path, f"corrupt gzip file: {exc}") from exc
    if len(out) > max_bytes:
        raise IngestError(path, f"decompresses to over the {max_bytes:,} byte limit")
    return out
