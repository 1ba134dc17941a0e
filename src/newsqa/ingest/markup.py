"""HTML fragments (feed entries, summaries) to plain text; scripts and styles never survive."""

from __future__ import annotations

import lxml.html
from lxml import etree

_DROPPED = ("script", "style", "noscript", "iframe", "object", "embed", "template", "svg", "form")
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre"}


def fragment_text(fragment: str) -> str:
    """Visible text of an HTML fragment, one line per block element."""
    if "<" not in fragment and "&" not in fragment:
        return fragment
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    etree.strip_elements(root, *_DROPPED, with_tail=False)
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    return "".join(root.itertext())
