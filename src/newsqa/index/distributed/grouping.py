"""Length groups: which chunks the local build embeds together, worked out on the driver."""

from __future__ import annotations

from typing import Any

import numpy as np

from newsqa.index.distributed.embedding import CHARS
from newsqa.index.updates import EMBED_GROUP

GROUP = "group"
RANK = "rank"


def length_groups(chunks: Any, group_size: int = EMBED_GROUP) -> Any:
    """An arrow table, row for row with `chunks` (in reading order): each chunk's place in
    the build's length order and its group of `group_size` (as `update_index` embeds them).

    Only one integer per chunk comes to the driver; texts and vectors stay on the cluster.
    """
    import pyarrow

    lengths = [
        np.asarray(batch[CHARS], dtype=np.int64)
        for batch in chunks.select_columns([CHARS]).iter_batches(
            batch_size=65536, batch_format="numpy"
        )
    ]
    chars = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
    order = np.argsort(chars, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return pyarrow.table({GROUP: rank // group_size, RANK: rank})
