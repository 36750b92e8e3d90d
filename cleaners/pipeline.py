"""clean_page: raw HTML bytes + URL -> CleanPage, one parse, stages in order.

decode -> parse -> metadata + page shape (original tree) -> prune noise ->
extract blocks -> post-clean -> page type -> language -> fingerprint.
"""

from __future__ import annotations

from urllib.parse import urljoin

from .decode import decode_html
from .dom import parse_html
from .extract import extract_blocks
from .fingerprint import content_hash
from .language import detect_language
from .metadata import extract_metadata
from .model import CleanOptions, CleanPage
from .pagetype import classify_page, page_shape
from .postclean import postclean
from .preclean import prune_noise

DEFAULT_OPTIONS = CleanOptions()


def clean_page(
    html: bytes | str,
    url: str = "",
    options: CleanOptions | None = None,
    http_charset: str | None = None,
) -> CleanPage:
    """Clean one page. Raises cleaners.errors.CleanError for non-HTML input."""
    opts = options or DEFAULT_OPTIONS
    tree = parse_html(decode_html(html, http_charset), opts.max_nodes, opts.max_depth)
    meta = extract_metadata(tree, url)
    shape = page_shape(tree, url)
    prune_noise(tree, opts.extra_noise_selectors)
    blocks = postclean(extract_blocks(tree, url), meta, opts.boilerplate_lines)
    text = "\n\n".join(blocks)
    page_type = classify_page(shape, meta, text)
    canonical = urljoin(url, meta.canonical_url) if meta.canonical_url else None
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
        image=urljoin(url, meta.image) if meta.image else None,
        sitename=meta.sitename,
        text=text,
        word_count=len(text.split()),
        content_hash=content_hash(text),
    )
