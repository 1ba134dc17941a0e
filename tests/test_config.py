"""Settings from the environment: every field read as its own type, each stage's section cut
from them, and the composer's tunables reachable like the rest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from newsqa import NewsQA
from newsqa.answering.settings import ComposerSettings
from newsqa.build.settings import BuildSettings
from newsqa.config import Settings
from newsqa.search.settings import RetrievalSettings

PARADE = "Who attended the Victory Day parade in Moscow?"


def test_rerank_weights_from_the_environment_are_numbers_and_questions_are_answered(
    sample_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSQA_RERANK_WEIGHTS", "1, 1,1,1")
    assert Settings.from_env().rerank_weights == (1.0, 1.0, 1.0, 1.0)
    answer = NewsQA.open(sample_index).ask(PARADE)
    assert not answer.abstained
    assert any("Xi Jinping" in c.sentence for c in answer.citations)


@pytest.mark.parametrize(("raw", "says"), [("1,2,3", "needs 4"), ("1,2,three,4", "'three'")])
def test_a_malformed_tuple_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, raw: str, says: str
) -> None:
    monkeypatch.setenv("NEWSQA_RERANK_WEIGHTS", raw)
    with pytest.raises(ValueError, match="NEWSQA_RERANK_WEIGHTS") as error:
        Settings.from_env()
    assert says in str(error.value)


def test_a_malformed_number_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSQA_TOP_K", "ten")
    with pytest.raises(ValueError, match="NEWSQA_TOP_K='ten' is not a valid int"):
        Settings.from_env()


def test_optional_fields_read_none_and_values(
    sample_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSQA_RERANKER", "none")  # no cross-encoder, not one named "none"
    monkeypatch.setenv("NEWSQA_MODEL", "None")
    settings = Settings.from_env()
    assert settings.reranker is None and settings.model is None
    assert not NewsQA.open(sample_index).ask(PARADE).abstained
    monkeypatch.setenv("NEWSQA_ABSTAIN_THRESHOLD", "1")  # no answer is that sure
    assert Settings.from_env().abstain_threshold == 1.0
    assert NewsQA.open(sample_index).ask(PARADE).abstained


def test_paths_and_flags_are_read_as_their_types(monkeypatch: pytest.MonkeyPatch) -> None:
    @dataclass(frozen=True)
    class WithFlag(Settings):
        dry_run: bool = False

    monkeypatch.setenv("NEWSQA_INDEX_DIR", "archive/index")
    monkeypatch.setenv("NEWSQA_DRY_RUN", "yes")
    settings = WithFlag.from_env()
    assert settings.index_dir == Path("archive/index") and settings.dry_run is True
    monkeypatch.setenv("NEWSQA_DRY_RUN", "maybe")
    with pytest.raises(ValueError, match="NEWSQA_DRY_RUN='maybe' is not true or false"):
        WithFlag.from_env()


def test_each_stage_gets_its_section_with_the_settings_defaults() -> None:
    settings = Settings()
    assert RetrievalSettings.from_settings(settings) == RetrievalSettings()
    assert ComposerSettings.from_settings(settings) == ComposerSettings()
    assert BuildSettings.from_settings(settings) == BuildSettings()
    changed = Settings.from_env(top_k=3, sentences_per_article=2, chunk_tokens=120)
    assert RetrievalSettings.from_settings(changed).top_k == 3
    assert ComposerSettings.from_settings(changed).per_article == 2
    assert BuildSettings.from_settings(changed).chunking.chunk_tokens == 120


def test_the_composers_tunables_are_reachable_from_the_environment(
    sample_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSQA_READER", "0")  # the coverage composer's own tunables
    usual = [c.sentence for c in NewsQA.open(sample_index).ask(PARADE).citations]
    assert len(usual) == ComposerSettings().per_article  # the sample is one article
    monkeypatch.setenv("NEWSQA_SENTENCES_PER_ARTICLE", "6")
    more = [c.sentence for c in NewsQA.open(sample_index).ask(PARADE).citations]
    assert len(more) == 6 and more[: len(usual)] == usual
    monkeypatch.setenv("NEWSQA_SENTENCES_PER_ARTICLE", "2")
    monkeypatch.setenv("NEWSQA_ABSTAIN_THRESHOLD", "0")  # two sentences are enough here
    fewer = NewsQA.open(sample_index).ask(PARADE)
    assert [c.sentence for c in fewer.citations] == usual[:2]
    assert any("Xi Jinping" in c.sentence for c in fewer.citations)
