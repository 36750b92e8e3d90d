"""Crawl-lock heartbeats: a running crawl keeps its site's lock fresh (storage/locks.py)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from crawler.store import CrawlStore

logger = logging.getLogger(__name__)


class LockHeartbeat:
    """Keeps the site's crawl lock (storage/locks.py) alive while the crawl runs.

    On when the CLI took the lock (it lists the site in CLEANWIRE_LOCKED_SITES). If the
    lock was taken over meanwhile (stale heartbeat), the crawl closes: two crawls of one
    site must not run at once.
    """

    def __init__(self, crawler: Any, sites: set[str], interval: float) -> None:
        self.crawler = crawler
        self.sites = sites
        self.interval = interval
        self.site: str | None = None
        self.store: CrawlStore | None = None
        self._task: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> LockHeartbeat:
        settings = crawler.settings
        sites = {s for s in (settings.get("CLEANWIRE_LOCKED_SITES") or "").split(",") if s}
        interval = settings.getfloat("CLEANWIRE_LOCK_HEARTBEAT")
        if not sites or interval <= 0:
            raise NotConfigured("no crawl lock held")
        ext = cls(crawler, sites, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        profile = getattr(spider, "profile", None)
        self.store = CrawlStore.of(self.crawler)
        if profile is None or profile.name not in self.sites or self.store is None:
            return
        self.site = profile.name
        self._task = LoopingCall(self.beat)
        self._task.start(self.interval, now=False)

    def beat(self) -> None:
        from storage.errors import StorageError

        assert self.store is not None
        try:
            held = self.store.heartbeat(self.site or "")
        except StorageError as exc:  # a busy database: try again next time
            logger.warning("crawl lock heartbeat failed: %s", str(exc).splitlines()[0])
            return
        if not held:
            logger.error("lost the crawl lock of %s to another crawl: stopping", self.site)
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(self.crawler.engine.close_spider_async(reason="lock lost"))

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
