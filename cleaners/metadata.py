"""Page metadata from the original tree: JSON-LD first, then meta tags, then the DOM.

Runs before any pruning, so <script type=application/ld+json> is still there.
"""

from __future__ import annotations

import json
from typing import Any

from lxml import html as lxml_html

from .model import Metadata


def _first(values: list[str | None]) -> str | None:
    for value in values:
        if value and value.strip():
            return value.strip()
    return None


def _jsonld_objects(tree: lxml_html.HtmlElement) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                out.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    return out


def _meta(tree: lxml_html.HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.xpath("//meta[@content]"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
        if key and key not in found:
            found[key] = node.get("content", "").strip()
    return found


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def extract_metadata(tree: lxml_html.HtmlElement, url: str) -> Metadata:
    """Everything the page says about itself, normalised but not yet judged."""
    meta = _meta(tree)
    objects = _jsonld_objects(tree)
    types: list[str] = []
    for obj in objects:
        kind = obj.get("@type")
        types.extend(kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else [])
    article = next((o for o in objects if "headline" in o or "datePublished" in o), {})
    titles = tree.xpath("//title/text()")
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    keywords = article.get("keywords") or meta.get("keywords") or []
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",") if k.strip()]
    section = article.get("articleSection")
    if isinstance(section, list):
        section = section[0] if section else None
    return Metadata(
        title=_first([article.get("headline"), meta.get("og:title"),
                      titles[0] if titles else None]),
        authors=_names(article.get("author")) or ([meta["author"]] if meta.get("author") else []),
        published=_first([article.get("datePublished"), meta.get("article:published_time")]),
        modified=_first([article.get("dateModified"), meta.get("article:modified_time")]),
        section=_first([section if isinstance(section, str) else None,
                        meta.get("article:section")]),
        tags=[str(k) for k in keywords if k],
        description=_first([meta.get("og:description"), meta.get("description"),
                            article.get("description") if isinstance(
                                article.get("description"), str) else None]),
        image=_first([meta.get("og:image"), meta.get("twitter:image")]),
        sitename=_first([meta.get("og:site_name")]),
        canonical_url=_first([canonical[0] if canonical else None, meta.get("og:url")]),
        declared_language=_first([tree.get("lang"), article.get("inLanguage")
                                  if isinstance(article.get("inLanguage"), str) else None,
                                  meta.get("og:locale")]),
        og_type=meta.get("og:type"),
        jsonld_types=[t for t in types if t],
    )
