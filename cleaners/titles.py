"""The headline: what most of the page's own sources agree on, else <h1>, else <title>.

Sources: the <h1> (as shown, and without its kicker line when it has one), the
JSON-LD headline, og:title, twitter:title and <title>, each with the site's name
cut off.  The text that most of them give wins ("Kicker: Headline" written out by
og:title and <title> beats an <h1> that shows the same words on two lines; an <h1>
confirmed by og:title beats a different JSON-LD headline).  A suffix is cut when it
is the site's name ("Headline | Site", "Site » Headline": og:site_name,
application-name, the JSON-LD publisher/WebSite name, the host name, the page's domain
written out as "Newegg.com"); an unknown short suffix is cut only from <title>, og:title
and twitter:title, and never when it starts in lower case ("Würde des Lebens – ein
Projekt" is a headline and its subtitle).  When the page's only <h1> is a copy in its
navigation (a breadcrumb bar's SEO title), the <h2> that the article shows takes its
place for the kicker: shown apart there and given alone by a metadata source, the
headline is not glued to it.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from .metadata_dom import (
    ClassIndex,
    JsonLd,
    clean_text,
    in_noise_region,
    spaced_text,
    text_of,
    types_of,
)
from .metadata_vocab import KICKER_CLASS_WORDS, TITLE_SEPARATORS
from .model import SOURCE_HEADING, SOURCE_JSON_LD, SOURCE_META, SOURCE_TITLE_TAG

_TITLE = etree.XPath("//title")
_H1 = etree.XPath("//h1")
_HEADINGS = etree.XPath("//h1|//h2|//*[@itemprop='headline']")
_TITLE_CLASSED = re.compile(r"title|heading|headline")
_TITLE_TAGS = frozenset({"div", "span", "p", "h3"})
MAX_HEADING_SCAN = 60
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_TEXT_EQUALS = etree.XPath("//body//text()[normalize-space(.) = $title]")
_NON_WORD = re.compile(r"[\W_]+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})
MAX_H1S = 6
MIN_SUBSTRING = 12
H1_MIN_SIMILARITY = 0.6
H1_MIN_WORDS = 3
GENERIC_SUFFIX_WORDS = 4
SUBTITLE_SEPARATORS = (" – ", " — ")  # a headline's own subtitle may follow these, never " | "
HOST_STOP = frozenset({"www", "com", "org", "net", "co", "uk", "de", "fr", "edu", "gov", "io",
                       "blog", "news", "m", "amp", "en", "info", "au", "ca", "in", "us"})


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(text.split())


def _compact(text: str) -> str:
    return _NON_WORD.sub("", _key(text))


@dataclass
class SiteNames:
    """What the site calls itself, for cutting it from titles."""

    names: list[str] = field(default_factory=list)  # best first
    host: str = ""
    handles: list[str] = field(default_factory=list)  # twitter:site, for matching only
    domains: frozenset[str] = frozenset()  # "newegg.com", "promotions.newegg.com", compacted

    def matches(self, segment: str) -> bool:
        compact = _compact(segment)
        if not compact:
            return True
        for name in [*self.names, *self.handles]:
            other = _compact(name)
            if other and (compact == other or (len(other) > 3 and other in compact
                                               and len(compact) <= len(other) + 12)):
                return True
        if compact in self.domains:
            return True  # the page's own domain written out: "Headline | Newegg.com"
        if self.host and len(compact) >= 3:
            if compact in self.host:
                return True
            words = [_compact(w) for w in _key(segment).split()]
            words = [w for w in words if len(w) > 1]
            if words and all(w in self.host for w in words):
                return True
        return False


def site_names(meta: dict[str, list[str]], ld: JsonLd, url: str) -> SiteNames:
    """og:site_name, application-name, JSON-LD publisher / WebSite / Organization names."""
    names = [v for key in ("og:site_name", "application-name", "apple-mobile-web-app-title")
             for v in meta.get(key, ())]
    publisher = ld.resolve(ld.article.get("publisher")) if ld.article else None
    for obj in [publisher, *ld.objects]:
        if not isinstance(obj, dict):
            continue
        kinds = {k.lower() for k in types_of(obj)}
        if obj is publisher or kinds & {"website", "organization", "newsmediaorganization",
                                        "corporation", "localbusiness"}:
            name = obj.get("name")
            if isinstance(name, str) and name.strip():
                names.append(clean_text(name))
    handles = [v.lstrip("@") for v in meta.get("twitter:site", ()) if v.lstrip("@")]
    host = urlsplit(url).hostname or "" if url else ""
    labels = [p for p in host.lower().split(".") if p and p not in HOST_STOP]
    parts = [p for p in host.lower().split(".") if p and p != "www"]
    domains = frozenset(_compact(".".join(parts[i:])) for i in range(max(len(parts) - 1, 0)))
    return SiteNames([n for n in names if n], "".join(labels), handles, domains)


def strip_site(title: str, site: SiteNames, headline_keys: set[str],
               generic: bool = True) -> str:
    """Cut site-name segments from either end of a title, repeatedly.

    A short unknown suffix ("Headline | Some Blog") is cut too, never one that starts in
    lower case (a subtitle: "Würde des Lebens – ein Projekt"); generic=False keeps one
    after a dash (a headline that another source repeats with it)."""
    title = clean_text(title)
    for _ in range(3):
        cut = _cut_once(title, site, headline_keys, generic)
        if cut == title:
            break
        title = cut
    return _DANGLING.sub("", title) or title


def _cut_once(title: str, site: SiteNames, headline_keys: set[str], generic: bool) -> str:
    for sep in TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        first, _, rest = title.partition(sep)
        for keep, drop in ((head, tail), (rest, first)):
            keep, drop = keep.strip(), drop.strip()
            if not keep or not drop:
                continue
            if _key(keep) in headline_keys or site.matches(drop) or _is_date(drop):
                return keep  # the site's name, or a date ("23.01.2022 - Headline")
    for sep in (" | ", " – ", " — ", " :: ", " » ", " › ", " · ", "｜"):
        if not generic and sep in SUBTITLE_SEPARATORS:
            continue
        head, found, tail = title.rpartition(sep)
        if (found and len(tail.split()) <= GENERIC_SUFFIX_WORDS < len(head.split()) + 2
                and not (tail.strip()[:1].islower() and " " in tail.strip())):
            return head.strip()
    return title


@dataclass(frozen=True)
class Heading:
    """An <h1> as shown, and without its kicker line when it starts with one."""

    text: str
    headline: str | None = None  # the text after the kicker
    marked: bool = False  # the kicker is marked as one (class, <small>, own line, separator)

    @property
    def shown(self) -> str:
        """The headline a reader takes from it: the kicker's line apart when marked."""
        return self.headline if self.marked and self.headline else self.text


