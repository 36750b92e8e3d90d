"""Article, listing, paywalled or other: a page's shape, text, declarations and URL weighed.

The rule, in order (docs/schema.md, "Page types"):

1. "other" when the page is an error page (an ERROR_PHRASES phrase in the title or
   the opening of a short text).
2. "paywalled" when its only text is a paywall stub (is_paywalled: paywall markup or
   a stub line, under PAYWALL_MAX_LEAD_WORDS words besides the stub, and no story in
   the page's HTML either).
3. "other" when it is an empty shell (almost no text, few links, no prose block):
   app shells, forms, consent walls.
4. "listing" when the text is one line template repeated (templated: an archive of
   "Archive entry N" lines, a calendar); not when the line repeated has no letter ("$12.50",
   "15%": the cells of a table of figures in an article).
5. Otherwise "listing" when listing_score() > 0, else "article".
   listing_score = BIAS + sum(WEIGHTS[f] * page_features()[f]): the log-odds of a
   logistic regression fitted offline by bench/fit_pagetype.py (numpy, Newton, L2
   lambda=10, listings weighted x1.5) on the 892 WCXB dev pages, each under its real URL
   and under an opaque one (https://HOST/p/<sha1>.html), so the URL weighs what it still
   says when it is an id. Cross-fitted (fit on one half, scored on the other, on today's
   features): articles 0.974 / listings 0.818 with real URLs, 0.970 / 0.788 URL-blind; the
   fit on all of WCXB, with the whole cleaner (rules 1-4 included): 0.979 / 0.909 and
   0.976 / 0.889 (bench/eval_pagetype.py measures it).

Features come from four places: the original tree before pruning
(cleaners.pagetype_features.page_shape: links, link density, headline links in
repeated card structures, "read more" and page-number links, the largest block
of prose paragraphs, headings that are links), the clean text (words, long
blocks, blocks that are headline links of the page), what the page declares of itself
and the URL of the page (its canonical or og:url on the same site, else the fetched URL:
/tag/, /topics/, ?page=2, a dated path, a slug of many words, an opaque id).
Declarations (declared_article: a JSON-LD Article-family type, og:type article,
article:published_time, itemprop=articleBody) weigh -2.0 each, set rather than fitted
(WCXB dev alone undervalues them: it has few news portals), so that they outweigh the URL
and the link counts while a listing that carries og:type article site-wide can still be
called a listing by the rest of its features.
A positive weight pushes toward "listing", a negative one toward "article".
"""

from __future__ import annotations

import math
import re
from collections import Counter

from .model import Metadata
from .pagetype_features import PAYWALL_LOOK_PROSE, PageShape, page_shape
from .words import count_words

__all__ = ["PageShape", "classify_page", "declared_article", "is_error", "is_other",
           "is_paywalled", "listing_score", "page_features", "page_shape", "surely_listing",
           "templated"]

#: log-odds weights per feature (positive: listing): bench/fit_pagetype.py output; url_page and
#: declared_article are set by hand there (PRIOR); see the module docstring
WEIGHTS: dict[str, float] = {
    "ld_collection": +3.351,
    "link_density": +2.715,
    "linked_block_share": +2.379,
    "text_page_share": +2.096,
    "declared_article": -2.000,
    "url_page": +2.000,
    "url_listing_word": +1.929,
    "pagination": +1.354,
    "url_root": +0.965,
    "log_read_more": +0.881,
    "url_date": -0.873,
    "h1_none": +0.714,
    "log_headline_group": +0.602,
    "log_long_blocks": -0.544,
    "log_links": +0.522,
    "linked_heading_share": +0.519,
    "has_published": -0.485,
    "log_prose_block_paragraphs": -0.413,
    "log_words": -0.376,
    "log_prose_block_chars": -0.367,
    "url_slug_words": -0.355,
    "url_depth": -0.304,
    "ld_person": -0.219,
    "log_articles": +0.205,
    "log_linked_headings": -0.203,
    "h1_many": +0.194,
    "url_numeric_id": +0.164,
    "url_opaque": -0.136,
    "log_times": +0.116,
    "has_authors": +0.066,
    "prose_block_share": -0.032,
    "log_long_paragraphs": -0.025,
}
BIAS = +1.486

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

