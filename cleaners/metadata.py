"""Page metadata from the original tree: JSON-LD first, then meta tags, then the DOM.

Each of title, authors and published comes with where it was read (Metadata.*_source,
model.SOURCE_*), without changing what is read.

Runs before any pruning, so <script type=application/ld+json>, bylines and
<time> elements are still there.  The work is split by field: titles.py (the
headline and its element), dates.py, authors.py; shared readers live in
metadata_dom.py and word lists in metadata_vocab.py.  Nothing here modifies
the tree.  Accuracy against WCXB dev: bench/eval_metadata.py.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from .authors import authors_and_source
from .dates import extract_dates
from .metadata_dom import (
    ClassIndex,
    JsonLd,
    clean_text,
    in_noise_region,
    meta_values,
    read_jsonld,
    text_of,
    types_of,
)
from .model import Metadata
from .titles import headline_node, site_names, title_and_source

_CANONICAL = etree.XPath("//link[@rel='canonical']/@href")
_REL_TAG = etree.XPath("//a[@rel='tag' or contains(concat(' ', @rel, ' '), ' tag ')]")
_IMAGE_SRC = etree.XPath("//link[@rel='image_src']/@href")

SECTION_META = ("article:section", "og:article:section", "parsely-section", "section",
                "article.section", "sailthru.section", "cxenseparse:recs:articlesection")
TAG_META = ("article:tag", "og:article:tag", "news_keywords", "parsely-tags", "keywords",
            "sailthru.tags")
HOME_WORDS = frozenset({"home", "homepage", "start", "startseite", "accueil", "inicio",
                        "главная", "головна", "홈", "首页", "ホーム"})
MAX_TAGS = 30
MAX_TAG_CHARS = 60


def _first(*values: Any) -> str | None:
    for value in values:
        text = clean_text(value)
        if text:
            return text
    return None


def _meta1(meta: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        for value in meta.get(key, ()):
            if value:
                return value
    return None


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _breadcrumb_section(ld: JsonLd, title: str | None) -> str | None:
    """The deepest JSON-LD BreadcrumbList entry above the article itself."""
    for obj in ld.objects:
        if "BreadcrumbList" not in types_of(obj):
            continue
        items = obj.get("itemListElement")
        if not isinstance(items, list):
            continue
        names: list[str] = []
        for item in items:
            if not isinstance(item, dict):
                continue
            inner = ld.resolve(item.get("item"))
            name = clean_text(item.get("name") or (inner.get("name")
                                                   if isinstance(inner, dict) else None))
            if name:
                names.append(name)
        names = [n for n in names if n.casefold() not in HOME_WORDS
                 and n.casefold() != (title or "").casefold()]
        if names:
            return names[-1]
    return None


def _section(meta: dict[str, list[str]], ld: JsonLd, title: str | None) -> str | None:
    sections = _as_list(ld.article.get("articleSection"))
    return _first(*sections, _meta1(meta, *SECTION_META), _breadcrumb_section(ld, title))


def _split_tags(values: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        parts = value.split(",") if "," in value else value.split(";")
        for part in parts:
            tag = clean_text(part)
            if tag and len(tag) <= MAX_TAG_CHARS and tag.casefold() not in seen:
                seen.add(tag.casefold())
                out.append(tag)
    return out[:MAX_TAGS]


def _tags(tree: HtmlElement, meta: dict[str, list[str]], ld: JsonLd) -> list[str]:
    keywords = ld.article.get("keywords")
    if tags := _split_tags(_as_list(keywords)):
        return tags
    for key in TAG_META:
        if tags := _split_tags(meta.get(key, [])):
            return tags
    links = [text_of(a) for a in _REL_TAG(tree) if not in_noise_region(a)]
    return _split_tags([t for t in links if t])


def _image(meta: dict[str, list[str]], ld: JsonLd, tree: HtmlElement) -> str | None:
    image = ld.resolve(ld.article.get("image"))
    if isinstance(image, list):
        image = ld.resolve(image[0]) if image else None
    if isinstance(image, dict):
        image = image.get("url") or image.get("contentUrl")
    src = _IMAGE_SRC(tree)
    return _first(_meta1(meta, "og:image", "og:image:url", "og:image:secure_url",
                         "twitter:image", "twitter:image:src"),
                  image if isinstance(image, str) else None, src[0] if src else None)


def _language(tree: HtmlElement, meta: dict[str, list[str]], ld: JsonLd) -> str | None:
    in_language = ld.article.get("inLanguage") or ld.page.get("inLanguage")
    if isinstance(in_language, dict):
        in_language = in_language.get("alternateName") or in_language.get("name")
    return _first(tree.get("lang"), tree.get("xml:lang"),
                  in_language if isinstance(in_language, str) else None,
                  _meta1(meta, "og:locale", "content-language", "language", "dc.language"))


def extract_metadata(tree: HtmlElement, url: str) -> Metadata:
    """Everything the page says about itself, normalised but not yet judged."""
    meta = meta_values(tree)
    ld = read_jsonld(tree)
    index = ClassIndex(tree)
    title, title_source = title_and_source(tree, url, meta, ld)
    headline = headline_node(tree, title, index)
    dates = extract_dates(tree, url, meta, ld, headline, index)
    canonical = _CANONICAL(tree)
    site = site_names(meta, ld, url)
    description = ld.article.get("description")
    authors, author_source = authors_and_source(tree, meta, ld, headline, site.matches, index)
    return Metadata(
        title=title,
        authors=authors,
        published=dates.published,
        modified=dates.modified,
        section=_section(meta, ld, title),
        tags=_tags(tree, meta, ld),
        description=_first(_meta1(meta, "og:description", "description", "twitter:description"),
                           description if isinstance(description, str) else None),
        image=_image(meta, ld, tree),
        sitename=_first(*site.names),
        canonical_url=_first(canonical[0] if canonical else None, _meta1(meta, "og:url")),
        declared_language=_language(tree, meta, ld),
        og_type=_meta1(meta, "og:type"),
        jsonld_types=ld.types,
        title_source=title_source if title else None,
        author_source=author_source if authors else None,
        date_source=dates.field_source,
    )