# a segment that is only a date or time: "23.01.2022", "2. Februar 2022, 10:30"
_DATE_ONLY = re.compile(r"^[\d\s./:,\-]*\d[\d\s./:,\-]*(?:[^\W\d_]{3,10}\.?[\s,]*\d{2,4}"
                        r"[\d\s.:,]*)?(?:uhr|h)?$", re.IGNORECASE)


def _is_date(segment: str) -> bool:
    """A day, not a bare year ("Best laptops - 2024" keeps its year)."""
    return bool(_DATE_ONLY.match(segment)) and len(_NUMBERS.findall(segment)) >= 2


_NUMBERS = re.compile(r"\d+")
# a separator left at either end once a segment is gone ("Headline -", "| Headline")
_DANGLING = re.compile(r"^\s*[|–—\-·•/]+\s+|\s+[|–—\-·•/:]+\s*$")
# "THW : Vergangenheit": a space the markup put before a punctuation mark
_SPACED_PUNCT = re.compile(r"\w\s+[:,.!?;]")
_KICKER_CLASS = re.compile("|".join(re.escape(w) for w in KICKER_CLASS_WORDS))
_SEPARATOR_ONLY = re.compile(r"^[\s:|–—\-·•/]*$")
_TRAILING_SEPARATOR = re.compile(r"\s+[|–—\-·•/]\s*$|\s*:\s*$")
_BLOCK_TAGS = frozenset({"div", "p"})
_LEADING_SEPARATOR = re.compile(r"^\s*[:|–—\-·•/]\s+|^\s*[:|]")


