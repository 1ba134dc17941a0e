"""Every input format in one mixed folder: each good article indexed with its metadata."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from newsqa.build.settings import BuildSettings
from newsqa.build.updates import build_from_paths
from newsqa.embedding import Embedder
from newsqa.index.reader import IndexReader
from newsqa.ingest import IngestLimits, load_paths

# title → (source, published_at, url) that every good article must come out with
EXPECTED = {
    "Ferry service resumes": (
        "Island Gazette",
        "2024-03-04T09:15:00+00:00",
        "https://gazette.example/ferry",
    ),
    "Library extends hours": (
        "Town Crier",
        "2024-02-10T00:00:00+00:00",
        "https://crier.example/library",
    ),
    "Bakery wins award": (
        "Food Weekly",
        "2024-01-21T17:30:00+00:00",
        "https://food.example/bakery",
    ),
    "Tram line approved": ("Metro News", "2024-05-06T10:00:00+00:00", "https://metro.example/tram"),
    "Solar farm opens": (
        "Energy Desk",
        "2024-05-07T06:00:00+00:00",
        "https://energy.example/solar",
    ),
    "Museum returns artefacts": (
        "Culture Post",
        "2024-04-02T14:00:00+00:00",
        "https://culture.example/museum",
    ),
    "River cleanup draws volunteers": (
        "Harbour Times",
        "2024-05-02T06:30:00+00:00",
        "https://ht.example/river",
    ),
    "Council adopts budget": (
        "City Wire",
        "2024-05-06T15:00:00+00:00",
        "https://citywire.example/budget",
    ),
    "Storm closes schools": (
        "City Wire",
        "2024-05-05T07:00:00+00:00",
        "https://citywire.example/storm",
    ),
    "Marathon route changes": (
        "Sports Atom",
        "2024-04-30T18:00:00+00:00",
        "https://sports.example/marathon",
    ),
    "Zipped bridge story": (
        "Bridge Weekly",
        "2024-06-01T00:00:00+00:00",
        "https://bridge.example/z",
    ),
}
BROKEN = {
    "empty.txt": "empty",
    "binary.html": "binary",
    "broken.json": "malformed JSON",
    "nocolumn.csv": "no text column",
    "nomain.html": "no main article text",
    "noentries.rss": "no entries",
    "latin1.txt": "UTF-8",
    "broken.txt.gz": "gzip",
    "oversize.txt": "limit",
}


def _html_page(title: str, site: str, published: str, url: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title} | {site}</title>"
        f"<meta property='og:title' content='{title}'>"
        f"<meta property='og:site_name' content='{site}'>"
        f"<meta property='article:published_time' content='{published}'>"
        f"<meta name='author' content='Ana Lima'>"
        f"<link rel='canonical' href='{url}?utm_source=share'>"
        "<script>window.tracker = 'SCRIPT-PAYLOAD';</script></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{body}"
        "<script>document.write('INJECTED-PAYLOAD')</script>"
        "<img src=x onerror=\"alert('XSS')\"></article>"
        "<footer>Copyright 2024 All rights reserved</footer></body></html>"
    )


def write_mixed_folder(root: Path) -> Path:
    """A news archive in every supported format, plus broken files, in nested folders."""
    (root / "feeds").mkdir(parents=True)
    (root / "pages" / "saved").mkdir(parents=True)
    (root / "exports").mkdir()
    (root / "ferry.txt").write_text(
        "Title: Ferry service resumes\nSource: Island Gazette\nDate: 4 March 2024 09:15 GMT\n"
        "URL: https://gazette.example/ferry\n\n"
        "The island ferry resumed service on Monday after a six-week engine refit. "
        "Captain Rhys Morgan said bookings were already full for Easter.\n"
    )
    (root / "exports" / "library.json").write_text(
        json.dumps(
            {
                "articles": [
                    {
                        "headline": "Library extends hours",
                        "content": "The central library will open until nine in the evening. "
                        "Librarian Grace Obi said students had asked for longer hours.",
                        "publisher": "Town Crier",
                        "date": "2024-02-10",
                        "link": "https://crier.example/library",
                    }
                ]
            }
        )
    )
    (root / "exports" / "bakery.jsonl").write_text(
        json.dumps(
            {
                "title": "Bakery wins award",
                "text": "A family bakery on Mill Street won the regional bread award. "
                "Owner Tomas Berg thanked his grandmother for the sourdough recipe.",
                "source": "Food Weekly",
                "publishedAt": 1705858200,
                "url": "https://food.example/bakery",
            }
        )
        + "\n"
    )
    (root / "exports" / "metro.csv").write_text(
        "Title,Text,Date,Source,URL\n"
        '"Tram line approved","The city approved a new tram line to the airport, due in 2027. '
        'Mayor Ines Duarte called it the largest transit project in decades.",'
        '"Mon, 06 May 2024 12:00:00 +0200",Metro News,https://metro.example/tram\n'
    )
    (root / "exports" / "energy.tsv").write_text(
        "headline\tbody\tpublished_at\toutlet\tlink\n"
        "Solar farm opens\tThe largest solar farm in the region opened on Tuesday. "
        "It will power forty thousand homes, the operator said.\t2024-05-07T08:00:00+02:00"
        "\tEnergy Desk\thttps://energy.example/solar\n"
    )
    (root / "pages" / "museum.html").write_text(
        _html_page(
            "Museum returns artefacts",
            "Culture Post",
            "2024-04-02T16:00:00+02:00",
            "https://culture.example/museum",
            [
                "The national museum returned twelve bronze artefacts to their country of origin.",
                "Curator Helen Park said the handover ended a decade of negotiations.",
            ],
        )
    )
    (root / "pages" / "saved" / "river.htm").write_text(
        _html_page(
            "River cleanup draws volunteers",
            "Harbour Times",
            "2024-05-02T08:30:00+02:00",
            "https://ht.example/river",
            [
                "More than three hundred volunteers pulled rubbish from the river on Saturday.",
                "Organiser Femi Adeyemi said they collected two tonnes of plastic.",
            ],
        )
    )
    (root / "feeds" / "citywire.rss").write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>City Wire</title><link>https://citywire.example</link>
<item><title>Council adopts budget</title><link>https://citywire.example/budget</link>
<pubDate>Mon, 06 May 2024 15:00:00 GMT</pubDate>
<description><![CDATA[<p>The city council adopted a budget of 2.1 billion euros.</p>
<p>Councillor Sam Reyes said libraries get more money.</p><script>alert('feed')</script>]]></description>
</item>
<item><title>Storm closes schools</title><link>https://citywire.example/storm</link>
<pubDate>Sun, 05 May 2024 09:00:00 +0200</pubDate>
<description>Heavy storms closed forty schools on Monday. Officials expect them to reopen Wednesday.</description>
</item></channel></rss>"""
    )
    (root / "feeds" / "sports.xml").write_text(
        """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Sports Atom</title>
<entry><title>Marathon route changes</title><link href="https://sports.example/marathon"/>
<id>tag:sports.example,2024:marathon</id><updated>2024-04-30T20:00:00+02:00</updated>
<content type="html">&lt;p&gt;The city marathon will avoid the old bridge this year.&lt;/p&gt;&lt;p&gt;Race director Lena Vogt said the new route is flatter.&lt;/p&gt;</content>
</entry></feed>"""
    )
    with gzip.open(root / "exports" / "bridge.txt.gz", "wt") as handle:
        handle.write(
            "Title: Zipped bridge story\nSource: Bridge Weekly\nDate: 2024-06-01\n"
            "URL: https://bridge.example/z\n\nThe old stone bridge was listed as a monument. "
            "Historian Omar Said called it the oldest crossing in the county.\n"
        )
    # broken files
    (root / "empty.txt").write_text("  \n\n")
    (root / "pages" / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00")
    (root / "exports" / "broken.json").write_text('[{"title": "cut off", "body": "never clo')
    (root / "exports" / "nocolumn.csv").write_text("name,votes\nalice,3\nbob,4\n")
    (root / "pages" / "nomain.html").write_text(
        "<html><head><title>Empty</title></head><body><script>var x = 1;</script></body></html>"
    )
    (root / "feeds" / "noentries.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    )
    (root / "latin1.txt").write_bytes("Café opens\nIt serves crêpes.".encode("latin-1"))
    (root / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00garbage-not-gzip")
    return root


def test_every_format_is_read_with_metadata(tmp_path: Path) -> None:
    folder = write_mixed_folder(tmp_path / "archive")
    (folder / "oversize.txt").write_text("Big\n" + "word " * 5000)
    report = load_paths([folder], limits=IngestLimits(file_bytes=10_000))
    got = {a.title: (a.source, a.published_at, a.url) for a in report.articles}
    assert got == EXPECTED
    reasons = {Path(r.path).name: r.reason for r in report.rejected}
    assert set(reasons) == set(BROKEN), reasons
    for name, words in BROKEN.items():
        assert words in reasons[name], (name, reasons[name])
    for article in report.articles:
        for payload in ("PAYLOAD", "alert", "Home | World", "Copyright"):
            assert payload not in article.body, (article.title, article.body)


def test_mixed_folder_is_indexed(tmp_path: Path, embedder: Embedder) -> None:
    folder = write_mixed_folder(tmp_path / "archive")
    settings = BuildSettings(index_dir=tmp_path / "index")
    report = build_from_paths([folder], settings, embedder)
    assert (report.added, report.articles) == (len(EXPECTED), len(EXPECTED))
    assert {Path(r.path).name for r in report.rejected} == set(BROKEN) - {"oversize.txt"}
    store = IndexReader.open(settings.index_dir)
    rows = store.db.execute("SELECT title, source, published_at, url FROM articles").fetchall()
    assert {r[0]: tuple(r[1:]) for r in rows} == EXPECTED
    html = store.db.execute("SELECT author FROM articles WHERE title LIKE 'Museum%'").fetchone()
    assert html == ("Ana Lima",)
