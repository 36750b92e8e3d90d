"""HTML text to an lxml tree, once per page, with bounds on hostile documents."""

from __future__ import annotations

import re

from lxml import etree, html as lxml_html

from .errors import NotHTMLError

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_PARSER = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)


def parse_html(text: str, max_nodes: int = 200_000, max_depth: int = 400) -> lxml_html.HtmlElement:
    """Parse to an <html> element; raise NotHTMLError for empty or non-HTML input.

    Documents over max_nodes elements are cut (the rest dropped) and nesting
    deeper than max_depth is flattened, so later stages stay bounded.
    """
    text = _XML_DECL.sub("", text.replace("\x00", ""), count=1)
    if not text.strip():
        raise NotHTMLError("empty document")
    try:
        tree = lxml_html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise NotHTMLError(f"unparseable document: {exc}") from exc
    if tree is None or not isinstance(tree.tag, str):
        raise NotHTMLError("no HTML element")
    _bound(tree, max_nodes, max_depth)
    return tree


def _bound(tree: lxml_html.HtmlElement, max_nodes: int, max_depth: int) -> None:
    count = 0
    too_deep: list[etree._Element] = []
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > max_nodes:
            parent = node.getparent()
            if parent is not None:
                parent.remove(node)
            continue
        if depth >= max_depth:
            too_deep.append(node)
            continue
        stack.extend((child, depth + 1) for child in reversed(node))
    for node in too_deep:
        # keep the text, drop the structure below the cap
        text = node.text_content() if hasattr(node, "text_content") else ""
        for child in list(node):
            node.remove(child)
        node.text = text
