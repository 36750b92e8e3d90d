"""Discovery documents: tell feeds, sitemaps and HTML apart, and read URLs out of them.

Pure functions over response bytes (no Scrapy objects), so they are easy to test:
RSS 2.0 / RDF / Atom feeds, sitemap indexes, urlsets (incl. Google News
sitemaps), gzip-compressed files, robots.txt Sitemap: lines, <link rel=alternate>.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from lxml import etree

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
              "application/feed+json", "application/xml", "text/xml")
_XML_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                              remove_comments=True, remove_pis=True, huge_tree=False)
_ROOT_TAG = re.compile(rb"<(?!\?|!)\s*([a-zA-Z][\w:.-]*)")
_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
_LOCAL = "local-name()"


@dataclass(frozen=True)
class Entry:
    """One URL found in a feed or sitemap, with what the document says of it."""

    url: str
    lastmod: str | None = None
    title: str | None = None


class TooLarge(ValueError):
    """A document (or what its gzip inflates to) past the size cap."""


class _Inflating:
    """A gzip body read as a file, inflated as it is read; a truncated archive ends where
    its last whole block does."""

    def __init__(self, body: bytes) -> None:
        self._stream = gzip.GzipFile(fileobj=io.BytesIO(body))

    def read(self, size: int = -1) -> bytes:
        try:
            return self._stream.read(size)
        except (OSError, EOFError, zlib.error):
            return b""


def _inflated_size(body: bytes, max_size: int) -> int:
    """Bytes a gzip body inflates to, counted without keeping them; TooLarge past max_size."""
    stream, size = _Inflating(body), 0
    while chunk := stream.read(65536):
        size += len(chunk)
        if max_size and size > max_size:
            raise TooLarge(f"inflates past {max_size} bytes")
    return size


def maybe_gunzip(body: bytes, max_size: int) -> bytes:
    """Inflate gzip bodies (a .xml.gz served as a file), refusing bombs past max_size."""
    if body[:2] != b"\x1f\x8b":
        return body
    _inflated_size(body, max_size)
    return _Inflating(body).read()


def read_sitemap(body: bytes, base_url: str, max_size: int) -> tuple[str, Iterator[Entry]]:
    """('index'|'urlset', its entries as they are read) of a sitemap, gzipped or not;
    ('other', none) for a document that is no sitemap; TooLarge when it is, or inflates
    to, more than max_size bytes (0: no cap).

    Nothing is held whole beyond the body: a gzip is inflated twice, once to measure it
    (a bomb is refused before any of it is read) and once as the parser reads it."""
    if body[:2] == b"\x1f\x8b":
        _inflated_size(body, max_size)
        head: bytes = _Inflating(body).read(2048)
        source: Any = _Inflating(body)
    else:
        if max_size and len(body) > max_size:
            raise TooLarge(f"{len(body)} bytes, past {max_size}")
        head, source = body[:2048], io.BytesIO(body)
    if document_kind(head) != "sitemap":
        return "other", iter(())
    return sitemap_entries(source, base_url)


def document_kind(body: bytes, content_type: str = "") -> str:
    """'sitemap', 'feed', 'html' or 'other', from the root element (content type as hint)."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    ctype = content_type.lower()
    for match in _ROOT_TAG.finditer(head):
        tag = match.group(1).lower().split(b":")[-1]
        if tag in (b"urlset", b"sitemapindex"):
            return "sitemap"
        if tag in (b"rss", b"feed", b"rdf"):
            return "feed"
        if tag in (b"html", b"head", b"body", b"title", b"meta", b"div", b"p"):
            return "html"
        if tag == b"doctype":
            continue
        break
    if "html" in ctype:
        return "html"
    if head.lower().startswith(b"<!doctype html"):
        return "html"
    return "other"