#: a templated list: at least this many blocks, and at least this share of them the same line
#: once digits are removed ("Archive entry 17: filed on day 3", a calendar, a generated index)
TEMPLATE_MIN_BLOCKS = 30
TEMPLATE_MIN_SHARE = 0.5
_DIGITS = re.compile(r"\d+")
_LETTER = re.compile(r"[^\W\d_]")

# --- paywall (vocabulary as data, lower case) ------------------------------------------------

#: a line that is only one of these (punctuation aside) is a subscription button or label
PAYWALL_LABELS = frozenset({
    "abonnement", "abonnieren", "jetzt abonnieren", "abo", "abo abschließen", "subscribe",
    "subscribe now", "subscribe today", "subscription", "s'abonner", "je m'abonne",
    "abonnez-vous", "suscríbete", "suscribirse", "suscripción", "assine", "assinar",
    "assinatura", "abbonati", "abbonamento", "abonneren", "abonnement afsluiten",
    "prenumerera", "abonner", "prenumerata", "subskrybuj", "подписаться", "подписка",
    "передплатити", "abone ol", "購読", "購読する", "有料会員", "订阅", "訂閱", "구독", "구독하기",
    "sign in to read", "log in to read", "login to read",
})
#: phrases of a paywall stub (looked for in the short lines of the text)
PAYWALL_PHRASES: tuple[str, ...] = (
    "subscribe to continue reading", "subscribe to read", "subscribe to keep reading",
    "subscribe for full access", "to continue reading, subscribe", "continue reading with",
    "this article is for subscribers", "this content is for subscribers",
    "available to subscribers only", "for subscribers only", "subscribers only",
    "exclusive to subscribers", "already a subscriber", "become a subscriber",
    "this article is exclusive", "premium content", "unlock this article",
    "nur für abonnenten", "für abonnenten", "exklusiv für abonnenten", "abonnenten lesen",
    "weiterlesen mit", "jetzt weiterlesen", "artikel freischalten", "plus-artikel",
    "réservé aux abonnés", "article réservé", "abonnez-vous pour lire", "la suite est réservée",
    "exclusivo para suscriptores", "solo para suscriptores", "contenido exclusivo",
    "riservato agli abbonati", "contenuto riservato", "esclusivo per gli abbonati",
    "exclusivo para assinantes", "conteúdo exclusivo", "só para assinantes",
    "alleen voor abonnees", "exclusief voor abonnees", "tylko dla prenumeratorów",
    "tylko dla subskrybentów", "только для подписчиков", "доступен только подписчикам",
    "для подписчиков", "лише для передплатників", "abonelere özel",
    "会員限定", "有料会員限定", "この記事は有料", "続きは有料", "付费内容", "付费阅读", "订阅后",
    "訂閱後", "會員專屬", "유료 회원", "구독자 전용",
)
PAYWALL_STUB_MAX_WORDS = 40  # a stub line is short
PAYWALL_MAX_LEAD_WORDS = 50  # text beyond the stub lines under this: the lead is no article
PAYWALL_MAX_DOM_PROSE = PAYWALL_LOOK_PROSE  # nor more prose (text_length) in one block: 150 words
_PUNCT = re.compile(r"[^\w\s']+")

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
        "ld_collection": float(bool(types & _COLLECTION_TYPES)),
        "ld_person": float("person" in types),
        "url_depth": float(min(shape.url_depth, 6)),
        "url_slug_words": float(min(shape.url_slug_words, 12)),
        "url_numeric_id": float(shape.url_numeric_id),
        "url_date": float(shape.url_date),
        "url_listing_word": float(shape.url_listing_word),
        "url_page": float(shape.url_page),
        "url_root": float(shape.url_root),
        "url_opaque": float(shape.url_opaque),
        "declared_article": float(declared_article(shape, meta)),
    }


