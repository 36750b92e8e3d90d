"""clean_page: raw HTML bytes + URL -> CleanPage, one parse, stages in order.

decode -> parse -> metadata + page shape (original tree) -> prune noise ->
extract blocks -> post-clean -> page type -> language -> fingerprint. URL fields keep
absolute http(s) URLs only (cleaners.urlfields); the others are dropped and counted in
CleanPage.dropped_urls. CleanPage.declared_article says whether the page declared its type an
article (JSON-LD, og:type), so a crawl can count the non-articles that did. With
CleanOptions.listing_text off, a page that is a listing whatever its text
(pagetype.surely_listing) skips pruning, extraction and post-cleaning.
clean_page_and_links also returns the page's link targets, read off the same tree
before the noise (navigation included) is pruned.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from .decode import decode_html
from .dom import parse_html
from .extract import extract_blocks
from .fingerprint import content_hash
from .language import detect_language
from .links import page_links
from .metadata import extract_metadata
from .model import CleanOptions, CleanPage, Metadata
from .pagetype import PageShape, classify_page, declared_article, page_shape, surely_listing
from .postclean import postclean
from .preclean import prune_noise
from .textnorm import strip_invisible
from .urlfields import web_urls
from .words import count_words

DEFAULT_OPTIONS = CleanOptions()


def clean_page(
    html: bytes | str,
    url: str = "",
    options: CleanOptions | None = None,
    http_charset: str | None = None,
) -> CleanPage:
    """Clean one page. Raises cleaners.errors.CleanError for non-HTML input."""
    opts = options or DEFAULT_OPTIONS
    return _clean_tree(_parse(html, opts, http_charset), url, opts)


def clean_page_and_links(
    html: bytes | str,
    url: str = "",
    options: CleanOptions | None = None,
    http_charset: str | None = None,
) -> tuple[CleanPage, tuple[str, ...]]:
    """clean_page, plus the absolute targets of the page's links (cleaners.links)."""
    opts = options or DEFAULT_OPTIONS
    tree = _parse(html, opts, http_charset)
    links = page_links(tree, url)
    return _clean_tree(tree, url, opts), links


def _parse(html: bytes | str, opts: CleanOptions, http_charset: str | None) -> HtmlElement:
    return parse_html(decode_html(html, http_charset), opts.max_nodes, opts.max_depth)


def _clean_tree(tree: HtmlElement, url: str, opts: CleanOptions) -> CleanPage:
    meta = extract_metadata(tree, url)
    shape = page_shape(tree, url, meta.canonical_url)
    if not opts.listing_text and surely_listing(shape, meta):
        text, page_type = "", "listing"  # the extraction would not change the verdict
    else:
        paywall_prompt = prune_noise(tree, opts.extra_noise_selectors)
        blocks = postclean(extract_blocks(tree, url, opts.extract), meta, opts.boilerplate_lines)
        text = "\n\n".join(blocks)
        page_type = classify_page(shape, meta, text, paywall_prompt)
    text = strip_invisible(text)  # soft hyphens, zero-width spaces (metadata: clean_text)
    (canonical, image), dropped_urls = web_urls(url, meta.canonical_url, meta.image)
    return CleanPage(
        url=url,
        canonical_url=canonical,
        page_type=page_type,
        title=meta.title,
        authors=meta.authors,
        published=meta.published,
        modified=meta.modified,
        language=detect_language(text or (meta.title or ""), meta.declared_language,
                                 opts.language_chars),
        section=meta.section,
        tags=meta.tags,
        description=meta.description,
        image=image,
        sitename=meta.sitename,
        text=text,
        word_count=count_words(text),
        content_hash=content_hash(text),
        dropped_urls=dropped_urls,
        declared_article=declares_article_type(shape, meta),
        title_source=meta.title_source,
        author_source=meta.author_source,
        date_source=meta.date_source,
    )


def declares_article_type(shape: PageShape, meta: Metadata) -> bool:
    """A JSON-LD Article-family type or og:type article: pagetype.declared_article's
    declarations less the two that are hints, not a declared type (article:published_time,
    itemprop=articleBody)."""
    return declared_article(shape, meta) > int(shape.declared_published) + int(shape.article_body)
