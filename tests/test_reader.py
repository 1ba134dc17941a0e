"""The trained reader: the shipped weights pick the sentence that answers, `train-reader` rebuilds them."""

from __future__ import annotations

import json
import random
import re
import time
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsqa.answering import reader
from newsqa.answering.reader import ReaderModel, load_model
from newsqa.api import NewsQA
from newsqa.cli import app
from newsqa.config import Settings

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "data" / "reader-questions.json"
CARD = ROOT / "docs" / "reader-model-card.md"


def _leads_holding_the_answer(qa: NewsQA, model: ReaderModel) -> int:
    """How many of the fixture questions about the sample article get a lead that holds
    their answer when `model` reads."""
    qa._reader_model = lambda: model  # type: ignore[method-assign]
    hits = 0
    for q in json.loads(QUESTIONS.read_text(encoding="utf-8")):
        answer = qa.ask(q["query"])
        lead = " ".join(c.sentence for c in answer.lead_citations).lower()
        hits += not answer.abstained and q["answer"].lower() in lead
    return hits


def test_shipped_reader_leads_with_answers_that_random_weights_miss(sample_index: Path) -> None:
    qa = NewsQA(Settings(index_dir=sample_index))
    model = load_model()
    shipped = _leads_holding_the_answer(qa, model)
    rng = random.Random(7)
    shuffled = []
    for _ in range(5):
        lexical = tuple(rng.gauss(0, 1) for _ in model.lexical.weights)
        full = tuple(rng.gauss(0, 1) for _ in model.full.weights)
        noise = replace(
            model,
            lexical=replace(model.lexical, weights=lexical),
            full=replace(model.full, weights=full),
        )
        shuffled.append(_leads_holding_the_answer(qa, noise))
    assert shipped >= 4
    assert max(shuffled) < shipped


def test_weights_match_the_model_card() -> None:
    card = CARD.read_text(encoding="utf-8")
    recorded = re.search(r"sha256 `([0-9a-f]{64})`", card)
    assert recorded, "docs/reader-model-card.md names the weights' sha256"
    assert recorded.group(1) == reader.weights_sha256()


def test_train_reader_on_a_fixture_within_a_minute(sample_index: Path, tmp_path: Path) -> None:
    output = tmp_path / "weights.json"
    started = time.perf_counter()
    result = CliRunner().invoke(
        app,
        [
            "train-reader",
            str(QUESTIONS),
            "--index",
            str(sample_index),
            "--corpus",
            str(ROOT / "src" / "newsqa" / "sample"),
            "--cloze",
            "20",
            "--output",
            str(output),
        ],
    )
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 60
    model = ReaderModel.from_json(json.loads(output.read_text(encoding="utf-8")))
    assert len(model.full.weights) == len(reader.FULL)
    assert '"examples"' in result.output


def test_missing_weights_name_the_command_that_rebuilds_them(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="newsqa train-reader"):
        load_model(tmp_path / "absent.json")
