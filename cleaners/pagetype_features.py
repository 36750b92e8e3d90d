"""Cheap page-shape counts for the article/listing decision.

Everything here reads the ORIGINAL lxml tree (before noise pruning) in one
tag-filtered walk of <body> (lxml's C iterator; Python only sees links,
paragraphs, headings, <article>, <time>, scripts) plus one XPath string length
and a few XPath tests (what the page declares of itself: article:published_time,
itemprop=articleBody, paywall markup), and the URL's shape. No re-parsing: about 1 ms
CPU per page (median on WCXB dev; p95 2.5 ms). The counts are raw; cleaners.pagetype
turns them into features and a verdict.

Lengths compared with a threshold in characters are cleaners.words.text_length (a Han
character weighs 3, as many words as 3 Latin letters); ratios of lengths stay raw.
The URL read is the page's own address (page_address): its canonical or og:url when that
is on the same site as the fetched URL, else the fetched URL.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from lxml import html as lxml_html
from lxml.etree import XPath

from .urlkeys import registrable_domain
from .words import text_length

# --- vocabularies (data) --------------------------------------------------------------------

#: path segments that name a collection of stories rather than one story
LISTING_SEGMENTS = frozenset({
    "tag", "tags", "topic", "topics", "category", "categories", "section", "sections",
    "archive", "archives", "author", "authors", "search", "page", "latest", "index",
    "label", "labels", "themen", "thema", "rubrik", "kategorie", "categoria", "categorie",
    "rubrique", "tema", "temas", "etiqueta", "stichwort", "subject", "series",
    "collections", "collection", "list", "feed", "hub", "directory", "browse", "shows",
})
#: link texts (lower case, spaces normalised) that lead from a teaser to its story
READ_MORE = frozenset({
    "read more", "read more »", "read more →", "read more...", "read more >", "continue reading",
    "continue reading →", "read the full story", "full story", "full article", "read article",
    "read full article", "more", "more »", "weiterlesen", "mehr", "lire la suite", "lire plus",
    "leer más", "seguir leyendo", "leggi tutto", "continua a leggere", "leia mais", "lees meer",
    "läs mer", "les mer", "læs mere", "czytaj więcej", "czytaj dalej", "читать далее",
    "подробнее", "читати далі", "докладніше", "devamını oku", "続きを読む", "더보기", "阅读全文",
    "阅读更多", "اقرأ المزيد",
})
_TAGS = ("a", "p", "h1", "h2", "h3", "h4", "article", "time", "script", "style", "noscript")
_CODE = frozenset({"script", "style", "noscript"})
_HEADINGS = frozenset({"h2", "h3", "h4"})
_HEADLINE_CHARS = 30  # a link with this much text reads like a headline
_LONG_PARAGRAPH = 200
_PROSE_PARAGRAPH = 40  # shorter <p> are captions, datelines, teaser kickers
_BODY_CHARS = XPath("string-length(normalize-space(//body))")
_HEAD_NEXT = XPath("boolean(/html/head/link[@rel='next'])")
# what the page declares of itself: an article's publication time (in <head>), an article
# body; and paywall markup: schema.org isAccessibleForFree false (JSON-LD or microdata), a
# locked or metered content tier, a non-empty element whose class or id names a paywall.
# XPaths over attribute values: a third of the cost of tests on every element.
_DECLARED_PUBLISHED = XPath(
    "boolean(/html/head/meta[@property='article:published_time' or"
    " @name='article:published_time' or @property='og:article:published_time']"
    "[normalize-space(@content)])")
_ITEMPROPS = XPath("//@itemprop[.='articleBody' or .='articlebody' or .='isAccessibleForFree']")
_PAYWALL_BOX = XPath("//@class[contains(., 'paywall')] | //@id[contains(., 'paywall')]")
_CONTENT_TIER = XPath("boolean(/html/head/meta[@property='article:content_tier' or"
                      " @name='article:content_tier'][@content='locked' or @content='metered'])")
_LD_NOT_FREE = re.compile(r'"isAccessibleForFree"\s*:\s*"?false', re.IGNORECASE)
_JSONLD_TEXT = XPath("//script[@type='application/ld+json'][contains(., 'isAccessibleForFree')"
                     " or contains(., 'isaccessibleforfree')]/text()")
#: paywall markup is looked for only on a page whose largest prose block is under this
#: (cleaners.pagetype.PAYWALL_MAX_DOM_PROSE: a page with more is not paywalled whatever)
PAYWALL_LOOK_PROSE = 900

_DATE_IN_PATH = re.compile(r"/(19|20)\d\d[/-](0?[1-9]|1[0-2])([/-]|$)|/(19|20)\d{6}")
_NUMERIC_ID = re.compile(r"\d{5,}")
# page number in the query; not ?p=, which is a WordPress post id
_PAGE_QUERY = re.compile(r"(^|&)(page|pg|paged|offset|start)=\d+", re.IGNORECASE)
_PAGE_PATH = re.compile(r"/page/\d+/?$")
_INDEX_FILE = re.compile(r"^(index|default|home)\.\w+$", re.IGNORECASE)
_WORD_SPLIT = re.compile(r"[-_+\s]+")
_TOKEN_SPLIT = re.compile(r"[-_+,;.~\s]+")
# a path token that names nothing: 3+ digits, or a hexadecimal/base-36 id with digits in it;
# not a year (/2024/ is a date archive) nor a month, day or page number
_ID_TOKEN = re.compile(r"^(?!(19|20)\d\d$)(?=[a-z]*\d)[0-9a-z]{3,}$")
_ID_QUERY = re.compile(r"(^|&)[a-z_]*(id|idx|nr|no|num|key|p|article|story|item)=[0-9a-z]+"
                       r"(&|$)", re.IGNORECASE)


@dataclass(frozen=True)
class PageShape:
    """Counts read from the original tree before pruning, plus the URL's shape."""

    links: int = 0
    link_chars: int = 0
    headline_links: int = 0
    headline_group: int = 0  # most headline links sharing one 3-ancestor tag/class path
    read_more: int = 0
    page_number_links: int = 0
    next_link: bool = False
    paragraphs: int = 0
    paragraph_chars: int = 0
    long_paragraphs: int = 0
    prose_block_chars: int = 0  # most paragraph text under one parent (an article body)
    prose_block_paragraphs: int = 0
    h1: int = 0
    headings: int = 0
    linked_headings: int = 0
    articles: int = 0
    times: int = 0
    body_chars: int = 0
    headline_texts: frozenset[str] = frozenset()
    url_depth: int = 0
    url_slug_words: int = 0
    url_numeric_id: bool = False
    url_date: bool = False
    url_listing_word: bool = False
    url_page: bool = False
    url_root: bool = False
    url_opaque: bool = False  # the last segment (or the query) is an id, with no word in it
    declared_published: bool = False  # <meta property="article:published_time">
    article_body: bool = False  # an element with itemprop="articleBody"
    paywall_markup: bool = False  # isAccessibleForFree false, a locked tier, a .paywall box
    # (looked for only when prose_block_chars < PAYWALL_LOOK_PROSE)


