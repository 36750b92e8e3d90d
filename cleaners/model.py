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
    """

    extra_noise_selectors: tuple[str, ...] = ()
    boilerplate_lines: frozenset[str] = frozenset()
    language_chars: int = 2000
    max_nodes: int = 200_000
    max_depth: int = 400
    listing_text: bool = True


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
