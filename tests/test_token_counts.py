"""Counting by kept word and segment counts gives exactly what the tokenizers give."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsqa.embedding import resolve_model_path
from newsqa.embedding.wordpieces import WordPieceCounts
from newsqa.text.sentences import split_sentences
from newsqa.text.tokens import TokenSpans, cl100k, count_tokens, forget_counts

# characters where the tokenizers' own rules differ: spaces of every kind, line breaks,
# control characters, combining accents, quotes, CJK, emoji and special-token text
ALPHABET = [
    *"ab Z9.,'’\"\n\r\t-—…!?()[]#",
    "\u00a0",
    "\u2009",
    "\u3000",
    "\x1c",
    "\x0b",
    "\x00",
    "\x85",
    "é",
    "e\u0301",
    "字",
    "🙂",
    "’s",
    "'ll",
    "[SEP]",
    "[mask]",
    "<|endoftext|>",
    "  ",
    " \n",
    "4567",
    " word",
    " Word.",
    "x" * 120,
]
texts = st.lists(st.sampled_from(ALPHABET), max_size=60).map("".join)


def _story(seed: int) -> str:
    rng = random.Random(seed)
    words = ["The", "court", "said", "U.S.", "rates", "rose", "3.5%", "“quoted”", "Mr.", "Smith"]
    sentences = [" ".join(rng.choices(words, k=rng.randint(3, 25))) + "." for _ in range(40)]
    return "".join(s + rng.choice([" ", "  ", "\n", " \n ", "\n\n"]) for s in sentences)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_cl100k_count_is_tiktokens(text: str) -> None:
    assert count_tokens(text) == len(cl100k().encode_ordinary(text))


@settings(max_examples=100, deadline=None)
@given(st.lists(texts, min_size=8, max_size=40).map(" ".join))
def test_new_segments_counted_together_count_as_alone(text: str) -> None:
    forget_counts()  # every segment new: they are encoded joined, in one call
    assert count_tokens(text) == len(cl100k().encode_ordinary(text))


@pytest.mark.parametrize("seed", range(5))
def test_any_sentence_or_window_of_a_body_counts_as_its_text(seed: int) -> None:
    body = _story(seed)
    forget_counts()
    spans = TokenSpans.of(body)
    sentences = split_sentences(body)
    counted = spans.count_many([(s.start, s.end) for s in sentences])
    assert counted == [len(cl100k().encode_ordinary(s.text)) for s in sentences]
    for i, first in enumerate(sentences):
        for last in sentences[i : i + 6]:
            text = body[first.start : last.end]
            assert spans.count(first.start, last.end) == len(cl100k().encode_ordinary(text))


@pytest.fixture(scope="module")
def bert_tokenizer():  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(resolve_model_path("default")) / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


@pytest.mark.model  # the bundled model's tokenizer
@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=8))
def test_word_piece_counts_are_the_tokenizers(bert_tokenizer, batch: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert WordPieceCounts.fits(bert_tokenizer)
    expected = [len(bert_tokenizer.encode(t, add_special_tokens=False).ids) for t in batch]
    assert WordPieceCounts(bert_tokenizer).counts(batch) == expected


@pytest.mark.model  # the bundled model's tokenizer
@pytest.mark.parametrize("seed", range(3))
def test_word_pieces_of_spans_of_a_body_count_as_their_text(bert_tokenizer, seed: int) -> None:  # type: ignore[no-untyped-def]
    body = _story(seed) + " [SEP] mid-word"  # a special token's text: no span counter
    counter = WordPieceCounts(bert_tokenizer)
    assert counter.spans(body) is None
    body = _story(seed)
    spans = counter.spans(body)
    assert spans is not None
    sentences = split_sentences(body)
    pairs = [(s.start, s.end) for s in sentences] + [(s.start + 1, s.end - 2) for s in sentences]
    expected = [
        len(bert_tokenizer.encode(body[a:b], add_special_tokens=False).ids) for a, b in pairs
    ]
    assert spans.count_many(pairs) == expected
