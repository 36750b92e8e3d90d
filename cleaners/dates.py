"""Published and modified dates: JSON-LD, meta tags, <time>, labelled text, URL.

Published and modified are kept apart.  Dates in site headers ("today's
date" bars), navigation, sidebars and comments are never taken (a side
column's date labelled "Published" is the one exception: the label says
whose date it is).  Output is ISO 8601: the source's own datetime when it
has one, else YYYY-MM-DD; a timestamp keeps its own local day.

Which date is "published": the first publication.  A date the page shows
that is the declared dateModified is an update, even when shown without a
label ("Originally published ..." beats both).  It stands in for the
published date when the page shows readers no other date and the first
publication is declared only in JSON-LD or other meta, not in Open Graph's
article:published_time (what a reader of the page, and WCXB's truth, takes
as its date; numbers in bench/eval_metadata.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement

from .date_text import (
    ISO_DATE,
    NUMERIC_DATE,
    find_dates,
    near_day,
    one_day_apart,
    parse_date,
    parse_human_date,
    same_instant,
    swap_by_url,
    swapped_day,
    url_date,
)
from .metadata_dom import (
    ClassIndex,
    JsonLd,
    in_comments,
    in_noise_region,
    text_of,
    text_window,
)
from .metadata_vocab import MODIFIED_LABELS, ORIGINAL_LABELS, PUBLISHED_LABELS
from .model import (
    SOURCE_BYLINE,
    SOURCE_JSON_LD,
    SOURCE_META,
    SOURCE_MICRODATA,
    SOURCE_SCRIPT,
    SOURCE_URL,
)

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "article:published",
    "og:published_time", "published_time", "datepublished", "article.published",
    "article_date_original", "publication_date", "publish-date", "publish_date",
    "publishdate", "pubdate", "parsely-pub-date", "sailthru.date", "dc.date.issued",
    "dcterms.issued", "dc.date.created", "dcterms.created", "citation_publication_date",
    "citation_date", "cxenseparse:recs:publishtime", "originalpublicationdate",
    "date.published", "article:post_date", "datecreated", "created", "dc.date", "dcterms.date",
    "date", "og:pubdate", "release_date", "rnews:datepublished",
)


# Open Graph's first-publication stamp: the one declared date that shown "Updated"
# dates do not override (JSON-LD datePublished alone often is a CMS creation stamp)
OPEN_GRAPH_PUBLISHED = ("article:published_time", "og:article:published_time")
MODIFIED_META = (
    "article:modified_time", "og:updated_time", "og:article:modified_time", "article:modified",
    "modified_time", "datemodified", "article.updated", "last-modified", "lastmod",
    "dcterms.modified", "dc.date.modified", "parsely-updated", "lastmodified",
)
_ITEMPROP_PUBLISHED = etree.XPath(
    "//*[@itemprop][@itemprop='datePublished' or @itemprop='dateCreated' "
    "or @itemprop='uploadDate']")
_ITEMPROP_MODIFIED = etree.XPath("//*[@itemprop][@itemprop='dateModified']")
_TIMES = etree.XPath("//time")
_TIME_STAMPS = etree.XPath("//time/@datetime")


# text that may hold a four-digit year 19xx/20xx: contains() is cheap, translate() is not
_YEAR_TEXTS = etree.XPath("//body//text()[contains(., '20') or contains(., '19')]")
_SCRIPT_DATES = etree.XPath(
    "//script[not(@src)][contains(., 'ublished') or contains(., 'ublishDate') "
    "or contains(., 'publication_date') or contains(., 'postedAt')]/text()")
_BLOB_DATE = re.compile(
    r"[\"'](?:datePublished|publishedAt|publishDate|published_at|publishedDate|"
    r"first_publication_date|firstPublishedAt|postedAt|publicationDate|published_time|"
    r"date_published|pubDate)[\"']?\s*:\s*[\"']([^\"']{8,40})")
_DATE_CLASSED = re.compile(r"date|Date|time|publish|posted|meta|byline|updated")
_DATE_TAGS = frozenset({"span", "div", "p", "time", "li", "small", "abbr", "em", "strong", "a",
                        "dd", "b", "i"})


@dataclass
class Dates:
    """The page's own dates (ISO 8601 strings or None); published_source names the rule
    that found the published date ("jsonld", "headline", "url"...: see field_source)."""

    published: str | None = None
    modified: str | None = None
    published_source: str | None = None

    @property
    def field_source(self) -> str | None:
        """Where the published date was read, as a model.SOURCE_* value: every rule that
        reads a date the page shows its readers (next to the headline, a <time> or
        date-classed element, a labelled line, an "Updated" date) is the byline."""
        if self.published is None or self.published_source is None:
            return None
        return _FIELD_SOURCES.get(self.published_source, SOURCE_BYLINE)


_FIELD_SOURCES = {"jsonld": SOURCE_JSON_LD, "meta": SOURCE_META, "itemprop": SOURCE_MICRODATA,
                  "url": SOURCE_URL, "script": SOURCE_SCRIPT}


def _first_meta(meta: dict[str, list[str]], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        for value in meta.get(key, ()):
            if found := parse_date(value):
                return found
    return None


def _jsonld_date(ld: JsonLd, keys: tuple[str, ...]) -> str | None:
    for obj in (ld.article, ld.page):
        for key in keys:
            value = obj.get(key)
            if isinstance(value, list):
                value = value[0] if value else None
            if found := parse_date(value):
                return found
    return None


def _element_date(node: HtmlElement) -> str | None:
    for attr in ("datetime", "content", "data-datetime", "data-date", "title"):
        if found := parse_date(node.get(attr)):
            return found
    return parse_date(text_of(node)[:120])


def _itemprop_date(tree: HtmlElement, xpath: etree.XPath) -> str | None:
    for node in xpath(tree):
        if (node.tag == "meta" or not in_comments(node)) and (found := _element_date(node)):
            return found
    return None


BEFORE_H1_CHARS = 300


AFTER_H1_CHARS = 600
LABEL_WINDOW = 32


def _label_kind(before: str) -> str:
    """'modified', 'published' or '' from the words just before a date."""
    window = before[-LABEL_WINDOW:].casefold()
    if any(label in window for label in MODIFIED_LABELS):
        return "modified"
    if any(label in window for label in PUBLISHED_LABELS):
        return "published"
    return ""


@dataclass
class Shown:
    """Dates written next to the headline, in reading order."""

    published: str | None = None
    modified: str | None = None
    early: str | None = None  # unlabelled, above the headline: weak evidence
    all: list[str] = field(default_factory=list)
    stated: list[str] = field(default_factory=list)  # every date not labelled as an update
    ambiguous: set[str] = field(default_factory=set)  # read from "02-12-2025": d/m uncertain

    def agrees(self, machine: str | None) -> bool:
        """Does a machine date match one shown and not labelled an update (±1 day, d/m swap)?

        A machine "published" date that the page shows only as "Updated ..."
        is the update date, so it does not count as agreement.
        """
        return any(near_day(shown, machine) for shown in self.stated)

    def labels_update(self, found: str) -> bool:
        """Is found shown next to the headline only behind an "Updated" label?"""
        return bool(self.modified) and _day(found) == _day(self.modified) and not any(
            _day(day) == _day(found) for day in self.stated)


def month_first(tree: HtmlElement) -> bool:
    """Numeric dates are month first on US-English (or undeclared) pages."""
    lang = (tree.get("lang") or "en-us").lower().replace("_", "-")
    return lang in ("en", "en-us")
PROSE_CHARS = 120


def _in_prose(text: str, offset: int) -> bool:
    """Is the date inside a long run of text (a sentence of the story, not a dateline)?"""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return (len(text) if end < 0 else end) - start > PROSE_CHARS


def _ambiguous_at(text: str, offset: int) -> bool:
    """Is the date at offset all numbers, with both day and month 1-12 ("02-12-2025")?"""
    match = NUMERIC_DATE.match(text, offset)
    return bool(match) and match[1] != match[3] and int(match[1]) <= 12 and int(match[3]) <= 12


def near_headline(headline: HtmlElement | None, us_order: bool = True) -> Shown:
    """Dates written next to the headline element.

    Reads a few hundred characters of text before and after the headline
    (above it, dates inside navigation/header bars are skipped).  The first
    date after it not labelled as an update ("Updated", "Aktualisiert",
    "수정") is the published one.  A date above the headline counts as
    published only when labelled ("Published ..."); an unlabelled one is kept
    as weak evidence (Shown.early): it may be a site's "today's date" bar.
    An unlabelled date inside a long run of text below the headline is the
    story's prose ("the deadline is April 15"), not its dateline.
    """
    shown = Shown()
    if headline is None:
        return shown
    before, after = text_window(headline, BEFORE_H1_CHARS, AFTER_H1_CHARS)
    head = "\n".join([*before, text_of(headline)])
    text = "\n".join([head, *after])
    early: str | None = None
    for offset, day in find_dates(text, us_order):
        kind = _label_kind(text[:offset])
        if not kind and offset >= len(head) and _in_prose(text, offset):
            continue  # "the deadline is April 15, 2025." in the story's first lines
        shown.all.append(day)
        if _ambiguous_at(text, offset):
            shown.ambiguous.add(day)
        if kind != "modified":
            shown.stated.append(day)
        if kind == "modified":
            shown.modified = shown.modified or day
        elif offset >= len(head) or kind == "published":
            shown.published = shown.published or day
        else:
            early = early or day
    shown.early = early
    return shown


def script_date(tree: HtmlElement) -> str | None:
    """A publication date inside inline JSON state (Next.js/Nuxt/Prismic blobs)."""
    for raw in _SCRIPT_DATES(tree)[:20]:
        match = _BLOB_DATE.search(raw)
        if match and (found := parse_date(match[1])):
            return found
    return None
LABELLED_LINE_CHARS = 150
MAX_LABELLED_TEXTS = 400


def labelled_in_page(tree: HtmlElement, us_order: bool = True) -> str | None:
    """A date labelled as the publication date anywhere outside noise regions and comments.

    "Post time: 01-04-2024" under the story, far from the headline and in
    no date-classed element: the label says whose date it is.  Read from
    the short line (an element's text up to LABELLED_LINE_CHARS) around
    each text node that may hold a year; the line must start with the label.
    """
    for text in _YEAR_TEXTS(tree)[:MAX_LABELLED_TEXTS]:
        parent = text.getparent()
        if parent is not None and getattr(text, "is_tail", False):
            parent = parent.getparent()
        if parent is None or parent.tag in ("script", "style", "noscript", "template"):
            continue
        line = text_of(parent)
        if len(line) > LABELLED_LINE_CHARS:
            continue
        for offset, day in find_dates(line, us_order):
            if _label_line(line[:offset]) and not in_noise_region(parent) and (
                    not in_comments(parent)):
                return day
            break
    return None


def _label_line(before: str) -> bool:
    """Is the text before a date just a publication label ("Post time:", "Published on")?"""
    label = before.strip(" :|-–—•").casefold()
    return len(label) <= LABEL_WINDOW and any(
        label == word or label.endswith(f" {word}") for word in PUBLISHED_LABELS) and not any(
        word in label for word in MODIFIED_LABELS)


def _labelled(text: str, labels: tuple[str, ...]) -> bool:
    head = text[:40].casefold()
    return any(head.startswith(label) or f" {label}" in head[:30] for label in labels)


def _label_before(node: HtmlElement) -> str:
    """The short text just before a node: its preceding sibling's, or its parent's lead text."""
    previous = node.getprevious()
    while previous is not None and not isinstance(previous.tag, str):
        previous = previous.getprevious()
    if previous is not None:
        return f"{text_of(previous)} {previous.tail or ''}".strip()[-40:]
    parent = node.getparent()
    return (parent.text or "").strip()[-40:] if parent is not None else ""


def _side_published(node: HtmlElement) -> bool:
    """A date labelled "Published" in a side column or a post's footer, not in comments.

    Such columns are noise for unlabelled dates (related posts, today's
    date), but a date the page labels as this page's publication date is
    the page's own.
    """
    if node.tag not in ("time", "span", "div", "p", "dd") or in_comments(node):
        return False
    label = _label_before(node).casefold().rstrip(" :")
    own = text_of(node)[:40]
    if _labelled(own, MODIFIED_LABELS) or any(word in label for word in MODIFIED_LABELS):
        return False
    return any(label.endswith(word) for word in PUBLISHED_LABELS) or _labelled(
        own, PUBLISHED_LABELS)


def _classify(node: HtmlElement, text: str) -> str:
    """'modified', 'published' or '' from the node's classes and label text."""
    attrs = f"{node.get('class', '')} {node.get('id', '')} {node.get('itemprop', '')}".lower()
    if _labelled(text, MODIFIED_LABELS) or "modified" in attrs or "revision" in attrs or (
            "updated" in attrs and "published" not in attrs and "entry-date" not in attrs):
        return "modified"
    if _labelled(text, PUBLISHED_LABELS) or "publish" in attrs or "pubdate" in attrs or (
            node.get("pubdate") is not None):
        return "published"
    return ""


@dataclass
class DomDates:
    """Dates in <time> and date-classed elements outside noise regions."""

    published: str | None = None  # labelled or marked as the publication date
    plain: str | None = None  # the first unlabelled one
    modified: str | None = None
    original: str | None = None  # "Originally published ...": the first publication
    side: str | None = None  # labelled "Published" in a side column or the post's footer


def _dom_dates(tree: HtmlElement, index: ClassIndex) -> DomDates:
    """Published, unlabelled, modified and "originally published" dates from the DOM."""
    out = DomDates()
    seen = 0
    classed = index.find(_DATE_CLASSED, _DATE_TAGS)
    for node in _TIMES(tree) + classed:
        if seen > 40:
            break
        if in_noise_region(node):
            if out.side is None and _side_published(node):
                out.side = _element_date(node)
            continue
        text = text_of(node)
        if len(text) > 200:
            continue
        found = _element_date(node)
        if not found:
            continue
        seen += 1
        folded = text.casefold()
        if out.original is None and any(label in folded for label in ORIGINAL_LABELS):
            out.original = parse_human_date(text) or found
            continue
        kind = _classify(node, text)
        if kind == "modified":
            out.modified = out.modified or found
        elif kind == "published":
            out.published = out.published or found
        elif out.plain is None:
            out.plain = found
    return out


def _day(value: str | None) -> str:
    return (value or "")[:10]


def _any_publish_meta(meta: dict[str, list[str]]) -> list[str]:
    """Site-specific names such as 'w-published-date' or 'published-time'."""
    return [found for key, values in meta.items()
            if "publish" in key and "publisher" not in key and (found := parse_date(values[0]))]


def _any_modified_meta(meta: dict[str, list[str]]) -> str | None:
    """Site-specific names such as 'modified-date' or 'updated'."""
    for key, values in meta.items():
        if ("modif" in key or key.endswith("updated")) and (found := parse_date(values[0])):
            return found
    return None


def _machine_published(tree: HtmlElement, meta: dict[str, list[str]], ld: JsonLd,
                       modified: str | None) -> tuple[str | None, str | None]:
    """The first declared publication date, skipping ones later than the declared update."""
    candidates = (
        ("jsonld", lambda: [_jsonld_date(ld, ("datePublished", "dateCreated", "uploadDate"))]),
        ("meta", lambda: [_first_meta(meta, PUBLISHED_META)]),
        ("itemprop", lambda: [_itemprop_date(tree, _ITEMPROP_PUBLISHED)]),
        ("meta", lambda: _any_publish_meta(meta)),
    )
    later: tuple[str | None, str | None] = (None, None)
    for name, read in candidates:
        for found in read():
            if not found:
                continue
            if modified and _day(found) > _day(modified):
                later = later if later[0] else (found, name)  # published after the update?
                continue
            return found, name
    return later


def _settle_order(found: str, url: str, tree: HtmlElement, ambiguous: set[str]) -> str:
    """Day and month of an all-numeric date ("02-12-2025"), settled by the page's own evidence.

    The URL's /2025/12/02/ wins; else a <time datetime> (ISO, unambiguous)
    anywhere on the page, a "recent posts" list included, that has the
    swapped reading and not the one taken.
    """
    settled = swap_by_url(found, url)
    if settled != found or _day(found) not in ambiguous or not (swapped := swapped_day(found)):
        return settled
    stamps = {match[0][:10] for value in _TIME_STAMPS(tree) if (match := ISO_DATE.match(value))}
    return swapped if swapped in stamps and _day(found) not in stamps else found


def _update_elsewhere(shown: Shown, dom: DomDates, machine: str,
                      modified: str | None) -> str | None:
    """The update date shown above the headline or in a date element away from it.

    Above the headline: an unlabelled date that is the declared dateModified.
    Elsewhere (nothing shown next to the headline): a date element labelled
    or classed "Updated", or one that is the declared dateModified, on a page
    whose date elements never show the declared published date.
    """
    if shown.early:
        return shown.early if modified and _day(shown.early) == _day(modified) else None
    if any(_day(found) == _day(machine) for found in (dom.published, dom.plain)):
        return None
    if dom.modified:
        return dom.modified
    return next((found for found in (dom.published, dom.plain)
                 if found and modified and _day(found) == _day(modified)), None)


def _shown_update(shown: Shown, dom_dates: Callable[[], DomDates], machine: str,
                  modified: str | None, graph: str | None) -> str | None:
    """The update date a page shows instead of its declared first publication, or None.

    A page that shows its readers only its last update ("Updated May 2,
    2025", or an unlabelled date that is the declared dateModified), next to
    the headline or, with nothing shown there, above it or in a date element
    away from it, and never the declared datePublished is dated by what it
    shows, unless Open Graph's article:published_time declares a different
    first publication (on WCXB,
    a declared datePublished without it gives way to the shown update on 20
    pages and is the truth on 2).
    """
    if shown.agrees(machine) or (graph and _day(graph) == _day(machine)):
        return None
    if shown.published:
        update_shown = bool(modified and _day(shown.published) == _day(modified)
                            and _day(machine) < _day(modified))
        update = shown.published if update_shown else None
    else:
        update = shown.modified or _update_elsewhere(shown, dom_dates(), machine, modified)
    if not update or _day(update) == _day(machine):
        return None
    return update if not graph or _day(graph) == _day(update) else None


def extract_dates(tree: HtmlElement, url: str, meta: dict[str, list[str]], ld: JsonLd,
                  headline: HtmlElement | None = None,
                  index: ClassIndex | None = None) -> Dates:
    """Published and modified dates.

    Machine-readable dates (JSON-LD, meta, itemprop) come first, but a
    published date written next to the headline wins when it disagrees with
    them: that is the date the page shows its readers (sites often put the
    last-edit date in datePublished).  Exceptions: a date the page shows as
    an update (labelled "Updated", or the declared modified date shown
    without a label) replaces the declared publication date only when no
    other date is shown and Open Graph's article:published_time does not
    declare a different first publication; a declared publication date
    stamped at the same instant as the modified one is weak, and an earlier
    date the page marks as published (or shows above the headline) replaces
    it; a declared publication date later than the declared update
    is skipped.  A machine date one day off the URL's /2025/01/12/ date is a
    UTC shift: the URL's local day is kept.  Without machine dates: an
    "Originally published" date, <time>/date-classed elements (not one the
    headline area shows only as "Updated ..."), a line anywhere outside noise
    regions that starts with a publication label ("Post time: ..."), inline
    JSON state, the URL,
    an unlabelled date above the headline, and last an "Updated" date shown
    on the page.  A shown date agrees with a zoned machine timestamp only if
    some real time zone (UTC-12 to UTC+14) puts the instant on that day.
    A modified date the page does not show is never used as the published one.
    """
    modified = (_jsonld_date(ld, ("dateModified",)) or _first_meta(meta, MODIFIED_META)
                or _itemprop_date(tree, _ITEMPROP_MODIFIED) or _any_modified_meta(meta))
    machine, source = _machine_published(tree, meta, ld, modified)
    shown = near_headline(headline, month_first(tree))
    modified = modified or shown.modified
    dom: DomDates | None = None

    def dom_dates() -> DomDates:
        nonlocal dom
        if dom is None:
            dom = _dom_dates(tree, index or ClassIndex(tree))
        return dom

    if shown.published and not shown.agrees(machine):
        update_shown = bool(machine and modified and _day(shown.published) == _day(modified)
                            and _day(machine) < _day(modified))
        if not update_shown:
            original = dom_dates().original
            if original and _day(original) < _day(shown.published):
                return Dates(original, modified, "original")
            published = _settle_order(shown.published, url, tree, shown.ambiguous)
            return Dates(published, modified, "headline")
    graph = _first_meta(meta, OPEN_GRAPH_PUBLISHED) if machine else None
    if machine and (update := _shown_update(shown, dom_dates, machine, modified, graph)):
        return Dates(swap_by_url(update, url), modified, "shown-update")
    if machine:
        if same_instant(machine, modified):
            earlier = dom_dates().published or shown.early
            if earlier and _day(earlier) < _day(machine):
                return Dates(earlier, modified, "dom")
        local = url_date(url)
        if local and one_day_apart(local, machine):
            return Dates(local, modified, "url")  # the site's local day; machine is UTC
        return Dates(machine, modified, source)
    found_dom = dom_dates()
    modified = modified or found_dom.modified
    later = (("original", lambda: found_dom.original),
             ("dom", lambda: found_dom.published or found_dom.side or found_dom.plain),
             ("labelled", lambda: labelled_in_page(tree, month_first(tree))),
             ("script", lambda: script_date(tree)),
             ("url", lambda: url_date(url)), ("above-headline", lambda: shown.early),
             ("modified", lambda: shown.modified or found_dom.modified))
    for name, read in later:
        if found := read():
            if name == "dom" and shown.labels_update(found):
                continue  # the page shows it as "Updated ...": a later date may be the first
            if name in ("dom", "above-headline"):
                found = swap_by_url(found, url)
            return Dates(found, modified, name)
    return Dates(None, modified, None)