def _signature(node: lxml_html.HtmlElement | None) -> str:
    if node is None:
        return ""
    cls = (node.get("class") or "").split()
    return f"{node.tag}.{cls[0] if cls else ''}"


def _path_key(link: lxml_html.HtmlElement) -> tuple[str, ...]:
    """Tag/class of a link and three ancestors: alike for every card of one teaser list."""
    key = [_signature(link)]
    node = link.getparent()
    for _ in range(3):
        key.append(_signature(node))
        node = node.getparent() if node is not None else None
    return tuple(key)


def _walk(body: lxml_html.HtmlElement) -> dict[str, object]:
    """One pass over the tags that matter, in document order."""
    counts: Counter[str] = Counter()
    texts: set[str] = set()
    groups: Counter[tuple[str, ...]] = Counter()
    prose: Counter[lxml_html.HtmlElement] = Counter()
    prose_count: Counter[lxml_html.HtmlElement] = Counter()
    for el in body.iter(*_TAGS):
        tag = el.tag
        if tag in _CODE:
            counts["code_chars"] += len(el.text or "")
        elif tag == "a":
            if el.get("href") is None:
                continue
            if el.get("rel") == "next":
                counts["next_link"] = 1
            text = " ".join(el.text_content().split())
            counts["links"] += 1
            counts["link_chars"] += len(text)
            if text_length(text) >= _HEADLINE_CHARS:
                counts["headline_links"] += 1
                texts.add(text.lower())
                groups[_path_key(el)] += 1
            elif text.lower() in READ_MORE:
                counts["read_more"] += 1
            elif text.isdigit() and len(text) <= 3:
                counts["page_number_links"] += 1
        elif tag == "p":
            size = text_length(" ".join(el.text_content().split()))
            counts["paragraphs"] += 1
            counts["paragraph_chars"] += size
            counts["long_paragraphs"] += size >= _LONG_PARAGRAPH
            if size >= _PROSE_PARAGRAPH:
                parent = el.getparent()
                prose[parent] += size
                prose_count[parent] += 1
        elif tag in _HEADINGS:
            counts["headings"] += 1
            parent = el.getparent()
            if el.find(".//a[@href]") is not None or (parent is not None and parent.tag == "a"):
                counts["linked_headings"] += 1
        elif tag == "h1":
            counts["h1"] += 1
        elif tag == "article":
            counts["articles"] += 1
        else:
            counts["times"] += 1
    out: dict[str, object] = dict(counts)
    out["headline_texts"] = frozenset(texts)
    out["headline_group"] = max(groups.values(), default=0)
    if prose:
        best, chars = prose.most_common(1)[0]
        out["prose_block_chars"] = chars
        out["prose_block_paragraphs"] = prose_count[best]
    return out


