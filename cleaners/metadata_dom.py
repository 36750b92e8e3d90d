"""Shared readers for metadata: meta tags, JSON-LD objects and page regions.

All XPath expressions are compiled once at import.  Nothing here changes the
tree: the same tree is pruned by later stages.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from .metadata_vocab import NOISE_REGION_WORDS
from .textnorm import strip_invisible

_META = etree.XPath("//meta[@content]")
_JSONLD = etree.XPath(
    "//script[contains(translate(@type, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
    "'abcdefghijklmnopqrstuvwxyz'), 'ld+json')]")
# Remix/React Router's {"script:ld+json": {...}} meta descriptor, rendered by some
# head managers as <meta name="script:ld+json" content="{...}"> instead of a script
_JSONLD_META = etree.XPath("//meta[@name='script:ld+json']/@content")
_NOISE_WORDS = re.compile("|".join(re.escape(w) for w in NOISE_REGION_WORDS))  # on lower()
_NOISE_TAGS = frozenset({"nav", "footer", "aside", "form", "select", "option", "button",
                         "noscript", "template"})
_SPACE = re.compile(r"\s+")
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u2018-\u203a\u0152-\u017e\u02c6-\u02dc]")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_WRAPPERS = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|/\*\s*<!\[CDATA\[\s*\*/)|"
                       r"(?:-->|//\s*\]\]>|/\*\s*\]\]>\s*\*/)\s*$")

ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "livebloggposting",
    "liveblogposting", "techarticle", "scholarlyarticle", "report", "socialmediaposting",
    "posting", "medicalscholarlyarticle", "advertisercontentarticle", "satiricalarticle",
    "askpublicnewsarticle", "creativework", "howto", "recipe", "review", "medicalwebpage",
    "discussionforumposting", "qapage", "videoobject", "podcastepisode", "newsmediaorganization",
})
STRONG_ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting",
    "techarticle", "scholarlyarticle", "report", "socialmediaposting", "medicalscholarlyarticle",
    "advertisercontentarticle", "satiricalarticle", "askpublicnewsarticle",
})
PAGE_TYPES_LD = frozenset({"webpage", "itempage", "collectionpage", "aboutpage", "faqpage",
                           "profilepage", "searchresultspage", "medicalwebpage"})


def clean_text(value: Any) -> str:
    """A str with entities decoded, mojibake repaired, whitespace collapsed.

    Returns '' for anything that is not text.  Meta and JSON-LD values are
    often escaped twice ("&amp;#8217;") or UTF-8 read as Latin-1 ("â€™").
    """
    if not isinstance(value, str):
        return ""
    if "&" in value:
        for _ in range(2):
            if "&" not in value:
                break
            value = html.unescape(value)
    if _MOJIBAKE.search(value):
        value = _repair_mojibake(value)
    return _SPACE.sub(" ", strip_invisible(value)).strip()


def _repair_mojibake(value: str) -> str:
    for codec in ("cp1252", "latin-1"):
        try:
            return value.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return value


def text_of(node: HtmlElement) -> str:
    """Visible-ish text of an element, whitespace collapsed."""
    try:
        return _SPACE.sub(" ", strip_invisible(node.text_content())).strip()
    except ValueError:
        return ""


def spaced_text(node: HtmlElement) -> str:
    """Element text with a space between children ("Jane DoeMay 5" -> "Jane Doe May 5")."""
    try:
        return _SPACE.sub(" ", strip_invisible(" ".join(node.itertext()))).strip()
    except ValueError:
        return ""


def in_comments(node: HtmlElement) -> bool:
    """True if the node sits in a comment thread (its dates and names are readers')."""
    current: HtmlElement | None = node
    while current is not None and isinstance(current.tag, str) and current.tag != "body":
        attrs = f"{current.get('class', '')} {current.get('id', '')}".lower()
        if "comment" in attrs or "respond" in attrs or "disqus" in attrs:
            return True
        current = current.getparent()
    return False


def _inside_article(node: HtmlElement) -> bool:
    return any(a.tag in ("article", "main") for a in node.iterancestors())


def noise_region_of(node: HtmlElement, stop_at_article: bool = True) -> HtmlElement | None:
    """The nav/footer/aside/comments/related/site-header element holding the node, or None.

    Walking up stops at <article>/<main> when stop_at_article is set: noise
    above the article container does not make its byline noise.  An <aside>
    or <footer> inside an <article> (a date/author column, the article's own
    footer line, as HTML defines them) is not noise, nor is an element there
    whose class names nothing but a footer ("article-footer", "post-footer").
    """
    current: HtmlElement | None = node
    while current is not None and isinstance(current.tag, str):
        tag = current.tag
        if tag in _NOISE_TAGS and not (tag in ("aside", "footer") and _inside_article(current)):
            return current
        if stop_at_article and tag in ("article", "main") and current is not node:
            return None
        if tag == "body":
            return None
        attrs = f"{current.get('class', '')} {current.get('id', '')}"
        words = {m[0] for m in _NOISE_WORDS.finditer(attrs.lower())} if attrs.strip() else None
        if words and not (words == {"footer"} and _inside_article(current)):
            return current
        current = current.getparent()
    return None


def in_noise_region(node: HtmlElement, stop_at_article: bool = True) -> bool:
    """True if the node sits in nav/footer/aside/comments/related/site header etc."""
    return noise_region_of(node, stop_at_article) is not None


def meta_values(tree: HtmlElement) -> dict[str, list[str]]:
    """<meta> content by lower-cased property/name/itemprop (all values, page order)."""
    found: dict[str, list[str]] = {}
    for node in _META(tree):
        content = clean_text(node.get("content"))
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (node.get(attr) or "").strip().lower()
            if key:
                found.setdefault(key, []).append(content)
    return found


def _loads(raw: str) -> Any:
    raw = _WRAPPERS.sub("", raw.strip())
    if not raw:
        return None
    for attempt in (raw, _TRAILING_COMMA.sub(r"\1", raw)):
        try:
            return json.loads(attempt, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def types_of(obj: dict[str, Any]) -> list[str]:
    """@type values of a JSON-LD object as plain strings."""
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str) and k]


