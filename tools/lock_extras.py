"""Pins each locked package that is wanted with extras also without them (same hashes).

pip-compile writes `lxml[html_clean]==6.1.3` once; in hash-checking mode pip then refuses a
dependency that asks for plain `lxml>=...` as unpinned (and with `--strip-extras`, one that
asks for `lxml[html_clean]`): pip issue 9644. With both entries every form is pinned.

    python tools/lock_extras.py requirements.lock [more.lock ...]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_WITH_EXTRAS = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\[[^\]]+\](==\S+)")


def _entries(lines: list[str]) -> list[list[str]]:
    """The lock's lines in entries: a requirement line and its indented lines (hashes,
    `# via`); comments and blank lines before the first one are an entry of their own."""
    entries: list[list[str]] = [[]]
    for line in lines:
        if line[:1].isalnum():
            entries.append([])
        entries[-1].append(line)
    return entries


def pin_plain(text: str) -> str:
    """`text` with a plain `name==version` entry before each `name[extras]==version` one."""
    entries = _entries(text.splitlines(keepends=True))
    plain = {e[0].split(" ")[0] for e in entries if e and not _WITH_EXTRAS.match(e[0])}
    out: list[str] = []
    for entry in entries:
        found = _WITH_EXTRAS.match(entry[0]) if entry else None
        if found and found[1] + found[2] not in plain:
            pin = [line for line in entry if not line.lstrip().startswith("#")]
            pin[0] = _WITH_EXTRAS.sub(r"\1\2", pin[0])
            pin[-1] = pin[-1].rstrip().removesuffix("\\").rstrip() + "\n"
            out += [*pin, f"    # via {entry[0].split(' ')[0]} (the same pin without extras)\n"]
        out += entry
    return "".join(out)


def main(paths: list[str]) -> None:
    for name in paths:
        path = Path(name)
        path.write_text(pin_plain(path.read_text("utf-8")), "utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
