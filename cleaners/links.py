"""The link targets of a page (<a href>), read off the tree the cleaner parsed anyway.

A crawler follows them; taking them here, in the cleaning process, saves the crawl
process a second parse of every page. Targets come absolute, in document order, each
once; hrefs that are no destination at all (fragments, javascript:, mailto:, tel:)
are left out, other schemes (ftp:, file:, data:) are kept for the caller to refuse.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from lxml import etree

_HREFS = etree.XPath("//a/@href", smart_strings=False)
NOT_DESTINATIONS = ("#", "javascript:", "mailto:", "tel:")


def page_links(tree: etree._Element, url: str) -> tuple[str, ...]:
    """Absolute targets of the <a href>s under tree, resolved against url."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    found: dict[str, None] = {}
    for raw in _HREFS(tree):
        href = raw.strip()
        if not href or href.lower().startswith(NOT_DESTINATIONS):
            continue
        if href.startswith(("http://", "https://")):
            absolute = href
        elif href.startswith("/") and not href.startswith("//") and origin != "://":
            absolute = origin + href
        else:
            try:
                absolute = urljoin(url, href)
            except ValueError:  # e.g. an invalid IPv6 literal
                continue
        found[absolute] = None
    return tuple(found)
