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
from datetime import UTC, date, datetime, timedelta
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from .metadata_dom import (
    ClassIndex,
    JsonLd,
    clean_text,
    in_comments,
    in_noise_region,
    text_of,
    text_window,
)
from .metadata_vocab import MODIFIED_LABELS, MONTHS, ORIGINAL_LABELS, PUBLISHED_LABELS

MIN_YEAR = 1995

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

_ISO = re.compile(
    r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?(?!\d)")
_YMD = re.compile(r"(?<!\d)(\d{4})([/.])(\d{1,2})\2(\d{1,2})(?!\d)")
_CJK = re.compile(r"(\d{4})\s*[년年]\s*(\d{1,2})\s*[월月]\s*(\d{1,2})\s*[일日]?")
_WORD = r"([^\W\d_]{3,12})"
_DMY_WORD = re.compile(
    r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?" + _WORD
    + r"\.?,?\s+(?:de\s+)?(\d{4})(?!\d)", re.IGNORECASE)
_MDY_WORD = re.compile(
    _WORD + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)", re.IGNORECASE)
_YMD_WORD = re.compile(r"(?<!\d)(\d{4})\.?\s+" + _WORD + r"\.?\s+(\d{1,2})\.?(?![\d:])",
                       re.IGNORECASE)
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?!\d)")
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])"
    r"(?:/|[_+-]|%20|\.html?|$)")
_URL_MONTH_WORD = re.compile(r"/((?:19|20)\d{2})/([^\W\d_]{3,12})/(0?[1-9]|[12]\d|3[01])/")
_URL_YMD = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])/")
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")


@dataclass
class Dates:
    """The page's own dates (ISO 8601 strings or None)."""

    published: str | None = None
    modified: str | None = None
    published_source: str | None = None


def _now() -> date:
    return (datetime.now(UTC) + timedelta(days=2)).date()


