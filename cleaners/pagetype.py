"""Article, listing or other: a page's shape, text and URL weighed by a small linear score.

The rule, in order:

1. "other" (not news content) when the page is an error page (an ERROR_PHRASES
   phrase in the title or the opening of a short text) or an empty shell (almost
   no text, few links, no prose block): app shells, forms, consent walls.
2. Otherwise "listing" when listing_score() > 0, else "article".
   listing_score = BIAS + sum(WEIGHTS[f] * page_features()[f]): the log-odds of a
   logistic regression fitted offline (numpy, Newton, L2 lambda=10, listings
   weighted x4) on the 892 WCXB dev pages; 5-fold cross-validated accuracy 0.954,
   listing recall 0.903, article recall 0.960 (bench/eval_pagetype.py measures it end to end).

Features come from three places: the original tree before pruning
(cleaners.pagetype_features.page_shape: links, link density, headline links in
repeated card structures, "read more" and page-number links, the largest block
of prose paragraphs, headings that are links), the clean text (words, long
blocks, blocks that are headline links of the page) and what the page says of
itself (og:type, JSON-LD types, a date or byline of its own), plus the URL
(/tag/, /topics/, ?page=2, a dated path, a slug of many words). og:type and
JSON-LD are hints with a weight like any other, not the truth.
A positive weight pushes toward "listing", a negative one toward "article".
"""

from __future__ import annotations

import math

from .model import Metadata
from .pagetype_features import PageShape, page_shape
from .words import count_words

__all__ = ["PageShape", "classify_page", "is_other", "listing_score", "page_features",
           "page_shape", "surely_listing"]

#: log-odds weights per feature (positive: listing): bench/fit_pagetype.py output; url_page is
#: set by hand there (no WCXB dev URL has a page number); see the module docstring
WEIGHTS: dict[str, float] = {
    "ld_collection": +4.264,
    "url_listing_word": +2.163,
    "link_density": +2.151,
    "url_page": +2.000,
    "text_page_share": +1.725,
    "has_published": -1.256,
    "url_date": -1.093,
    "ld_person": -0.935,
    "og_article": -0.931,
    "pagination": +0.906,
    "linked_block_share": +0.807,
    "url_root": +0.676,
    "linked_heading_share": +0.672,
    "log_read_more": +0.609,
    "log_headline_group": +0.509,
    "log_links": +0.507,
    "h1_many": +0.472,
    "url_slug_words": -0.432,
    "log_long_blocks": -0.432,
    "log_prose_block_paragraphs": -0.412,
    "has_authors": -0.379,
    "log_prose_block_chars": -0.353,
    "log_words": -0.301,
    "url_depth": -0.284,
    "h1_none": +0.262,
    "log_times": +0.250,
    "log_long_paragraphs": -0.182,
    "url_numeric_id": +0.160,
    "ld_article": -0.155,
    "log_linked_headings": -0.152,
    "log_articles": +0.050,
    "prose_block_share": -0.005,
}
BIAS = +2.799

#: phrases of error pages (lower case), looked for in the title and the text's start
ERROR_PHRASES: tuple[str, ...] = (
    "page not found", "404 not found", "error 404", "404 error", "not found (404)",
    "this page doesn't exist", "this page does not exist", "page cannot be found",
    "page could not be found", "we can't find that page", "we couldn't find that page",
    "access denied", "403 forbidden", "500 internal server error", "service unavailable",
    "seite nicht gefunden", "page introuvable", "página no encontrada", "pagina non trovata",
    "página não encontrada", "pagina niet gevonden", "strona nie została znaleziona",
    "страница не найдена", "сторінку не знайдено", "페이지를 찾을 수 없습니다",
    "ページが見つかりません", "页面不存在",
)
ERROR_MAX_WORDS = 150
SHELL_MAX_WORDS = 25  # an empty shell: fewer words than this in the clean text,
SHELL_MAX_LINKS = 10  # fewer links than this on the page,
SHELL_MAX_PROSE = 200  # and less prose than this (characters) in any one block
LONG_BLOCK_WORDS = 40  # a block of this many words counts as long

_ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
    "opinionnewsarticle", "report", "techarticle", "scholarlyarticle", "liveblogposting",
    "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "socialmediaposting",
    "recipe", "howto", "review",
})
_COLLECTION_TYPES = frozenset({"collectionpage", "searchresultspage", "profilepage"})


def _log(value: float) -> float:
    return math.log1p(max(value, 0.0))


