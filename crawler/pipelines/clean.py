"""The clean pipeline: each page cleaned in the process pool, its links handed to the spider.

CleanPipeline (300) turns each PageItem's bytes into a CleanPage off the reactor; when
the crawl stores, the worker also computes the article's MinHash signature
(PageItem.signature), which the store uses instead of signing the text in this process,
and when the spider follows the page's links, the worker reads them off its parse and
the pipeline hands them to the spider (NewsSpider.follow_links), so the reactor never
parses a page.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import Request

from cleaners import CleanOptions
from crawler.items import PageItem
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


class CleanPipeline:
    """Cleans PageItems in a process pool sized to the cores."""

    def __init__(self, crawler: Any, workers: int, timeout: float) -> None:
        self.crawler = crawler
        self.pool = CleaningPool(workers, timeout)
        self.options = CleanOptions()
        self.sign = bool(crawler.settings.getbool("CLEANWIRE_STORE"))  # only a store needs it

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleanPipeline:
        settings = crawler.settings
        return cls(crawler, settings.getint("CLEANWIRE_CLEAN_WORKERS"),
                   settings.getfloat("CLEANWIRE_CLEAN_TIMEOUT"))

    def open_spider(self, spider: Any = None) -> None:
        spider = self.crawler.spider
        if hasattr(spider, "follow_links"):  # the workers read each page's links for it
            spider.links_by_cleaner = True
        # a crawl keeps no listing's text (only a scrape prints what it was asked for), so a
        # page that is a listing whatever its text is not extracted at all
        listing_text = getattr(spider, "mode", "crawl") == "scrape"
        profile = getattr(spider, "profile", None)
        self.options = CleanOptions(
            extra_noise_selectors=profile.noise_selectors if profile else (),
            boilerplate_lines=self._learned(profile.name) if profile else frozenset(),
            listing_text=listing_text)
        self.pool.start()

    def _learned(self, site: str) -> frozenset[str]:
        """The site's recurring blocks, learned from what is stored (none without a store)."""
        settings = self.crawler.settings
        if not settings.getbool("CLEANWIRE_STORE") or not settings.getbool(
                "CLEANWIRE_LEARN_BOILERPLATE"):
            return frozenset()
        rule = BoilerplateRule(sample=settings.getint("CLEANWIRE_BOILERPLATE_SAMPLE"),
                               min_pages=settings.getint("CLEANWIRE_BOILERPLATE_MIN_PAGES"),
                               min_share=settings.getfloat("CLEANWIRE_BOILERPLATE_MIN_SHARE"))
        store = CrawlStore.of(self.crawler)
        if store is None:
            return frozenset()
        lines = store.boilerplate(site, rule)
        self.crawler.stats.set_value(Counter.BOILERPLATE_LINES, len(lines))
        return lines

    def close_spider(self, spider: Any = None) -> None:
        self.pool.close()

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, PageItem):
            started = time.perf_counter()
            cleaned = await self.pool.clean(item.body, item.url, self.options, item.http_charset,
                                            sign=self.sign, links=item.follow_depth is not None)
            item.clean, item.error, item.signature = cleaned.page, cleaned.error, cleaned.signature
            stats = self.crawler.stats
            stats.inc_value(Counter.CLEAN_MS, round((time.perf_counter() - started) * 1000))
            if item.clean is None:
                reason = item.error or Reason.CLEAN_NO_RESULT
                stats.inc_value(reason_counter(clean_failure_outcome(reason), reason))
            elif item.clean.page_type != "article":
                stats.inc_value(Counter.NON_ARTICLES)
                stats.inc_value(page_type_counter(item.clean.page_type))
            if cleaned.links and item.follow_depth is not None:
                self._follow(item, cleaned.links, item.follow_depth)
            item.body = b""  # the bytes are not needed past this point
        return item

    def _follow(self, item: PageItem, links: tuple[str, ...], depth: int) -> None:
        """Hand the page's links to the spider; schedule the requests it makes of them."""
        engine = self.crawler.engine
        for found in self.crawler.spider.follow_links(links, depth):
            if isinstance(found, Request):
                engine.crawl(found)
            else:  # a link refused (another scheme): recorded with the page
                item.link_fetches.append(found)
