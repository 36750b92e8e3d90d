"""Item pipelines: clean pages in the process pool, then store them in batches.

CleanPipeline (300) turns each PageItem's bytes into a CleanPage off the
reactor; when the crawl stores, the worker also computes the article's MinHash
signature (PageItem.signature), which the store uses instead of signing the
text in this process, and when the spider follows the page's links, the worker
reads them off its parse and the pipeline hands them to the spider
(NewsSpider.follow_links), so the reactor never parses a page. StorePipeline
(800) writes articles, non-article pages and failed fetches in one transaction
per batch and records the crawl run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from cleaners import CleanOptions
from storage.boilerplate import BoilerplateRule, learn_boilerplate
from storage.engine import open_engine, redact_url, resolve_database_url
from storage.errors import StorageError
from storage.frontier import NOT_MODIFIED
from storage.repository import FetchRecord, PageRecord, Repository, RunCounts

from . import signals as cw_signals
from .cleaning_pool import CleaningPool
from .items import FetchItem, PageItem

logger = logging.getLogger(__name__)


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
        engine = open_engine(resolve_database_url(settings.get("CLEANWIRE_DATABASE_URL")))
        try:
            lines = learn_boilerplate(engine, site, rule)
        finally:
            engine.dispose()
        self.crawler.stats.set_value("cleanwire/boilerplate_lines", len(lines))
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
            stats.inc_value("cleanwire/clean_ms", round((time.perf_counter() - started) * 1000))
            if item.clean is None:
                stats.inc_value(f"cleanwire/{page_error_outcome(item.error)}/{item.error}")
            elif item.clean.page_type != "article":
                stats.inc_value("cleanwire/non_articles")
                stats.inc_value(f"cleanwire/non_articles/{item.clean.page_type}")
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


def page_error_outcome(reason: str | None) -> str:
    """A page the cleaner gave up on: 'failed' when it ran out of time, else 'skipped'."""
    return "failed" if (reason or "").startswith("timeout") else "skipped"


def _fetch_record(item: FetchItem | PageItem, outcome: str, error: str | None) -> FetchRecord:
    return FetchRecord(
        url=item.url, status=item.status, error=error, outcome=outcome,
        content_type=item.content_type or None, bytes=item.bytes or None,
        elapsed_ms=item.elapsed_ms, fetched_at=item.fetched_at,
    )


class StorePipeline:
    """Batches rows and writes each batch in one transaction; records the crawl run."""

    def __init__(self, crawler: Any, database_url: str, batch_size: int,
                 batch_seconds: float) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.batch_size = max(1, batch_size)
        self.batch_seconds = batch_seconds
        self.pages: list[PageRecord] = []
        self.fetches: list[FetchRecord] = []
        self.repository: Repository | None = None
        self.run_id: int | None = None
        self._finished = False  # the run's crawl_runs row has its outcome
        self._timer: LoopingCall | None = None
        self._trigger: Any = None  # the reactor's before-shutdown trigger (_finish_if_open)
        self._in_trigger = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        settings = crawler.settings
        if not settings.getbool("CLEANWIRE_STORE"):
            raise NotConfigured("storing disabled (CLEANWIRE_STORE=False)")
        pipeline = cls(crawler, resolve_database_url(settings.get("CLEANWIRE_DATABASE_URL")),
                       settings.getint("CLEANWIRE_BATCH_SIZE"),
                       settings.getfloat("CLEANWIRE_BATCH_SECONDS"))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Any = None) -> None:
        spider = self.crawler.spider
        self.repository = Repository(open_engine(self.database_url), near_dup_threshold=self
                                     .crawler.settings.getfloat("CLEANWIRE_NEAR_DUP_THRESHOLD"))
        profile = spider.profile
        arguments = {
            "start_urls": list(profile.start_urls), "feeds": list(profile.feeds),
            "sitemaps": list(profile.sitemaps), "max_pages": spider.max_pages,
            "max_depth": spider.max_depth, "mode": spider.mode,
            "database": redact_url(self.database_url),
            "pid": os.getpid(), "host": socket.gethostname(),  # see storage.locks
        }
        settings = self.crawler.settings
        if settings.get("CLEANWIRE_REDIS_CRAWL_ID"):  # one of several workers of a shared crawl
            arguments["shared_crawl"] = settings.get("CLEANWIRE_REDIS_CRAWL_ID")
            arguments["worker"] = settings.get("CLEANWIRE_WORKER_ID")
        self.run_id = self.repository.start_run(
            self.crawler.settings.get("CLEANWIRE_COMMAND"), arguments,
            site_name=profile.name, site_host=next(iter(sorted(profile.all_hosts)), None))
        self.crawler.stats.set_value("cleanwire/run_id", self.run_id)
        from twisted.internet import reactor

        self._trigger = reactor.addSystemEventTrigger("before", "shutdown", self._finish_if_open)
        self._timer = LoopingCall(self.flush)
        self._timer.start(self.batch_seconds, now=False)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, PageItem):
            self._add_page(item)
        elif isinstance(item, FetchItem):
            self.fetches.append(_fetch_record(item, item.outcome, item.error))
        if len(self.pages) + len(self.fetches) >= self.batch_size:
            self.flush()
        return item

    def _add_page(self, item: PageItem) -> None:
        self.fetches.extend(_fetch_record(f, f.outcome, f.error) for f in item.link_fetches)
        page = item.clean
        if page is None:
            reason = item.error or "clean: no result"
            self.fetches.append(_fetch_record(item, page_error_outcome(reason), reason))
        elif page.page_type != "article":
            self.fetches.append(_fetch_record(item, page.page_type, None))
        else:
            self.pages.append(PageRecord(
                page=page, fetch=_fetch_record(item, "article", None), site_name=item.site,
                site_host=item.site_host, etag=item.etag, last_modified=item.last_modified,
                aliases=item.aliases, signature=item.signature))

    def flush(self) -> None:
        if self.repository is None or self.run_id is None:
            return
        if not (self.pages or self.fetches):  # everything handed over so far is committed
            self.crawler.signals.send_catch_log(signal=cw_signals.batch_stored)
            return
        pages, fetches = self.pages, self.fetches
        self.pages, self.fetches = [], []
        stats = self.crawler.stats
        try:
            outcomes = self.repository.store(self.run_id, pages, fetches)
        except StorageError as exc:
            logger.error("could not store %d rows: %s", len(pages) + len(fetches),
                         str(exc).splitlines()[0])
            stats.inc_value("cleanwire/failed/store error", len(pages))
            self.crawler.signals.send_catch_log(signal=cw_signals.batch_failed)
            return
        self.crawler.signals.send_catch_log(signal=cw_signals.batch_stored)
        for outcome in outcomes:
            stats.inc_value(f"cleanwire/articles_{outcome}")
        confirmed = sum(1 for fetch in fetches if fetch.outcome == NOT_MODIFIED)
        if confirmed:  # a 304 confirms the stored copy: the article is unchanged
            stats.inc_value("cleanwire/articles_unchanged", confirmed)

    def close_spider(self, spider: Any = None) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        self.flush()

    def _finish_if_open(self) -> None:
        """The reactor is stopping and this run was never closed. A SIGTERM that lands
        while the spider is still opening (after this pipeline wrote the run's row, before
        the engine runs) makes Scrapy stop the reactor without closing the spider; the
        run would stay 'running'. Record it as interrupted instead."""
        self._in_trigger = True  # fired: nothing to remove any more
        if not self._finished:
            self.close_spider()
            self.spider_closed(self.crawler.spider, "shutdown")

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.repository is None or self.run_id is None or self._finished:
            return
        self._finished = True
        stats = self.crawler.stats
        exact, near = self.repository.run_duplicates(self.run_id)
        stats.set_value("cleanwire/duplicates_exact", exact)
        stats.set_value("cleanwire/duplicates_near", near)
        counts = run_counts(stats.get_stats())
        known = int(stats.get_value("cleanwire/known_skipped", 0) or 0)
        shared = bool(self.crawler.settings.get("CLEANWIRE_REDIS_CRAWL_ID"))
        outcome = run_outcome(reason, counts, known, shared)
        self.crawler.stats.set_value("cleanwire/outcome", outcome)
        try:
            self.repository.finish_run(self.run_id, outcome, counts)
        finally:
            self._release()

    def _release(self) -> None:
        """The run is recorded: drop the shutdown trigger (a long-lived worker crawls many
        sites, and the trigger would keep each finished pipeline alive) and close the
        database connections (SQLite folds its write-ahead log into the file)."""
        if self._trigger is not None and not self._in_trigger:
            from twisted.internet import reactor

            with contextlib.suppress(KeyError, ValueError):
                reactor.removeSystemEventTrigger(self._trigger)
        self._trigger = None
        if self.repository is not None:
            self.repository.engine.dispose()


def run_outcome(reason: str, counts: RunCounts, known: int = 0, shared: bool = False) -> str:
    """crawl_runs.outcome: "interrupted: ..." unless Scrapy finished; "failed" when the run
    stored nothing (nor passed over stored articles) and pages failed: the site was down,
    or blocked us. A worker of a shared crawl takes whatever requests the queue hands it
    (a lone failing page, say, while another worker took the rest), so its own failures
    say nothing about the site: its run fails only when storing failed; the site's
    verdict is the shared crawl's runs taken together."""
    if reason != "finished":
        return f"interrupted: {reason}"
    if shared:
        return "failed" if counts.failures_by_reason.get("failed: store error") else "ok"
    stored = counts.articles_new + counts.articles_updated + counts.articles_unchanged
    return "ok" if stored or known or not counts.failed else "failed"