def _kicker_split(node: HtmlElement) -> tuple[str, str, bool] | None:
    """(kicker, headline, marked) when the heading's first child element is a line of its
    own before the rest ("<span class=kicker>Kicker</span><span>: </span>Headline")."""
    while (len(node) == 1 and not (node.text or "").strip()
           and not (node[0].tail or "").strip() and isinstance(node[0].tag, str)):
        node = node[0]  # <h1><span class=title><small>Kicker</small><br>Headline</span></h1>
    children = [c for c in node if isinstance(c.tag, str)]
    if len(children) < 1 or (node.text or "").strip():
        return None
    first = children[0]
    kicker = clean_text(spaced_text(first))
    rest_parts = [first.tail or ""]
    for child in children[1:]:
        rest_parts.append(" ".join(child.itertext()))
        rest_parts.append(child.tail or "")
    after = [p for p in rest_parts if p.strip()]
    rest = clean_text(" ".join(rest_parts))
    if not kicker or not rest or _SEPARATOR_ONLY.match(kicker) or _SEPARATOR_ONLY.match(rest):
        return None
    marks = f"{first.get('class', '')} {first.get('id', '')}".lower()
    separated = bool((after and _SEPARATOR_ONLY.match(after[0]))
                     or _LEADING_SEPARATOR.match(rest))
    own_line = len(children) > 1 and children[1].tag == "br" and not (first.tail or "").strip()
    if _TRAILING_SEPARATOR.search(kicker):  # "<span>Kicker<span hidden> – </span></span>"
        separated = True
        kicker = _TRAILING_SEPARATOR.sub("", kicker)
    # a block of its own ("<div>Kicker</div>Headline"), or two elements with nothing between
    # them ("<span>Kicker</span><span>Headline</span>": glued, they would read as one word)
    own_line = (own_line or first.tag in _BLOCK_TAGS
                or (len(children) > 1 and not first.tail and children[1].tag == first.tag))
    marked = bool(_KICKER_CLASS.search(marks)) or first.tag == "small" or separated or own_line
    headline = _LEADING_SEPARATOR.sub("", rest).strip()
    return (kicker, headline, marked) if headline else None


_CODE_INSIDE = etree.XPath(".//style|.//script|.//noscript|.//template")


def _without_code(node: HtmlElement) -> HtmlElement:
    """The heading without the <style> a CSS-in-JS page puts inside it (a copy, when any)."""
    if not _CODE_INSIDE(node):
        return node
    node = copy.deepcopy(node)
    for code in _CODE_INSIDE(node):
        code.drop_tree()
    return node


def _headings(tree: HtmlElement, site: SiteNames) -> list[Heading]:
    out: list[Heading] = []
    for node in _H1(tree)[:MAX_H1S]:
        if in_noise_region(node):
            continue
        node = _without_code(node)
        text = clean_text(spaced_text(node))
        if not 2 <= len(text) <= 400 or site.matches(text) or any(h.text == text for h in out):
            continue
        split = _kicker_split(node)
        out.append(Heading(text, split[1], split[2]) if split else Heading(text))
    return out


def _strip_heading(head: Heading, site: SiteNames, repeated: set[str]) -> Heading:
    """The heading with the site's name cut (and a short unknown suffix, unless another
    source repeats the whole text)."""
    generic = _compact(head.text) not in repeated
    return Heading(strip_site(head.text, site, set(), generic),
                   strip_site(head.headline, site, set(), generic) if head.headline else None,
                   head.marked)


def _tokens(text: str) -> set[str]:
    return {w for w in _NON_WORD.split(_key(text)) if w}