def _valid(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= _now().year + 1:
        return None
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if found <= _now() else None


def _iso_match(match: re.Match[str]) -> str | None:
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    found = _valid(year, month, day)
    if found is None:
        return None
    if match[4] is None:
        return found.isoformat()
    hour, minute, second = int(match[4]), int(match[5]), int(match[6] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return found.isoformat()
    tz = match[7] or ""
    if tz and tz != "Z" and ":" not in tz:
        tz = f"{tz[:3]}:{tz[3:]}"
    return f"{found.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}{tz}"


def _month(word: str) -> int | None:
    return MONTHS.get(word.lower().rstrip("."))


def parse_date(value: Any) -> str | None:
    """The first plausible date in a string (machine or human format), as ISO 8601."""
    text = clean_text(value) if isinstance(value, str) else str(value or "")
    if not text:
        return None
    if _EPOCH.match(text):
        stamp = int(text[:10])
        found = datetime.fromtimestamp(stamp, UTC).date()
        return found.isoformat() if _valid(found.year, found.month, found.day) else None
    match = _ISO.search(text)
    if match and (iso := _iso_match(match)):
        return iso
    return parse_human_date(text)


def _numeric(match: re.Match[str], month_first: bool) -> date | None:
    """'13.01.2025' is day first; '01/13/2025' month first where the page is US English."""
    first, second, year = int(match[1]), int(match[3]), int(match[4])
    if first > 12 or ((match[2] == "." or not month_first) and second <= 12):
        return _valid(year, second, first)
    return _valid(year, first, second)


def _word_dmy(match: re.Match[str]) -> date | None:
    month = _month(match[2])
    return _valid(int(match[3]), month, int(match[1])) if month else None


def _word_ymd(match: re.Match[str]) -> date | None:
    month = _month(match[2])
    return _valid(int(match[1]), month, int(match[3])) if month else None


def _word_mdy(match: re.Match[str]) -> date | None:
    month = _month(match[1])
    return _valid(int(match[3]), month, int(match[2])) if month else None


_HUMAN_PATTERNS = (
    (_ISO, lambda m: _valid(int(m[1]), int(m[2]), int(m[3]))),
    (_CJK, lambda m: _valid(int(m[1]), int(m[2]), int(m[3]))),
    (_YMD, lambda m: _valid(int(m[1]), int(m[3]), int(m[4]))),
    (_DMY_WORD, _word_dmy),
    (_MDY_WORD, _word_mdy),
    (_YMD_WORD, _word_ymd),
)


def find_dates(text: str, month_first: bool = True) -> list[tuple[int, str]]:
    """Every plausible date written in the text, as (offset, YYYY-MM-DD), in text order.

    month_first decides "03/10/2023" (True: March 10, as in US English).
    """
    found: dict[int, str] = {}
    taken: list[tuple[int, int]] = []
    patterns = (*_HUMAN_PATTERNS, (_NUMERIC, lambda m: _numeric(m, month_first)))
    for pattern, build in patterns:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            if day := build(match):
                found[start] = day.isoformat()
                taken.append((start, end))
    return sorted(found.items())


def parse_human_date(text: str) -> str | None:
    """Dates as people write them: 'January 13, 2025', '13. Januar 2025', '2025년 1월 13일'."""
    dates = find_dates(text)
    return dates[0][1] if dates else None


def url_date(url: str) -> str | None:
    """A /2025/01/12/ (or /20250112/) date in the URL path."""
    path = url.split("?", 1)[0]
    match = _URL_YMD.search(path) or _URL_DATE.search(path)
    if not match:
        word = _URL_MONTH_WORD.search(path)
        month = _month(word[2]) if word else None
        found = _valid(int(word[1]), month, int(word[3])) if word and month else None
        return found.isoformat() if found else None
    found = _valid(int(match[1]), int(match[2]), int(match[3]))
    return found.isoformat() if found else None


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
        return any(_near_day(shown, machine) for shown in self.stated)

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
    match = _NUMERIC.match(text, offset)
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


# local time zones span UTC-12:00 to UTC+14:00
_EARLIEST_ZONE, _LATEST_ZONE = timedelta(hours=-12), timedelta(hours=14)


def _local_days(machine: str) -> tuple[date, date] | None:
    """The first and last local day a zoned timestamp can fall on anywhere on Earth."""
    if len(machine) <= 19 or machine[10] != "T":
        return None
    try:
        instant = datetime.fromisoformat(machine.replace("Z", "+00:00"))
    except ValueError:
        return None
    if instant.tzinfo is None:
        return None
    utc = instant.astimezone(UTC).replace(tzinfo=None)
    return (utc + _EARLIEST_ZONE).date(), (utc + _LATEST_ZONE).date()


def _near_day(shown: str, machine: str | None) -> bool:
    """The same day in some time zone, or the same date with day and month swapped.

    A zoned timestamp (2025-12-19T22:02:58Z) is shown as 12-19 or 12-20
    somewhere on Earth, never as 12-18; without a zone, one day either way.
    """
    if not machine:
        return False
    try:
        want, day = date.fromisoformat(machine[:10]), date.fromisoformat(shown[:10])
    except ValueError:
        return False
    span = _local_days(machine)
    if span and span[0] <= day <= span[1]:
        return True
    if span is None and abs((day - want).days) <= 1:
        return True
    return day.day <= 12 and _valid(day.year, day.day, day.month) == want


def _one_day_apart(one: str, other: str) -> bool:
    try:
        return abs((date.fromisoformat(one[:10]) - date.fromisoformat(other[:10])).days) == 1
    except ValueError:
        return False


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


def _same_instant(one: str | None, other: str | None) -> bool:
    """Two timestamps with the same date and clock time (the CMS stamped both at once)."""
    return bool(one and other and len(one) >= 16 and one[:19] == other[:19])


def _swap_by_url(found: str, url: str) -> str:
    """'03/10/2023' read month first when the URL says 2023/10/03: the URL's order wins."""
    local = url_date(url)
    if local and found[:10] != local:
        day = date.fromisoformat(found[:10])
        if day.day <= 12 and _valid(day.year, day.day, day.month) == date.fromisoformat(local):
            return local
    return found


def _swapped(found: str) -> str | None:
    day = date.fromisoformat(found[:10])
    swapped = _valid(day.year, day.day, day.month) if day.day <= 12 else None
    return swapped.isoformat() if swapped else None


def _settle_order(found: str, url: str, tree: HtmlElement, ambiguous: set[str]) -> str:
    """Day and month of an all-numeric date ("02-12-2025"), settled by the page's own evidence.

    The URL's /2025/12/02/ wins; else a <time datetime> (ISO, unambiguous)
    anywhere on the page, a "recent posts" list included, that has the
    swapped reading and not the one taken.
    """
    settled = _swap_by_url(found, url)
    if settled != found or _day(found) not in ambiguous or not (swapped := _swapped(found)):
        return settled
    stamps = {match[0][:10] for value in _TIME_STAMPS(tree) if (match := _ISO.match(value))}
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
        return Dates(_swap_by_url(update, url), modified, "shown-update")
    if machine:
        if _same_instant(machine, modified):
            earlier = dom_dates().published or shown.early
            if earlier and _day(earlier) < _day(machine):
                return Dates(earlier, modified, "dom")
        local = url_date(url)
        if local and _one_day_apart(local, machine):
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
                found = _swap_by_url(found, url)
            return Dates(found, modified, name)
    return Dates(None, modified, None)
