"""A local news site ("Fixture Times") on a real HTTP server, for crawl tests.

    with FixtureServer(slow_seconds=1) as server:
        crawl(start_url=server.url("/"))
        assert server.requests["/private/secret-article/"] == 0

See site.py for the paths and corpus.py for the text.
"""

from __future__ import annotations

from .server import DEFAULT_SLOW_SECONDS, FixtureServer
from .site import (
    BROKEN_PATH,
    FEED_PATH,
    FOOTER_TEXT,
    HUGE_BYTES,
    HUGE_PATH,
    IMAGE_PATH,
    JPEG_BYTES,
    LISTING_PATHS,
    MISSING_PATH,
    MOVED_PATH,
    OFFSITE_URL,
    OPAQUE_FORMS,
    PAYWALL_PATH,
    PDF_BYTES,
    PDF_PATH,
    PRIVATE_PATH,
    ROBOTS_PATH,
    SECTION_PATHS,
    SITE_NAME,
    SITEMAP_GZ_PATH,
    SITEMAP_INDEX_PATH,
    SITEMAP_NEWS_PATH,
    SLOW_PATH,
    TAG_PATH,
    WORLD_PAGE_2,
    ArticleSpec,
    FixtureSite,
    Resource,
)

__all__ = [
    "BROKEN_PATH",
    "DEFAULT_SLOW_SECONDS",
    "FEED_PATH",
    "FOOTER_TEXT",
    "HUGE_BYTES",
    "HUGE_PATH",
    "IMAGE_PATH",
    "JPEG_BYTES",
    "LISTING_PATHS",
    "MISSING_PATH",
    "MOVED_PATH",
    "OFFSITE_URL",
    "OPAQUE_FORMS",
    "PAYWALL_PATH",
    "PDF_BYTES",
    "PDF_PATH",
    "PRIVATE_PATH",
    "ROBOTS_PATH",
    "SECTION_PATHS",
    "SITEMAP_GZ_PATH",
    "SITEMAP_INDEX_PATH",
    "SITEMAP_NEWS_PATH",
    "SITE_NAME",
    "SLOW_PATH",
    "TAG_PATH",
    "WORLD_PAGE_2",
    "ArticleSpec",
    "FixtureServer",
    "FixtureSite",
    "Resource",
]
