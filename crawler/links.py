"""The link targets (<a href>) of a fetched HTML page, for the spider to follow.

The same parse parsel's response.xpath("//a/@href") does (libxml2's HTML parser on the
page text as UTF-8, huge documents allowed), minus what a Selector adds around it: one
parser made once instead of per page, comments dropped while parsing, no Selector
objects, and no tree cached on the response. About half the crawl process's time per
page that the Selector took (measured on bench/sitegen.py pages).

A regular-expression scan was tried and dropped: matching an HTML parser on real pages
(quoted values holding "<" and ">", raw-text elements, references) made it as slow as
this parse in Python's re.
"""

from __future__ import annotations

import re

from lxml.etree import HTMLParser, XMLSyntaxError, XPath, fromstring

# libxml2 checks an element's attributes for duplicates in O(n^2): a tag with 50,000
# attributes would hold the reactor for half a minute. Very long tags keep their first
# MAX_ATTRIBUTES attributes, as the cleaner's parse does (cleaners/dom.py).
_LONG_TAG = re.compile(r"<([a-zA-Z][^\s<>/]*+)([^<>]{8000,}+)>")
_ATTRIBUTE = re.compile(r"""[^\s=<>"'/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))?""")
MAX_ATTRIBUTES = 200
_PARSER = HTMLParser(recover=True, encoding="utf-8", huge_tree=True, remove_comments=True,
                     remove_pis=True, no_network=True)
_HREFS = XPath("//a/@href", smart_strings=False)


def page_hrefs(text: str) -> list[str]:
    """The href value of every <a> element of the page text, in document order, as written
    (relative or absolute, not stripped), character references decoded."""
    body = _LONG_TAG.sub(_cap, text.replace("\x00", "")).encode("utf-8", "replace")
    if not body.strip():
        return []
    try:
        root = fromstring(body, _PARSER)
    except (XMLSyntaxError, ValueError):
        return []
    return [] if root is None else _HREFS(root)


def _cap(match: re.Match[str]) -> str:
    attributes = _ATTRIBUTE.findall(match.group(2))
    if len(attributes) <= MAX_ATTRIBUTES:
        return match.group(0)
    return f"<{match.group(1)} " + " ".join(attributes[:MAX_ATTRIBUTES]) + ">"
