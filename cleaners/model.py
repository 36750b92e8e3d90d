"""Values that cross the cleaner's boundary: options in, CleanPage out.

Everything here is a plain dataclass so it pickles cheaply to and from the
cleaning process pool and can be stored without knowing about lxml.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: what clean_page says a page is (cleaners.pagetype has the rule): only "article" is stored;
#: "paywalled" is a page whose only text is a paywall stub (docs/schema.md)
PAGE_TYPES = ("article", "listing", "paywalled", "other")

# Where a metadata field was read (CleanPage.title_source / author_source / date_source).
# The store keeps them in articles.*_source: every value here is one of
# storage.contract.FieldSource (tests/test_provenance.py holds the two equal).
SOURCE_JSON_LD = "json-ld"  # <script type=application/ld+json>
SOURCE_META = "meta"  # <meta>: OpenGraph, Dublin Core, article:*, citation_*, twitter:*
SOURCE_MICRODATA = "microdata"  # itemprop attributes
SOURCE_BYLINE = "byline"  # a byline or dateline the page shows (next to the headline, <time>)
SOURCE_HEADING = "heading"  # the page's <h1> (or the <h2> standing in for it)
SOURCE_TITLE_TAG = "title"  # <title>
SOURCE_URL = "url"  # the page's URL (a /2024/05/01/ path)
SOURCE_SCRIPT = "script"  # inline JSON state of a script (Next.js, Nuxt)
FIELD_SOURCES = (SOURCE_JSON_LD, SOURCE_META, SOURCE_MICRODATA, SOURCE_BYLINE, SOURCE_HEADING,
                 SOURCE_TITLE_TAG, SOURCE_URL, SOURCE_SCRIPT)


@dataclass(frozen=True)
class TrafilaturaPass:
    """The settings of one trafilatura extraction (keywords of trafilatura's Extractor)."""

    comments: bool = False
    tables: bool = True
    links: bool = False
    dedup: bool = False
    recall: bool = False
    fast: bool = False
    precision: bool = False


@dataclass(frozen=True)
class ExtractOptions:
    """Knobs of the main text extraction (cleaners.extract); benchmarks try other values
    with dataclasses.replace.

    first_pass: recall focus without the external fallbacks (cheaper than the balanced
        default, and it keeps sections the default drops); when it covers less than
        fallback_share of the page's text, fallback_pass (the balanced extraction, with
        readability/justext comparison) runs too and the longer wins (None: never).
    blob_chars / blob_keep: a first pass that is one paragraph of at least blob_chars without
        line breaks is trafilatura's whole-page baseline text: the fallback pass replaces it
        when it finds structured blocks holding at least blob_keep of its length.
    justext_fallback: when both passes miss most of the page's prose, try jusText
        (cleaners/fallback.py), detecting the page's language from language_sample
        characters of text at least.
    disclosure_depth: a trailing block inside a disclosure widget (an element, or one of this
        many ancestors, that is a <details> or is named accordion / FAQ) is the article's FAQ,
        and is kept.
    recover_headings: put back the h2-h6 headings trafilatura dropped inside the article's
        container; recover_chunks: the rest of a story split into chunks (later containers
        named like the article's); recover_lead: the standfirst (the element showing the
        page's meta description, before the story).
    interruption_blocks / interruption_chars: an inline "read also" box holds at most this
        many blocks after its label, and characters; teaser_chars: a block not found in the
        page continues such a box when it is a list item or link this short.
    """

    first_pass: TrafilaturaPass = TrafilaturaPass(recall=True, fast=True)
    fallback_pass: TrafilaturaPass | None = TrafilaturaPass()
    fallback_share: float = 0.2
    blob_chars: int = 2000
    blob_keep: float = 0.5
    justext_fallback: bool = True
    language_sample: int = 500
    disclosure_depth: int = 4
    recover_headings: bool = True
    recover_chunks: bool = True
    recover_lead: bool = True
    interruption_blocks: int = 6
    interruption_chars: int = 1200
    teaser_chars: int = 160


@dataclass(frozen=True)
class CleanOptions:
    """Knobs for one clean_page call (per site, from the profile and settings).

    extra_noise_selectors: CSS selectors of site-specific noise to drop first.
    boilerplate_lines: normalised lines known to recur on many pages of the
        site (learned from the database by the caller); dropped from the text.
    language_chars: how much clean text langdetect sees (speed vs accuracy).
    max_nodes / max_depth: DOM bounds; a larger document is truncated, not parsed whole.
    listing_text: extract the text of a page that is a listing whatever its text says
        (cleaners.pagetype.surely_listing); a crawler that keeps no listing text turns it
        off and such a page comes back as a listing with its metadata, without text.
    extract: the text extraction's knobs (ExtractOptions).
    """

    extra_noise_selectors: tuple[str, ...] = ()
    boilerplate_lines: frozenset[str] = frozenset()
    language_chars: int = 2000
    max_nodes: int = 200_000
    max_depth: int = 400
    listing_text: bool = True
    extract: ExtractOptions = ExtractOptions()


@dataclass
class Metadata:
    """What the page says about itself (JSON-LD, meta tags, bylines, ...)."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601
    modified: str | None = None  # ISO 8601
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    description: str | None = None
    image: str | None = None
    sitename: str | None = None
    canonical_url: str | None = None
    declared_language: str | None = None  # <html lang>, og:locale, JSON-LD inLanguage
    og_type: str | None = None
    jsonld_types: list[str] = field(default_factory=list)
    # where title, authors and published were read (SOURCE_*; None when the field is empty)
    title_source: str | None = None
    author_source: str | None = None
    date_source: str | None = None


@dataclass
class CleanPage:
    """The clean article (or the verdict that the page is not one)."""

    url: str
    canonical_url: str | None
    page_type: str  # one of PAGE_TYPES
    title: str | None
    authors: list[str]
    published: str | None
    modified: str | None
    language: str | None
    section: str | None
    tags: list[str]
    description: str | None
    image: str | None
    sitename: str | None
    text: str
    word_count: int
    content_hash: str | None
    dropped_urls: int = 0  # URL fields dropped: not http(s) (javascript:, file:, ...)
    # the page declares its type an article (a JSON-LD Article-family type, og:type
    # article), whatever page_type says: a non-article that did is a possible loss
    declared_article: bool = False
    # where title, authors and published were read (SOURCE_*; None when the field is empty)
    title_source: str | None = None
    author_source: str | None = None
    date_source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