def _parse_xml(body: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(body, parser=_XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


def _text(node: etree._Element, name: str) -> str | None:
    found = node.xpath(f"*[{_LOCAL}='{name}']")
    return (found[0].text or "").strip() or None if found else None


def sitemap_entries(body: bytes | Any, base_url: str) -> tuple[str, Iterator[Entry]]:
    """('index'|'urlset', its entries as they are read) of a sitemap's XML (bytes, or a file
    object with read()). News sitemap publication dates count as lastmod.

    Read as a stream (a 50,000-URL sitemap is tens of MB as a tree, and its entries
    another ten as a list): each <url> or <sitemap> element is read when it ends and
    dropped, and its entry handed on."""
    source = io.BytesIO(body) if isinstance(body, bytes) else body
    events = etree.iterparse(source, events=("start", "end"), recover=True,
                             resolve_entities=False, no_network=True, remove_comments=True,
                             remove_pis=True, huge_tree=False)
    try:
        _, root = next(events)
    except (StopIteration, etree.XMLSyntaxError, ValueError):
        return "urlset", iter(())
    kind = "index" if _local(root).lower() == "sitemapindex" else "urlset"
    return kind, _stream_entries(events, base_url)


def _stream_entries(events: Iterator[tuple[str, Any]], base_url: str) -> Iterator[Entry]:
    depth = 1  # the root element has started
    try:
        for event, node in events:
            if event == "start":
                depth += 1
                continue
            depth -= 1
            if depth != 1 or _local(node) not in ("url", "sitemap"):
                continue
            entry = _entry(node, base_url)
            node.clear()
            parent = node.getparent()
            if parent is not None:  # drop the element and the ones read before it
                del parent[:]
            if entry is not None:
                yield entry
    except (etree.XMLSyntaxError, ValueError):
        return  # unrecoverable from here: what was read stands


def _local(node: etree._Element) -> str:
    tag = node.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _entry(node: etree._Element, base_url: str) -> Entry | None:
    fields: dict[str, str] = {}
    news: etree._Element | None = None
    for child in node:
        name = _local(child)
        if name == "news":
            news = child if news is None else news
        elif name in ("loc", "lastmod") and name not in fields:
            fields[name] = (child.text or "").strip()
    loc = fields.get("loc")
    if not loc:
        return None
    lastmod, title = fields.get("lastmod") or None, None
    if news is not None:
        for child in news:
            name = _local(child)
            if name == "publication_date" and not lastmod:
                lastmod = (child.text or "").strip() or None
            elif name == "title" and title is None:
                title = (child.text or "").strip() or None
    return Entry(urljoin(base_url, loc), lastmod, title)


def feed_entries(body: bytes, base_url: str) -> list[Entry]:
    """Item links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed."""
    root = _parse_xml(body)
    if root is None:
        return []
    entries = []
    for item in root.iter("{*}item", "{*}entry"):
        url = None
        for link in item.xpath(f"*[{_LOCAL}='link']"):
            href = link.get("href")
            rel = link.get("rel", "alternate")
            if href and rel == "alternate":
                url = href
                break
            if not href and link.text and link.text.strip():
                url = link.text.strip()
                break
        if not url:
            guid = _text(item, "guid")
            url = guid if guid and guid.startswith("http") else None
        if url:
            date = (_text(item, "pubDate") or _text(item, "updated")
                    or _text(item, "published") or _text(item, "date"))
            entries.append(Entry(urljoin(base_url, url), date, _text(item, "title")))
    return entries


def robots_sitemaps(robots_txt: str, base_url: str) -> list[str]:
    """The Sitemap: URLs a robots.txt names."""
    return [urljoin(base_url, m) for m in _SITEMAP_LINE.findall(robots_txt)]


def feed_links(html_links: list[tuple[str, str]], base_url: str) -> list[str]:
    """Feed URLs among (type, href) pairs of <link rel=alternate> elements."""
    return [urljoin(base_url, href) for kind, href in html_links
            if href and kind.split(";")[0].strip().lower() in FEED_TYPES[:3]]