def page_features(shape: PageShape, meta: Metadata, text: str) -> dict[str, float]:
    """Numeric features of one page (log-scaled counts, ratios, 0/1 flags)."""
    blocks = [b for b in text.split("\n\n") if b.strip()] if text else []
    words = count_words(text)
    long_blocks = sum(1 for b in blocks if count_words(b) >= LONG_BLOCK_WORDS)
    n_blocks = max(len(blocks), 1)
    linked = sum(1 for b in blocks if " ".join(b.split()).lower() in shape.headline_texts)
    types = {t.lower() for t in meta.jsonld_types}
    og = (meta.og_type or "").lower()
    body = max(shape.body_chars, 1)
    return {
        "log_words": _log(words),
        "log_long_blocks": _log(long_blocks),
        "linked_block_share": linked / n_blocks,
        "link_density": min(shape.link_chars / body, 1.0),
        "text_page_share": min(len(text) / body, 1.0),
        "log_links": _log(shape.links),
        "log_headline_group": _log(shape.headline_group),
        "log_read_more": _log(shape.read_more),
        "pagination": float(shape.next_link or shape.page_number_links >= 2),
        "log_long_paragraphs": _log(shape.long_paragraphs),
        "log_prose_block_chars": _log(shape.prose_block_chars),
        "log_prose_block_paragraphs": _log(shape.prose_block_paragraphs),
        "prose_block_share": shape.prose_block_chars / max(shape.paragraph_chars, 1),
        "log_articles": _log(shape.articles),
        "log_times": _log(shape.times),
        "h1_many": float(shape.h1 >= 2),
        "h1_none": float(shape.h1 == 0),
        "log_linked_headings": _log(shape.linked_headings),
        "linked_heading_share": shape.linked_headings / max(shape.headings, 1),
        "has_published": float(bool(meta.published)),
        "has_authors": float(bool(meta.authors)),
        "og_article": float(og == "article"),
        "ld_article": float(bool(types & _ARTICLE_TYPES)),
        "ld_collection": float(bool(types & _COLLECTION_TYPES)),
        "ld_person": float("person" in types),
        "url_depth": float(min(shape.url_depth, 6)),
        "url_slug_words": float(min(shape.url_slug_words, 12)),
        "url_numeric_id": float(shape.url_numeric_id),
        "url_date": float(shape.url_date),
        "url_listing_word": float(shape.url_listing_word),
        "url_page": float(shape.url_page),
        "url_root": float(shape.url_root),
    }


def listing_score(features: dict[str, float]) -> float:
    """Log-odds that the page is a listing: BIAS + sum of WEIGHTS x features."""
    return BIAS + sum(weight * features.get(name, 0.0) for name, weight in WEIGHTS.items())


def is_other(shape: PageShape, meta: Metadata, text: str) -> bool:
    """Not news content: an error page, or an empty shell (app, form, consent wall)."""
    words = count_words(text)
    if words < ERROR_MAX_WORDS:
        head = " ".join([meta.title or "", text[:200]]).lower()
        if any(phrase in head for phrase in ERROR_PHRASES):
            return True
    return (words < SHELL_MAX_WORDS and shape.links < SHELL_MAX_LINKS
            and shape.prose_block_chars < SHELL_MAX_PROSE)


#: the features read off the clean text; surely_listing() bounds them by the page's size
TEXT_FEATURES = frozenset({"log_words", "log_long_blocks", "linked_block_share",
                           "text_page_share"})


def surely_listing(shape: PageShape, meta: Metadata) -> bool:
    """True when classify_page() says "listing" whatever the clean text is, so the text need
    not be extracted: listing_score() is positive with every text feature at its least
    listing-like (no text share, no linked blocks, and as many words and long blocks as
    the page's body could hold), the title names no error, and the page has too many links
    to be an empty shell. (An error phrase in the opening of a short text would have made
    it "other"; the title is the only place looked at here.)"""
    if shape.links < SHELL_MAX_LINKS:
        return False
    title = (meta.title or "").lower()
    if any(phrase in title for phrase in ERROR_PHRASES):
        return False
    words = shape.body_chars / 2  # a word and its space: at least two characters
    highest = {"log_words": _log(words), "log_long_blocks": _log(words / LONG_BLOCK_WORDS),
               "linked_block_share": 1.0, "text_page_share": 1.0}
    features = page_features(shape, meta, "")
    features.update({name: highest[name] if WEIGHTS[name] < 0 else 0.0
                     for name in TEXT_FEATURES})
    return listing_score(features) > 0


def classify_page(shape: PageShape, meta: Metadata, text: str) -> str:
    """"article", "listing" or "other" (see the module docstring for the rule)."""
    if is_other(shape, meta, text):
        return "other"
    return "listing" if listing_score(page_features(shape, meta, text)) > 0 else "article"
