"""Main text extraction: trafilatura on the pre-cleaned tree, as blocks of text."""

from __future__ import annotations

import trafilatura
from lxml import html as lxml_html


def extract_blocks(tree: lxml_html.HtmlElement, url: str) -> list[str]:
    """The body as a list of text blocks (paragraphs, headings, list items)."""
    text = trafilatura.extract(
        tree, url=url or None, include_comments=False, include_tables=True,
        with_metadata=False, deduplicate=False,
    )
    if not text:
        return []
    return [line.strip() for line in text.split("\n") if line.strip()]
