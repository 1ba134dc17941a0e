"""Follow-ups that stay in the story: two-turn conversations asked of an index.

    python -m benchmarks.followups tests/data/followups.json --index /path/to/multihop-index

prints the share of follow-ups answered from the expected articles (one of the first three
sources), with and without the first turn as history, and each miss.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from newsqa.api import NewsQA
from newsqa.evaluation import evaluate_followups, load_conversations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("conversations", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--json", action="store_true", help="print every row as JSON")
    args = parser.parse_args()
    report = evaluate_followups(load_conversations(args.conversations), NewsQA.open(args.index).ask)
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return
    for row in report["rows"]:
        if not row["story"]:
            cited = row["cited"][0] if row["cited"] else "(abstained)"
            print(f"miss: {row['followup']}  →  {cited}")
    summary = {k: v for k, v in report.items() if k != "rows"}
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
