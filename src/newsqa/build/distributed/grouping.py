"""Waves and length groups: which chunks are embedded together, worked out on the driver.

A wave is one commit batch's articles. Inside a wave, chunks are sorted by length and cut
into groups of EMBED_GROUP, as `update_index` does for the articles it is given; a build
of one wave therefore gives a local build's vectors exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np

from newsqa.build.distributed.embedding import CHARS
from newsqa.build.distributed.rows import ReadKey
from newsqa.build.updates import EMBED_GROUP

GROUP = "group"  # wave << 32 | group within the wave: the pool embeds one group per call
RANK = "rank"  # place in the wave's length order
_WAVE_SHIFT = 32


def length_groups(
    chunks: Any, wave_of: Mapping[ReadKey, int], group_size: int = EMBED_GROUP
) -> tuple[Any, dict[ReadKey, int]]:
    """An arrow table row for row with `chunks` (in reading order) giving each chunk's group
    and rank, and the number of chunks of each article.

    Three integers per chunk come to the driver; texts and vectors stay on the cluster.
    """
    import pyarrow

    files, records, lengths = [], [], []
    for batch in chunks.select_columns(["file", "record", CHARS]).iter_batches(
        batch_size=65536, batch_format="numpy"
    ):
        files.append(np.asarray(batch["file"], dtype=np.int64))
        records.append(np.asarray(batch["record"], dtype=np.int64))
        lengths.append(np.asarray(batch[CHARS], dtype=np.int64))
    keys = [
        ReadKey(int(f), int(r))
        for f, r in zip(np.concatenate(files), np.concatenate(records), strict=True)
    ]
    chars = np.concatenate(lengths)
    wave = np.asarray([wave_of[key] for key in keys], dtype=np.int64)
    order = np.lexsort((np.arange(len(chars)), chars, wave))  # by wave, length, reading order
    in_order = wave[order]
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order)) - np.searchsorted(in_order, in_order, side="left")
    group = (wave << _WAVE_SHIFT) | (rank // group_size)
    return pyarrow.table({GROUP: group, RANK: rank}), dict(Counter(keys))
