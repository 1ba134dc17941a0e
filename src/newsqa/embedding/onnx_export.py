"""ONNX export of a sentence-transformers model, made once per model and cached on disk.

The graph is the transformer plus mean pooling and L2 normalisation, so ONNX Runtime
returns finished vectors. int8 is ONNX Runtime's dynamic quantisation of the MatMul
weights, per channel (per-tensor quantisation drops the cosine to fp32 to ~0.95). The
export needs torch once; afterwards only onnxruntime and tokenizers are loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from newsqa.embedding.models import (
    max_seq_length,
    offline_environment,
    resolve_model_path,
    uses_mean_pooling,
)

RECIPE = 2  # bump when the exported graph changes: old cache entries are then ignored
MODEL_FILE = {"fp32": "model-fp32.onnx", "int8": "model-int8.onnx"}
TOKENIZER = "tokenizer.json"
LIMITS = "limits.json"


def cache_root() -> Path:
    """`NEWSQA_CACHE_DIR`, else `$XDG_CACHE_HOME/newsqa`, else `~/.cache/newsqa`."""
    explicit = os.environ.get("NEWSQA_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsqa"


def exported_model(model: str, precision: str) -> Path:
    """The folder holding `MODEL_FILE[precision]`, the tokenizer and limits; exports on first use."""
    source = resolve_model_path(model)
    folder = cache_root() / "onnx" / _cache_key(model, source)
    if not (folder / MODEL_FILE[precision]).exists():
        _export_into(folder, model, source, precision)
    return folder


def _cache_key(model: str, source: str) -> str:
    """Model name plus a digest of its local files' names, sizes and times (a changed model
    gets a new export)."""
    digest = hashlib.sha256(f"{RECIPE}\n{model}\n{source}".encode())
    path = Path(source)
    if path.is_dir():
        for item in sorted(path.rglob("*")):
            if item.is_file():
                info = item.stat()
                digest.update(
                    f"{item.relative_to(path)}:{info.st_size}:{info.st_mtime_ns}".encode()
                )
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in model)[-60:]
    return f"{name}-{digest.hexdigest()[:12]}"


def _export_into(folder: Path, model: str, source: str, precision: str) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=folder.parent))
    try:
        if (folder / MODEL_FILE["fp32"]).exists():
            for name in (MODEL_FILE["fp32"], TOKENIZER, LIMITS):
                shutil.copy2(folder / name, work / name)
        else:
            _export_fp32(model, source, work)
        if precision == "int8":
            _quantise(work / MODEL_FILE["fp32"], work / MODEL_FILE["int8"])
        for item in work.iterdir():  # each file lands whole: readers never see a partial one
            folder.mkdir(exist_ok=True)
            os.replace(item, folder / item.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _export_fp32(model: str, source: str, work: Path) -> None:
    offline_environment(model)
    import torch
    from transformers import AutoModel, AutoTokenizer

    local = Path(source)
    if local.is_dir() and not uses_mean_pooling(local):
        raise RuntimeError(
            f"model {model!r} does not pool by the mean of its tokens; the ONNX backends "
            "support mean pooling only: use `--backend torch-fp32`"
        )
    try:
        network = AutoModel.from_pretrained(source).eval()
        tokenizer = AutoTokenizer.from_pretrained(source)
    except OSError as exc:
        raise RuntimeError(
            f"cannot load embedding model {model!r} for ONNX export: {exc}. Give a local path "
            "or a model already in the Hugging Face cache (this machine may be offline)."
        ) from exc
    limit = max_seq_length(local) if local.is_dir() else int(tokenizer.model_max_length)
    limit = min(limit, int(network.config.max_position_embeddings))
    tokenizer.backend_tokenizer.save(str(work / TOKENIZER))
    (work / LIMITS).write_text(
        json.dumps({"max_seq_length": limit, "dimension": int(network.config.hidden_size)}),
        encoding="utf-8",
    )
    names = ["input_ids", "attention_mask", "token_type_ids"]
    example = torch.ones((2, 8), dtype=torch.long)
    mask = example.clone()
    mask[1, 5:] = 0  # a padded row, so the traced graph keeps the attention mask
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on shapes it keeps symbolic
        torch.onnx.export(
            _mean_pooled(network),
            (example, mask, torch.zeros_like(example)),
            str(work / MODEL_FILE["fp32"]),
            dynamo=False,
            input_names=names,
            output_names=["sentence_embedding"],
            dynamic_axes={
                **{n: {0: "batch", 1: "tokens"} for n in names},
                "sentence_embedding": {0: "batch"},
            },
            opset_version=17,
        )


def _quantise(source: Path, target: Path) -> None:
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))
    quantize_dynamic(
        source,
        target,
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul"],
    )


def _mean_pooled_class() -> type:
    import torch

    class MeanPooled(torch.nn.Module):
        """Transformer → mean over attended tokens → unit length."""

        def __init__(self, network: torch.nn.Module) -> None:
            super().__init__()
            self.network = network

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            hidden = self.network(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    return MeanPooled


def _mean_pooled(network: object) -> object:
    return _mean_pooled_class()(network)
