"""Embedding backends: ONNX agrees with torch fp32, the manifest records the backend, and a
question on an ONNX-backed index never loads torch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newsqa.api import NewsQA
from newsqa.embedding import make_embedder
from newsqa.index.manifest import MANIFEST, IndexUnavailable
from newsqa.sample import sample_paths

pytestmark = pytest.mark.model


def _texts() -> list[str]:
    """A few dozen news-like texts of very different lengths."""
    body = "\n".join(p.read_text(encoding="utf-8") for p in sample_paths())
    sentences = [s.strip() for s in body.replace("\n", " ").split(". ") if len(s.strip()) > 20]
    words = body.split()
    windows = [  # from a few words to past the model's 256-token limit
        " ".join(words[start : start + size])
        for size in (6, 40, 120, 400)
        for start in (0, 97, 211)
    ]
    asked = [
        "Who attended the Victory Day parade in Moscow?",
        "What did the two leaders pledge?",
        "inflation",
        "Did the central bank raise interest rates in October 2023?",
    ]
    return sentences[:24] + windows + asked


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return make_embedder(backend="torch-fp32", threads=1).encode(_texts())


@pytest.mark.parametrize(("backend", "floor"), [("onnx-fp32", 0.9999), ("onnx-int8", 0.98)])
def test_onnx_vectors_agree_with_torch_fp32(
    reference: np.ndarray, backend: str, floor: float
) -> None:
    embedder = make_embedder(backend=backend, threads=1)
    texts = _texts()
    assert len(texts) >= 30
    vectors = embedder.encode(texts)
    cosines = np.sum(vectors * reference, axis=1)
    assert cosines.min() >= floor, (backend, float(cosines.min()))
    query = embedder.encode_query(texts[-1])
    assert float(query @ reference[-1]) >= floor
    assert embedder.dimension == reference.shape[1]


def test_onnx_counts_tokens_as_the_model_does() -> None:
    torch_side = make_embedder(backend="torch-fp32", threads=1)
    onnx_side = make_embedder(backend="onnx-int8", threads=1)
    assert onnx_side.max_tokens == torch_side.max_tokens == 256
    for text in _texts()[:10]:
        assert onnx_side.count_tokens(text) == torch_side.count_tokens(text)


def test_manifest_records_backend_and_other_family_says_how_to_rebuild(
    sample_index: Path,
) -> None:
    manifest = json.loads((sample_index / MANIFEST).read_text())
    assert manifest["embedding_backend"] == "onnx-int8"
    assert NewsQA.open(sample_index).stats()["embedding_backend"] == "onnx-int8"
    with pytest.raises(IndexUnavailable, match=r"onnx-int8.*newsqa build .*--backend torch-fp32"):
        NewsQA.open(sample_index, backend="torch-fp32")


def test_index_built_before_backends_is_asked_through_onnx_fp32(
    sample_index: Path, tmp_path: Path
) -> None:
    old = tmp_path / "index"
    shutil.copytree(sample_index, old)
    manifest = json.loads((old / MANIFEST).read_text())
    del manifest["embedding_backend"], manifest["vector_index"]
    (old / MANIFEST).write_text(json.dumps(manifest))
    qa = NewsQA.open(old)
    assert qa.store.manifest.embedding_backend == "torch-fp32"
    assert qa.embedder.backend == "onnx-fp32"
    assert not qa.ask("Who attended the Victory Day parade in Moscow?").abstained


def test_asking_never_imports_torch(sample_index: Path) -> None:
    script = (
        "import sys\n"
        "from newsqa import ask\n"
        f"answer = ask('Who attended the Victory Day parade in Moscow?', index_dir={str(sample_index)!r})\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules]\n"
        "print(answer.abstained, heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")},
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "False []", done.stderr