def similarity(one: str, other: str) -> float:
    """Share of the shorter text's words found in the other (0..1)."""
    a, b = _tokens(one), _tokens(other)
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _pick_h1(h1s: list[str], metas: list[str], stripped: list[str]) -> str | None:
    """The h1 that the page's metadata confirms, or a lone descriptive h1."""
    stripped_keys = {_key(s) for s in stripped} | {_key(m) for m in metas}
    for h1 in h1s:
        if _key(h1) in stripped_keys:
            return h1
    for h1 in h1s:
        key = _key(h1)
        if len(key) >= MIN_SUBSTRING and any(key in _key(s) for s in stripped):
            return h1
    if not h1s:
        return None
    if not metas:
        return h1s[0]
    scored = [(max(similarity(h, m) for m in stripped or metas), h) for h in h1s]
    best, h1 = max(scored, key=lambda pair: pair[0])
    if best >= H1_MIN_SIMILARITY:
        return h1
    if len(h1s) == 1 and len(h1.split()) >= H1_MIN_WORDS:
        return h1
    return None


def _letters(text: str) -> str:
    """The words of a text, case kept: "Kicker : Headline" and "Kicker: Headline" match."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).translate(_QUOTES))


def _written(text: str, sources: list[str]) -> str:
    """The source's form of the same words ("Kicker: Headline" for an <h1> shown on two
    lines, or with a space before its colon), else the text itself."""
    letters = _letters(text)
    return next((s for s in sources if _letters(s) == letters), text)


def _heading_title(head: Heading, sources: list[str]) -> str:
    """An <h1> with a kicker: the form more of the metadata confirms (on a tie, the headline
    alone if the kicker is marked as one, else the whole <h1>), else the headline alone when
    the kicker is marked as one, else the whole <h1>."""
    keys = [_compact(s) for s in sources]
    whole = keys.count(_compact(head.text))
    alone = keys.count(_compact(head.headline)) if head.headline else 0
    if head.headline is None:
        return _written(head.text, sources) if _SPACED_PUNCT.search(head.text) else head.text
    if whole or alone:
        keep_whole = whole > alone or (whole == alone and not head.marked)
        return _written(head.text if keep_whole else head.headline, sources)
    return _written(head.shown, sources)


def title_and_source(tree: HtmlElement, url: str, meta: dict[str, list[str]],
                     ld: JsonLd) -> tuple[str | None, str | None]:
    """The article's headline as shown on the page, and where it was read (a
    model.SOURCE_* value; None without a title):
    the page's <h1> (or the <h2> standing in for it), else the first metadata source left
    once the site's names are cut: JSON-LD, og:title / twitter:title, <title>."""
    site = site_names(meta, ld, url)
    heads = _headings(tree, site)
    ld_headline = clean_text(ld.article.get("headline") or ld.article.get("name")) \
        if ld.article else ""
    titles = [t for t in (_TITLE(tree)[:1]) for t in [text_of(t)] if t]
    given = [(ld_headline, SOURCE_JSON_LD),
             *((m, SOURCE_META) for m in meta.get("og:title", [])[:1]),
             *((m, SOURCE_META) for m in meta.get("twitter:title", [])[:1]),
             *((t, SOURCE_TITLE_TAG) for t in titles)]
    sourced = [(clean_text(m), kind) for m, kind in given if m]
    metas = [m for m, _kind in sourced]
    # a headline that the <h1> or JSON-LD gives whole, and another source too (og:title,
    # <title>), keeps its suffix unless that is the site's name ("Hund vertreibt Einbrecher
    # – Zeugenaufruf"); og:title repeating <title> is no such evidence (one copies the other)
    kinds = [{_compact(h.text) for h in heads}, {_compact(ld_headline)},
             {_compact(clean_text(m)) for m in meta.get("og:title", [])[:1]},
             {_compact(clean_text(t)) for t in titles}]
    repeated = {key for kind in kinds[:2] for key in kind
                if key and sum(key in other for other in kinds) >= 2}
    heads = [_strip_heading(h, site, repeated) for h in heads]
    h1_keys = {_key(h.text) for h in heads}
    cut = [(strip_site(m, site, h1_keys, _compact(m) not in repeated), kind)
           for m, kind in sourced]
    cut = [(s, kind) for s, kind in cut if s and not site.matches(s)]
    stripped = [s for s, _kind in cut]
    h1s = [_heading_title(h, stripped) for h in heads]
    if h1 := _pick_h1(h1s, metas, stripped):
        return h1, SOURCE_HEADING
    if not heads and (shown := _shown_subheading(tree, stripped)):
        return shown, SOURCE_HEADING
    if stripped:
        title = _untruncated(stripped[0], stripped)
        return title, next(kind for s, kind in cut if s == title)
    if sourced and sourced[0][0]:
        return sourced[0]
    return (metas[0] if metas else None), None


