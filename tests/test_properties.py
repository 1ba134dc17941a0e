"""Properties over generated articles and questions (hypothesis): chunks cover every word of
the body and stay within the token limit; cited sentences are verbatim at their offsets and
every [n] in an answer resolves to a citation."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hashed_embedder import MODEL_ID, HashedEmbedder
from newsqa.api import NewsQA
from newsqa.articles import Article, make_article
from newsqa.build.chunking import Chunker
from newsqa.config import Settings
from newsqa.embedding import Embedder
from newsqa.text.tokens import count_tokens

WORDS = [
    "The",
    "mayor",
    "said",
    "council",
    "harbour",
    "Dr.",
    "U.S.",
    "budget",
    "rose",
    "3.5%",
    "on",
    "Monday",
    "“quoted”",
    "(aside)",
    "Zürich",
    "東京",
    "https://news.example/a?b=c",
    "—",
    "e.g.",
]
PIECES = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from([". ", "! ", "? ", "... ", "\n", "\n\n", ", ", " "]),
    st.text(alphabet="abcxyz.", min_size=1, max_size=40),
    st.text(alphabet="qwerty", min_size=300, max_size=3_000),  # a word longer than a chunk
)
BODIES = st.lists(PIECES, min_size=1, max_size=80).map(" ".join)


def _article(body: str, title: str = "Council report") -> Article | None:
    try:
        return make_article(title=title, body=body, source="Test Wire")
    except ValueError:  # nothing left after normalisation
        return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODIES, max_tokens=st.sampled_from([40, 200]))
def test_chunks_cover_the_body_within_the_token_limit(body: str, max_tokens: int) -> None:
    article = _article(body)
    if article is None:
        return
    chunks = Chunker(max_tokens=max_tokens, model_tokens=HashedEmbedder().count_tokens).chunk(
        article
    )
    covered = [False] * len(article.body)
    for chunk in chunks:
        assert article.body[chunk.start : chunk.end] == chunk.text
        assert count_tokens(chunk.text) <= max_tokens, (chunk.tokens, chunk.text[:80])
        for i in range(chunk.start, chunk.end):
            covered[i] = True
    missed = [ch for ch, seen in zip(article.body, covered, strict=True) if not seen]
    assert all(ch.isspace() for ch in missed), "".join(missed)[:80]


@settings(max_examples=25, deadline=None)
@given(body=BODIES)
def test_chunks_fit_the_embedding_model(body: str, embedder: Embedder) -> None:
    article = _article(body)
    if article is None:
        return
    chunker = Chunker(model_tokens=embedder.count_tokens, model_limit=embedder.max_tokens)
    for chunk in chunker.chunk(article):
        text = f"{article.title}\n{chunk.text}"
        assert embedder.count_tokens(text) + 2 <= embedder.max_tokens


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    bodies=st.lists(BODIES, min_size=1, max_size=4),
    question=st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join),
)
def test_citations_are_verbatim_and_every_marker_resolves(bodies: list[str], question: str) -> None:
    articles = [a for n, b in enumerate(bodies) if (a := _article(b, f"Report {n}"))]
    if not articles:
        return
    with tempfile.TemporaryDirectory() as folder:
        qa = NewsQA(Settings(index_dir=Path(folder) / "index", model=MODEL_ID), HashedEmbedder())
        qa.add(articles)
        answer = qa.ask(question + "?")
        by_id = {a.article_id: a for a in articles}
        for citation in answer.citations:
            body = by_id[citation.article_id].body
            assert body[citation.start : citation.end] == citation.sentence
        numbers = {c.n for c in answer.citations}
        for marker in re.findall(r"\[(\d+)\]", answer.text):
            assert int(marker) in numbers, (marker, answer.text)
        assert not answer.citations or not answer.abstained