def declared_article(shape: PageShape, meta: Metadata) -> int:
    """How many ways the page declares itself an article (0-4): a JSON-LD type of the
    Article family, og:type article, article:published_time, itemprop=articleBody."""
    types = {t.lower() for t in meta.jsonld_types}
    return (bool(types & _ARTICLE_TYPES) + ((meta.og_type or "").lower() == "article")
            + shape.declared_published + shape.article_body)


def templated(text: str) -> bool:
    """The text is one line template repeated (see TEMPLATE_MIN_BLOCKS): a generated list."""
    blocks = [b for b in text.split("\n") if b.strip()]
    if len(blocks) < TEMPLATE_MIN_BLOCKS:
        return False
    forms = Counter(_DIGITS.sub("#", b.strip()) for b in blocks)
    form, count = forms.most_common(1)[0]
    # a form without a letter ("$#.#", "#%", "#:#") is a cell of a table of figures (a tip
    # chart, a price or score table in an article), not an entry line repeated
    return count >= TEMPLATE_MIN_SHARE * len(blocks) and _LETTER.search(form) is not None


def _is_stub_line(line: str) -> bool:
    flat = " ".join(_PUNCT.sub(" ", line.lower()).split())
    if flat in PAYWALL_LABELS:
        return True
    if count_words(line) > PAYWALL_STUB_MAX_WORDS:
        return False
    low = line.lower()
    return any(phrase in low for phrase in PAYWALL_PHRASES)


def is_paywalled(shape: PageShape, text: str, paywall_prompt: bool = False) -> bool:
    """Only a paywall stub: paywall markup in the page (PageShape.paywall_markup) or a stub
    line in the text (PAYWALL_LABELS, PAYWALL_PHRASES), fewer than PAYWALL_MAX_LEAD_WORDS
    words of text once the stub lines are dropped, and no more prose than
    PAYWALL_MAX_DOM_PROSE in any one block of the page (else the story is in the page and
    the page is an article whatever the extraction found). paywall_prompt: the pre-clean
    removed a subscription prompt (cleaners.interstitials), a stub line all the same."""
    if shape.prose_block_chars >= PAYWALL_MAX_DOM_PROSE:
        return False
    lead = 0
    stub = paywall_prompt
    for line in text.split("\n"):
        if not line.strip():
            continue
        if _is_stub_line(line):
            stub = True
            continue
        lead += count_words(line)
        if lead >= PAYWALL_MAX_LEAD_WORDS:
            return False
    return stub or shape.paywall_markup


def listing_score(features: dict[str, float]) -> float:
    """Log-odds that the page is a listing: BIAS + sum of WEIGHTS x features."""
    return BIAS + sum(weight * features.get(name, 0.0) for name, weight in WEIGHTS.items())


def is_error(meta: Metadata, text: str) -> bool:
    """An error page: an ERROR_PHRASES phrase in the title or the opening of a short text."""
    if count_words(text) >= ERROR_MAX_WORDS:
        return False
    head = " ".join([meta.title or "", text[:200]]).lower()
    return any(phrase in head for phrase in ERROR_PHRASES)


def is_other(shape: PageShape, meta: Metadata, text: str) -> bool:
    """Not news content: an error page, or an empty shell (app, form, consent wall)."""
    return is_error(meta, text) or (
        count_words(text) < SHELL_MAX_WORDS and shape.links < SHELL_MAX_LINKS
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
    it "other"; the title is the only place looked at here.) Never on a page that declares
    itself an article (declared_article), nor on one with paywall markup; a stub line alone
    (no markup) on a page that is surely a listing leaves it a listing in a crawl."""
    if shape.links < SHELL_MAX_LINKS or declared_article(shape, meta) or shape.paywall_markup:
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


def classify_page(shape: PageShape, meta: Metadata, text: str,
                  paywall_prompt: bool = False) -> str:
    """"article", "listing", "paywalled" or "other" (the module docstring has the rule);
    paywall_prompt: the pre-clean removed a subscription prompt from the page."""
    if is_error(meta, text):
        return "other"
    if is_paywalled(shape, text, paywall_prompt):
        return "paywalled"
    if is_other(shape, meta, text):
        return "other"
    if templated(text):
        return "listing"
    return "listing" if listing_score(page_features(shape, meta, text)) > 0 else "article"
