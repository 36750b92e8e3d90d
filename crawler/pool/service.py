"""The crawl's cleaning service: its process pool, the options pages are cleaned with, the counters.

CleaningService is a Scrapy extension built from_crawler (NotConfigured when
CLEANWIRE_CLEAN is off: a seeder of a shared crawl cleans nothing). The spider finds it
with CleaningService.of(crawler), opens it for its site when it starts (the profile's
noise selectors, the boilerplate learned from what the crawl's store holds) and awaits
clean() in its page callback: the page is cleaned off the reactor, the item leaves the
callback carrying its CleanPage, and the links the worker read off the page come back
to the callback, which yields their requests like any other (through the spider
middlewares: depth, referer, offsite, the shared queue's bookkeeping). The pool closes
when the spider closes, after the last callback has finished.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from cleaners import CleanOptions
from crawler.pool.cleaning_pool import CleaningPool
from crawler.store import CrawlStore
from storage.boilerplate import BoilerplateRule
from storage.contract import (
    Counter,
    Reason,
    clean_failure_outcome,
    page_type_counter,
    reason_counter,
)

if TYPE_CHECKING:
    from crawler.items import PageItem
    from crawler.profiles import SiteProfile


class CleaningService:
    """Cleans PageItems in a process pool sized to the cores, for the spider's callbacks."""

    def __init__(self, crawler: Any, workers: int, timeout: float) -> None:
        self.crawler = crawler
        self.pool = CleaningPool(workers, timeout)
        self.options = CleanOptions()
        self.sign = crawler.settings.getbool("CLEANWIRE_STORE")  # only a store needs it
        self.opened = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleaningService:
        settings = crawler.settings
        if not settings.getbool("CLEANWIRE_CLEAN"):
            raise NotConfigured("cleaning disabled (CLEANWIRE_CLEAN=False)")
        service = cls(crawler, settings.getint("CLEANWIRE_CLEAN_WORKERS"),
                      settings.getfloat("CLEANWIRE_CLEAN_TIMEOUT"))
        crawler.signals.connect(service.close, signal=signals.spider_closed)
        return service

    @classmethod
    def of(cls, crawler: Any) -> CleaningService | None:
        """The crawl's cleaning service, or None when the crawl cleans nothing."""
        return crawler.get_extension(cls)

    def open(self, profile: SiteProfile | None, listing_text: bool) -> None:
        """Start the pool for the site; listing_text: keep a listing's text (a scrape prints
        what it was asked for; a crawl keeps no listing's text, so a page that is a listing
        whatever its text is not extracted at all)."""
        self.options = CleanOptions(
            extra_noise_selectors=profile.noise_selectors if profile else (),
            boilerplate_lines=self._learned(profile.name) if profile else frozenset(),
            listing_text=listing_text)
        if not self.opened:
            self.opened = True
            self.pool.start()

    def _learned(self, site: str) -> frozenset[str]:
        """The site's recurring blocks, learned from what is stored (none without a store)."""
        settings = self.crawler.settings
        if not settings.getbool("CLEANWIRE_LEARN_BOILERPLATE"):
            return frozenset()
        store = CrawlStore.of(self.crawler)
        if store is None:
            return frozenset()
        rule = BoilerplateRule(sample=settings.getint("CLEANWIRE_BOILERPLATE_SAMPLE"),
                               min_pages=settings.getint("CLEANWIRE_BOILERPLATE_MIN_PAGES"),
                               min_share=settings.getfloat("CLEANWIRE_BOILERPLATE_MIN_SHARE"))
        lines = store.boilerplate(site, rule)
        self.crawler.stats.set_value(Counter.BOILERPLATE_LINES, len(lines))
        return lines

    def interrupt(self) -> None:
        """The crawl is stopping: pages not yet with a worker are skipped (interrupted), and
        so are those the workers have not finished in CLEANWIRE_STOP_GRACE seconds."""
        self.pool.refuse(Reason.INTERRUPTED,
                         self.crawler.settings.getfloat("CLEANWIRE_STOP_GRACE"))

    def close(self, spider: Any = None, reason: str = "") -> None:
        if self.opened:
            self.opened = False
            self.pool.close()

    async def clean(self, item: PageItem, links: bool) -> tuple[str, ...]:
        """Clean item's bytes into item.clean (or item.error), signed when the crawl stores;
        the page's link targets when links, read by the worker off the tree it parsed."""
        started = time.perf_counter()
        cleaned = await self.pool.clean(item.body, item.url, self.options, item.http_charset,
                                        sign=self.sign, links=links)
        item.clean, item.error, item.signature = cleaned.page, cleaned.error, cleaned.signature
        item.body = b""  # the bytes are not needed past this point
        stats = self.crawler.stats
        stats.inc_value(Counter.CLEAN_MS, round((time.perf_counter() - started) * 1000))
        if item.clean is None:
            reason = item.error or Reason.CLEAN_NO_RESULT
            stats.inc_value(reason_counter(clean_failure_outcome(reason), reason))
        else:
            if item.clean.dropped_urls:
                stats.inc_value(Counter.DROPPED_URLS, item.clean.dropped_urls)
            if item.clean.page_type != "article":
                stats.inc_value(Counter.NON_ARTICLES)
                stats.inc_value(page_type_counter(item.clean.page_type))
                if item.clean.declared_article:  # a possible loss: the summary shows it
                    stats.inc_value(Counter.DECLARED_NON_ARTICLES)
        return cleaned.links