def run_counts(stats: dict[str, Any]) -> RunCounts:
    """The crawl_runs counters, read from the crawl's Scrapy stats."""
    def count(key: str) -> int:
        return int(stats.get(f"cleanwire/{key}", 0) or 0)

    reasons = {k.removeprefix("cleanwire/").replace("/", ": ", 1): int(v)
               for k, v in stats.items()
               if k.startswith(("cleanwire/failed/", "cleanwire/skipped/"))}
    return RunCounts(
        pages_fetched=count("fetched"), articles_new=count("articles_new"),
        articles_updated=count("articles_updated"),
        articles_unchanged=count("articles_unchanged"), non_articles=count("non_articles"),
        skipped=sum(v for k, v in reasons.items() if k.startswith("skipped")),
        failed=sum(v for k, v in reasons.items() if k.startswith("failed")),
        failures_by_reason=reasons,
        extra={k: count(k) for k in _INCREMENTAL_COUNTERS if count(k)},
    )


# counters kept in crawl_runs.counts (see crawler/incremental.py, crawler/redis_worker.py)
_INCREMENTAL_COUNTERS = ("known_articles", "known_skipped", "not_modified",
                         "refetch_conditional", "refetch_forced",
                         # shared crawls (crawler/redis_*.py)
                         "requeued_from_dead_workers", "requeued_on_close")
