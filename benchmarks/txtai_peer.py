"""txtai indexing and querying, run by the benchmark's own environment (never imports newsqa).

Usage: PEER_PYTHON txtai_peer.py INPUT.json — INPUT holds `model` (a sentence-transformers
folder), `texts` (what newsqa embeds: title and chunk) and `questions`. Prints one JSON
object: txtai's version, seconds to index the texts, and milliseconds per question.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from importlib.metadata import version


def main(source: str) -> None:
    import torch
    from txtai import Embeddings

    with open(source, encoding="utf-8") as handle:
        job = json.load(handle)
    texts, questions = job["texts"], job["questions"]
    embeddings = Embeddings(path=job["model"], content=True)  # dense, FAISS, texts stored
    embeddings.index(texts[:8])  # load the model before timing
    with tempfile.TemporaryDirectory(prefix="txtai-peer-") as folder:
        embeddings = Embeddings(path=job["model"], content=True)
        start = time.perf_counter()
        embeddings.index((i, text, None) for i, text in enumerate(texts))
        embeddings.save(folder)
        index_s = time.perf_counter() - start
    torch.set_num_threads(1)  # one question at a time on one thread, as newsqa asks
    embeddings.search(questions[0], 10)
    query_ms = []
    for question in questions:
        start = time.perf_counter()
        embeddings.search(question, 10)
        query_ms.append((time.perf_counter() - start) * 1000)
    out = {"txtai": version("txtai"), "index_s": index_s, "query_ms": query_ms}
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1])
