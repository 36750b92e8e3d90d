"""Article or listing: judged from the page's shape, with og:type and JSON-LD as hints."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import html as lxml_html
from lxml.etree import XPath

from .model import Metadata

_ARTICLE_TYPES = frozenset({"article", "newsarticle", "reportagenewsarticle", "blogposting",
                            "analysisnewsarticle", "opinionnewsarticle", "report"})
_LISTING_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "website"})
_COUNT_ARTICLES = XPath("count(//article)")
_COUNT_LINKS = XPath("count(//a[@href])")


@dataclass(frozen=True)
class PageShape:
    """Counts read from the original tree before pruning."""

    article_elements: int
    links: int


def page_shape(tree: lxml_html.HtmlElement) -> PageShape:
    return PageShape(int(_COUNT_ARTICLES(tree)), int(_COUNT_LINKS(tree)))


def classify_page(shape: PageShape, meta: Metadata, text: str) -> str:
    words = len(text.split())
    types = {t.lower() for t in meta.jsonld_types}
    if types & _ARTICLE_TYPES and words >= 80:
        return "article"
    if shape.article_elements >= 4 or types & _LISTING_TYPES and words < 150:
        return "listing"
    if words >= 150 or (meta.og_type or "").lower() == "article" and words >= 50:
        return "article"
    return "listing" if shape.links > 30 else "other"