def page_address(url: str, canonical: str | None) -> str:
    """The URL whose shape tells what the page is: its canonical (or og:url) when that is on
    the same site as the fetched URL (same registrable domain: www., m., amp. and other
    subdomains aside), else the fetched URL. Without a fetched URL, an absolute canonical."""
    if not canonical:
        return url
    try:
        target = urlsplit(urljoin(url, canonical.strip()))
        fetched = urlsplit(url)
    except ValueError:
        return url
    if target.scheme not in ("http", "https") or not target.hostname:
        return url
    if not url or (fetched.hostname and registrable_domain(fetched.hostname)
                   == registrable_domain(target.hostname)):
        return target.geturl()
    return url


def _is_opaque(stem: str, query: str) -> bool:
    """The last path segment is an id with at most one word beside it (0000-1f3a9c02d7,
    news,142489, 48213), or the query names the item by an id (?idx=3, ?id=58354)."""
    tokens = [t for t in _TOKEN_SPLIT.split(stem) if t]
    ids = sum(1 for t in tokens if _ID_TOKEN.match(t))
    if ids and len(tokens) - ids <= 1:
        return True
    return bool(_ID_QUERY.search(query)) and not _PAGE_QUERY.search(query)


def url_shape(url: str) -> dict[str, object]:
    """Depth, slug length, id/date and listing words of a URL's path. No address (a page
    cleaned without its URL): no URL feature at all, not the shape of a site's root."""
    if not url.strip():
        return {}
    try:
        parts = urlsplit(url)
    except ValueError:
        return {}
    path = unquote(parts.path).lower()
    segments = [s for s in path.split("/") if s]
    if segments and _INDEX_FILE.match(segments[-1]):
        segments = segments[:-1]
    last = segments[-1] if segments else ""
    last_stem = last.rsplit(".", 1)[0] if "." in last else last
    return {
        "url_depth": len(segments),
        "url_slug_words": max((len([w for w in _WORD_SPLIT.split(s) if w]) for s in segments),
                              default=0),
        "url_opaque": _is_opaque(last_stem, parts.query),
        "url_numeric_id": bool(_NUMERIC_ID.search(last_stem)),
        "url_date": bool(_DATE_IN_PATH.search(path)),
        "url_listing_word": any(s in LISTING_SEGMENTS for s in segments),
        "url_page": bool(_PAGE_QUERY.search(parts.query) or _PAGE_PATH.search(path)),
        "url_root": not segments,
    }


def _marks(tree: lxml_html.HtmlElement, look_for_paywall: bool) -> tuple[bool, bool]:
    """(an itemprop=articleBody element, paywall markup) in one walk of the tree; the
    paywall is looked for only when look_for_paywall."""
    article_body = paywall = False
    for attr in _ITEMPROPS(tree):
        if str(attr).lower() == "articlebody":
            article_body = True
        else:
            paywall |= (attr.getparent().get("content") or "").strip().lower() == "false"
    if not look_for_paywall:
        return article_body, False
    paywall = paywall or any(
        (box := attr.getparent()) is not None and box.tag not in _CODE
        and box.text_content().strip() for attr in _PAYWALL_BOX(tree))
    paywall = paywall or bool(_CONTENT_TIER(tree)) or any(
        _LD_NOT_FREE.search(str(text)) for text in _JSONLD_TEXT(tree))
    return article_body, paywall


def page_shape(tree: lxml_html.HtmlElement, url: str = "",
               canonical: str | None = None) -> PageShape:
    """All counts of the original tree: about a millisecond on a typical news page.
    canonical: the page's canonical URL or og:url (see page_address)."""
    body = tree.find("body")
    walked = _walk(body if body is not None else tree)
    code_chars = int(walked.pop("code_chars", 0))  # type: ignore[call-overload]
    body_chars = int(_BODY_CHARS(tree)) - code_chars
    walked["next_link"] = bool(walked.get("next_link")) or bool(_HEAD_NEXT(tree))
    article_body, paywall = _marks(
        tree, int(walked.get("prose_block_chars", 0)) < PAYWALL_LOOK_PROSE)  # type: ignore[call-overload]
    return PageShape(
        **walked,  # type: ignore[arg-type]
        body_chars=max(body_chars, int(walked.get("link_chars", 0))),  # type: ignore[call-overload]
        declared_published=bool(_DECLARED_PUBLISHED(tree)),
        article_body=article_body,
        paywall_markup=paywall,
        **url_shape(page_address(url, canonical)),  # type: ignore[arg-type]
    )