@dataclass
class JsonLd:
    """Every JSON-LD object on a page, plus an @id index and the main article."""

    objects: list[dict[str, Any]] = field(default_factory=list)
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    article: dict[str, Any] = field(default_factory=dict)
    page: dict[str, Any] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        """Follow {"@id": ...} references to the full object when it is on the page."""
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and "@id" in value:
            return self.by_id.get(str(value["@id"]), value)
        return value

    @property
    def types(self) -> list[str]:
        return [t for obj in self.objects for t in types_of(obj)]


MAX_LD_OBJECTS = 300
MAX_LD_STEPS = 5000


def _flatten(data: Any, out: list[dict[str, Any]]) -> None:
    stack = [data]
    steps = 0
    while stack and len(out) < MAX_LD_OBJECTS and steps < MAX_LD_STEPS:
        steps += 1
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        elif isinstance(item, dict):
            out.append(item)
            for key in ("@graph", "mainEntity"):
                inner = item.get(key)
                if isinstance(inner, list | dict):
                    stack.append(inner)


def _score_article(obj: dict[str, Any]) -> int:
    kinds = {k.lower() for k in types_of(obj)}
    score = 0
    if kinds & STRONG_ARTICLE_TYPES:
        score += 4
    elif kinds & ARTICLE_TYPES:
        score += 2
    elif kinds & PAGE_TYPES_LD:
        score += 1
    else:
        return 0
    score += 2 * ("headline" in obj) + 2 * ("datePublished" in obj) + ("author" in obj)
    return score


