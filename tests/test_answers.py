"""End to end on the built-in sample: cited extractive answers, abstention, the Python API."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsqa import NewsQA, ask
from newsqa.ingest import load_paths
from newsqa.sample import sample_paths

SAMPLE_BODY = load_paths(sample_paths()).articles[0].body


@pytest.fixture(scope="module")
def qa(sample_index: Path) -> NewsQA:
    return NewsQA.open(sample_index)


def test_parade_question_cites_xi_jinping_sentence(qa: NewsQA) -> None:
    answer = qa.ask("Who attended the Victory Day parade in Moscow?")
    assert not answer.abstained
    assert any("Xi Jinping" in c.sentence for c in answer.citations)
    assert "[1]" in answer.text
    for citation in answer.citations:
        assert citation.title == "Realpolitik 2.0: Uniting for a Post-Western World"
        assert SAMPLE_BODY[citation.start : citation.end] == citation.sentence
        assert f"{citation.sentence} [{citation.n}]" in answer.text


def test_every_answer_sentence_is_verbatim_and_cited(qa: NewsQA) -> None:
    for question in [
        "What did the two leaders pledge in their joint statement?",
        "Which anniversary was celebrated in Moscow?",
        "What attacks were attributed to Ukraine?",
    ]:
        answer = qa.ask(question)
        assert answer.citations, question
        numbers = {c.n for c in answer.citations}
        assert numbers == set(range(1, len(numbers) + 1))
        for citation in answer.citations:
            assert citation.sentence in SAMPLE_BODY


@pytest.mark.parametrize(
    "question",
    [
        "What is the best recipe for banana bread?",
        "hello",
        "Which team won the 1998 football World Cup final?",
    ],
)
def test_unrelated_questions_abstain_and_cite_nothing(qa: NewsQA, question: str) -> None:
    answer = qa.ask(question)
    assert answer.abstained
    assert answer.citations == []
    assert "don't" in answer.text


def test_module_level_ask_and_passages(sample_index: Path) -> None:
    answer = ask("Who attended the Victory Day parade in Moscow?", index_dir=sample_index, k=3)
    assert 1 <= len(answer.passages) <= 3
    assert answer.passages[0].title.startswith("Realpolitik")
    assert answer.citations and answer.citations[0].title.startswith("Realpolitik")


def test_empty_question_is_refused(qa: NewsQA) -> None:
    with pytest.raises(ValueError, match="empty"):
        qa.ask("   ")
