"""Chunking: whole sentences, token budget, overlap, exact offsets."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from newsqa.articles import make_article
from newsqa.build.chunking import Chunker
from newsqa.text.sentences import split_sentences
from newsqa.text.tokens import count_tokens


def test_sentence_split_respects_abbreviations_and_offsets() -> None:
    text = (
        'Dr. Smith met Mr. Jones in the U.S. capital. "It went well," he said. Talks resume Monday!'
    )
    spans = split_sentences(text)
    assert [s.text for s in spans] == [
        "Dr. Smith met Mr. Jones in the U.S. capital.",
        '"It went well," he said.',
        "Talks resume Monday!",
    ]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_chunks_are_whole_sentences_under_budget_with_overlap() -> None:
    body = " ".join(
        f"Sentence number {i} reports that the council voted on item {i}." for i in range(60)
    )
    article = make_article(title="Council votes", body=body)
    chunks = Chunker(max_tokens=60, overlap=1).chunk(article)
    sentences = {s.text for s in split_sentences(body)}
    assert len(chunks) > 5
    for chunk in chunks:
        assert chunk.tokens == count_tokens(chunk.text) <= 60
        assert article.body[chunk.start : chunk.end] == chunk.text
        assert all(s.text in sentences for s in split_sentences(chunk.text))
    for left, right in itertools.pairwise(chunks):
        assert split_sentences(left.text)[-1].text == split_sentences(right.text)[0].text


def test_model_limit_is_respected(embedder) -> None:  # type: ignore[no-untyped-def]
    body = " ".join(["Photosynthesis converts sunlight into chemical energy in chloroplasts."] * 80)
    article = make_article(title="A long title " * 10, body=body)
    chunker = Chunker(
        max_tokens=400,
        overlap=1,
        model_tokens=embedder.count_tokens,
        model_limit=embedder.max_tokens,
    )
    for chunk in chunker.chunk(article):
        assert (
            embedder.count_tokens(article.title) + embedder.count_tokens(chunk.text)
            <= embedder.max_tokens
        )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=120),
        min_size=1,
        max_size=30,
    )
)
def test_offsets_always_point_at_the_chunk_text(paragraphs: list[str]) -> None:
    body = "\n".join(paragraphs)
    try:
        article = make_article(title="t", body=body)
    except ValueError:
        return
    for chunk in Chunker(max_tokens=40, overlap=1).chunk(article):
        assert article.body[chunk.start : chunk.end] == chunk.text
        assert chunk.text.strip()
