"""Article normalisation: dates, URLs, ids, text."""

from __future__ import annotations

import pytest

from newsqa.articles import (
    article_id_for,
    canonical_url,
    make_article,
    normalise_date,
    normalise_outlet,
    normalise_text,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-11-27T08:45:59+00:00", "2023-11-27T08:45:59+00:00"),
        ("2023-11-27T10:45:59+02:00", "2023-11-27T08:45:59+00:00"),
        ("Mon, 27 Nov 2023 08:45:59 GMT", "2023-11-27T08:45:59+00:00"),
        ("November 27, 2023", "2023-11-27T00:00:00+00:00"),
        ("2023-11-27", "2023-11-27T00:00:00+00:00"),
        (1701074759, "2023-11-27T08:45:59+00:00"),
        (1701074759000, "2023-11-27T08:45:59+00:00"),
        ("1701074759", "2023-11-27T08:45:59+00:00"),
        ("27 Nov 2023 03:45:59 EST", "2023-11-27T08:45:59+00:00"),
        ("Nov 27, 2023 12:45 AM PST", "2023-11-27T08:45:00+00:00"),
        ("2023-11-27 08:45:59Z", "2023-11-27T08:45:59+00:00"),
        ("20231127T084559Z", "2023-11-27T08:45:59+00:00"),
        ("Monday, 27 November 2023 09:45 CET", "2023-11-27T08:45:00+00:00"),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_become_iso_utc(raw: object, expected: str | None) -> None:
    assert normalise_date(raw) == expected


def test_outlet_falls_back_to_the_site_name() -> None:
    assert normalise_outlet("  The  Daily\nPlanet ") == "The Daily Planet"
    assert normalise_outlet("", "https://www.planet.example/news/1") == "planet.example"
    assert make_article(title="T", body="B.", url="https://www.bbc.co.uk/x").source == "bbc.co.uk"


def test_canonical_url_drops_tracking_and_fragments() -> None:
    url = "HTTPS://Example.com/News/story/?utm_source=x&id=3#comments"
    assert canonical_url(url) == "https://example.com/News/story?id=3"


def test_article_id_is_stable_and_url_based() -> None:
    a = article_id_for("https://example.com/a?utm_medium=rss", "T", "one")
    b = article_id_for("https://example.com/a", "Other title", "other body")
    assert a == b
    assert article_id_for(None, "T", "one") != article_id_for(None, "T", "two")


def test_text_normalisation_keeps_paragraphs() -> None:
    assert normalise_text("A\u00a0 b\r\n\r\n\r\nC\x07") == "A b\n\nC"


def test_article_without_body_is_refused() -> None:
    with pytest.raises(ValueError, match="no body"):
        make_article(title="Headline", body="   ")
