"""The fixture archive of the browser tests: three outlets, one article with hostile markup,
and two articles to upload from the page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HOSTILE_TITLE = (
    "Ferry vote <script>window.__pwned = 'title script'</script>"
    "<img src=x onerror=\"window.__pwned = 'title img'\">"
)
HOSTILE_BODY = (
    "The harbour council voted to expand the ferry terminal on Thursday. "
    "<script>window.__pwned = 'body script'</script> "
    "The ferry terminal expansion will add two new berths <img src=x onerror=\"window.__pwned = 'body img'\"> "
    "for the island routes."
)

ARTICLES = [
    {
        "title": "Riverside bridge reopens after repairs",
        "source": "Harbor Times",
        "published_at": "2024-03-04",
        "url": "https://harbor.example/riverside-bridge",
        "body": (
            "The Riverside bridge reopened on Monday after eight months of repairs.\n\n"
            "Mayor Elena Ruiz cut the ribbon at the ceremony. The repairs cost 12 million "
            "dollars, the city said. Traffic was light during the first hours."
        ),
    },
    {
        "title": "Crowds cross the Riverside bridge on its first day back",
        "source": "Valley Courier",
        "published_at": "2024-03-05",
        "url": "https://courier.example/bridge-crowds",
        "body": (
            "Hundreds of residents walked across the Riverside bridge on its first day back "
            "in service. Engineer Tom Becker said the new steel cables of the Riverside bridge "
            "will last fifty years. Local cafes reported brisk business. The Riverside bridge "
            "carries about nine thousand cars a day, the council said."
        ),
    },
    {
        "title": "Council approves budget for the new central library",
        "source": "Metro Wire",
        "published_at": "2024-02-10",
        "url": "https://metro.example/library-budget",
        "body": (
            "The city council approved a budget of 3 million dollars for the new central "
            "library on Tuesday. Construction of the library will begin in June. The library "
            "will hold a children's reading room."
        ),
    },
    {
        "title": HOSTILE_TITLE,
        "source": "<i>Pirate</i> Post",
        "published_at": "2024-01-15",
        "url": "javascript:window.__pwned='link'",
        "body": HOSTILE_BODY,
    },
]

UPLOADED = [
    {
        "title": "City zoo names its twin panda cubs",
        "source": "Harbor Times",
        "published_at": "2024-04-02",
        "url": "https://harbor.example/zoo-pandas",
        "body": "The city zoo named its twin panda cubs Mei and Lan on Tuesday. Keepers said "
        "the cubs weigh four kilograms each.",
    },
    {
        "title": "Marathon route moves to the waterfront",
        "source": "Valley Courier",
        "published_at": "2024-04-03",
        "url": "https://courier.example/marathon-route",
        "body": "This year's marathon route will follow the waterfront promenade. Organisers "
        "expect twelve thousand runners.",
    },
]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