def read_jsonld(tree: HtmlElement) -> JsonLd:
    """Parse every ld+json script (tolerantly) and pick the main article object."""
    ld = JsonLd()
    for raw in [script.text or "" for script in _JSONLD(tree)] + _JSONLD_META(tree):
        data = _loads(raw)
        if data is not None:
            _flatten(data, ld.objects)
    for obj in ld.objects:
        ident = obj.get("@id")
        if isinstance(ident, str) and ident not in ld.by_id:
            ld.by_id[ident] = obj
    best = 0
    for obj in ld.objects:
        score = _score_article(obj)
        if score > best:
            best, ld.article = score, obj
    for obj in ld.objects:
        if {k.lower() for k in types_of(obj)} & PAGE_TYPES_LD:
            ld.page = obj
            break
    return ld


_BEFORE = etree.XPath("preceding::text()[position() <= 25]")
_AFTER = etree.XPath("following::text()[position() <= 60]")
_DIGIT = re.compile(r"\d")
_SKIP_TEXT_PARENTS = frozenset({"script", "style", "noscript", "template", "svg", "path",
                                "button", "option", "select"})


def _holds(region: HtmlElement, node: HtmlElement) -> bool:
    return any(ancestor is region for ancestor in node.iterancestors())


def _text_run(nodes: list[Any], limit: int, reverse: bool, anchor: HtmlElement) -> list[str]:
    out: list[str] = []
    total = 0
    for text in reversed(nodes) if reverse else nodes:
        parent = text.getparent()
        if parent is not None and getattr(text, "is_tail", False):
            parent = parent.getparent()  # text after an <svg> icon belongs to its container
        if parent is None or parent.tag in _SKIP_TEXT_PARENTS:
            continue
        piece = clean_text(str(text))
        if not piece:
            continue
        if _DIGIT.search(piece):
            if in_comments(parent):
                break
            region = noise_region_of(parent) if reverse else None
            if region is not None and not _holds(region, anchor):
                continue  # above the headline: a date in a header bar or menu
        out.append(piece)
        total += len(piece)
        if total >= limit:
            break
    return out[::-1] if reverse else out


def text_window(node: HtmlElement, before: int, after: int) -> tuple[list[str], list[str]]:
    """Text pieces (one per text node) just before and just after an element.

    Used to read the dateline and byline printed around the headline; stops
    at a comment thread and, above the element, skips numbers (dates) in
    navigation and header bars (a region that holds the element itself, as
    a blog engine's "widget" wrapping the post, is the post, not noise).
    """
    return (_text_run(_BEFORE(node), before, True, node),
            _text_run(_AFTER(node), after, False, node))


_CLASS_OR_ID = etree.XPath("//@class|//@id")
_INDEX_WORDS = re.compile(
    "yline|y-line|uthor|writer|reporter|contributor|posted|date|Date|time|publish|meta|updated"
    "|title|Title|heading|headline")


class ClassIndex:
    """Elements whose class/id mention bylines, dates or titles: one pass, on first use.

    One XPath over the attribute values and one regex is several times
    cheaper than one XPath per purpose with many contains() tests, and no
    Python proxy is made for elements that do not match.
    """

    def __init__(self, tree: HtmlElement) -> None:
        self._tree = tree
        self._items: list[tuple[HtmlElement, str]] | None = None

    def _build(self) -> list[tuple[HtmlElement, str]]:
        items: list[tuple[HtmlElement, str]] = []
        last: HtmlElement | None = None
        for value in _CLASS_OR_ID(self._tree):
            if not _INDEX_WORDS.search(value):
                continue
            node = value.getparent()
            if node is None or not isinstance(node.tag, str):
                continue
            if last is not None and node == last:
                items[-1] = (node, f"{items[-1][1]} {value}")
                continue
            items.append((node, str(value)))
            last = node
        return items

    def find(self, pattern: re.Pattern[str],
             tags: frozenset[str] | None = None) -> list[HtmlElement]:
        """Elements (document order) whose class/id match the pattern, optionally by tag."""
        if self._items is None:
            self._items = self._build()
        return [node for node, attrs in self._items
                if (tags is None or node.tag in tags) and pattern.search(attrs)]