_SUBHEADINGS = etree.XPath("//h2|//*[@itemprop='headline'][not(self::h1 or self::meta)]")


def _shown_subheading(tree: HtmlElement, sources: list[str]) -> str | None:
    """Without an <h1> outside navigation (the page's only <h1> is a copy in its breadcrumb
    bar), the headline the page shows is an <h2>: when it shows a kicker apart from the
    headline ("<h2><span class=kicker>Kicker</span><span>Headline</span></h2>") and a
    metadata source gives that headline alone, that source's text (the kicker unglued)."""
    keys = [_compact(s) for s in sources]
    for node in _SUBHEADINGS(tree)[:MAX_HEADING_SCAN]:
        if in_noise_region(node):
            continue
        split = _kicker_split(_without_code(node))
        if split and split[2] and (key := _compact(split[1])) in keys:
            return sources[keys.index(key)]
    return None


_OPENING_QUOTE = tuple('"“„«\'‘‚‹')


def _untruncated(title: str, sources: list[str]) -> str:
    """'Biden de' when <title> has 'Biden de "incapacitado"': a meta attribute cut at an
    unescaped quote gives way to the source that goes on past it."""
    for other in sources:
        if other.startswith(title) and other[len(title):].lstrip().startswith(_OPENING_QUOTE):
            return other
    return title


def _text_equals(tree: HtmlElement, title: str) -> list[Any]:
    """Text nodes whose whole (space-normalised) text is the title."""
    wanted = _CONTROL.sub("", " ".join(title.split()))
    if not wanted:
        return []
    try:
        return _TEXT_EQUALS(tree, title=wanted)[:3]
    except (ValueError, etree.XPathError):
        return []


def headline_node(tree: HtmlElement, title: str | None,
                  index: ClassIndex | None = None) -> HtmlElement | None:
    """The element showing the headline: the heading whose text is the title.

    Falls back to the first <h1> outside navigation and sidebars.  Dates and
    bylines are looked for next to it.
    """
    if title:
        key = _key(title)
        classed = index or ClassIndex(tree)
        finders = (_HEADINGS, lambda _tree: classed.find(_TITLE_CLASSED, _TITLE_TAGS))
        for finder in finders:
            for node in finder(tree)[:MAX_HEADING_SCAN]:
                if key in (_key(text_of(node)), _key(spaced_text(node))):
                    return node
        for text in _text_equals(tree, title):
            parent = text.getparent()
            if parent is not None and parent.tag not in ("title", "script", "style"):
                return parent
    for node in _H1(tree)[:MAX_H1S]:
        if not in_noise_region(node) and text_of(node):
            return node
    return _reworded_heading(tree, title) if title else None


# without an <h1>, a heading holding this share of the title's words is the headline
# reworded ("Introducing X" shown as "Introducing X: the next-generation ..."), if it is
# at most HEADING_MAX_WORDS times as long
HEADING_WORD_SHARE = 0.8
HEADING_MAX_WORDS = 3


def _words(text: str) -> list[str]:
    return _NON_WORD.sub(" ", _key(text)).split()


def _reworded_heading(tree: HtmlElement, title: str) -> HtmlElement | None:
    """The first <h2> (or itemprop=headline) outside noise that shares most of the title's words."""
    wanted = set(_words(title))
    if len(wanted) < H1_MIN_WORDS:
        return None
    for node in _HEADINGS(tree)[:MAX_HEADING_SCAN]:
        words = _words(text_of(node))
        if (words and len(words) <= HEADING_MAX_WORDS * len(wanted)
                and len(wanted & set(words)) >= HEADING_WORD_SHARE * len(wanted)
                and not in_noise_region(node)):
            return node
    return None
