"""Crawl extensions: progress lines, one-line logs for the CLI, debug records skipped,
crawl-lock heartbeats, freed memory handed back to the system, fewer garbage collections,
AutoThrottle that also learns from 404s."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.throttle import AutoThrottle as _ScrapyAutoThrottle
from twisted.internet.task import LoopingCall

logger = logging.getLogger(__name__)


class Progress:
    def __init__(self, crawler: Any, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self._task: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> Progress:
        interval = crawler.settings.getfloat("CLEANWIRE_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured("CLEANWIRE_PROGRESS_INTERVAL is 0")
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        self._task = LoopingCall(self.report)
        self._task.start(self.interval, now=False)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()

    def line(self) -> str:
        stats = self.crawler.stats
        elapsed = time.monotonic() - self.started
        fetched = int(stats.get_value("cleanwire/fetched", 0))
        stored = sum(int(stats.get_value(f"cleanwire/articles_{k}", 0))
                     for k in ("new", "updated", "unchanged"))
        return (f"[{elapsed:6.0f}s] fetched {fetched} · articles {stored} · "
                f"non-articles {int(stats.get_value('cleanwire/non_articles', 0))} · "
                f"skipped {int(stats.get_value('cleanwire/skipped', 0))} · "
                f"failed {int(stats.get_value('cleanwire/failed', 0))} · "
                f"{fetched / elapsed if elapsed else 0:.1f} pages/s")

    def report(self) -> None:
        if sys.stderr.isatty():
            print(self.line(), file=sys.stderr, flush=True)
        else:
            logger.info(self.line())


class _OneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage().splitlines()
        record.msg, record.args = (message[0] if message else ""), ()
        record.exc_info = record.exc_text = record.stack_info = None
        return True


class OneLineLogs:
    """Log records as one line without tracebacks: what a person at a terminal reads.

    The failure itself is kept in the fetches table and in the crawl summary. On when
    CLEANWIRE_ONE_LINE_LOGS is set (the CLI sets it unless -v).
    """

    def __init__(self) -> None:
        self.filter = _OneLine()

    @classmethod
    def from_crawler(cls, crawler: Any) -> OneLineLogs:
        if not crawler.settings.getbool("CLEANWIRE_ONE_LINE_LOGS"):
            raise NotConfigured("CLEANWIRE_ONE_LINE_LOGS is off")
        ext = cls()
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        return ext

    def spider_opened(self, spider: Any) -> None:
        # the crawler re-installs Scrapy's root handler up to here, so filter only now
        for handler in logging.getLogger().handlers:
            handler.addFilter(self.filter)


class SkipDebugRecords:
    """Scrapy logs every response ("Crawled (200)") and every item ("Scraped from") at
    DEBUG. With LOG_LEVEL above DEBUG its handler drops them, but only after each record
    has been built: about 0.1 ms of the reactor's time per page. Raising the "scrapy"
    logger's own level to LOG_LEVEL skips them before they are made; what is shown does
    not change."""

    def __init__(self, level: int) -> None:
        self.level = level

    @classmethod
    def from_crawler(cls, crawler: Any) -> SkipDebugRecords:
        level = logging.getLevelName(str(crawler.settings.get("LOG_LEVEL", "DEBUG")).upper())
        if not isinstance(level, int) or level <= logging.DEBUG:
            raise NotConfigured("LOG_LEVEL shows debug records")
        ext = cls(level)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        return ext

    def spider_opened(self, spider: Any) -> None:
        scrapy_logger = logging.getLogger("scrapy")
        if scrapy_logger.getEffectiveLevel() < self.level:
            scrapy_logger.setLevel(self.level)


class TrimMemory:
    """Hands the memory the crawl process has freed back to the system, periodically.

    Each page passes through the process as a few 50-500 KB buffers (the download,
    its decompression, the hand-off to a cleaning worker) allocated and freed by
    different threads; glibc keeps the freed pages in its heaps, so the process's
    RSS creeps up with the number of pages crawled (~1 KB per page beyond what is
    live). malloc_trim(0) returns them: a few ms every CLEANWIRE_TRIM_MEMORY_INTERVAL
    seconds keeps a 50,000-page crawl's RSS near a 5,000-page one's. Off without
    glibc (NotConfigured) or with the interval at 0."""

    def __init__(self, interval: float, trim: Any) -> None:
        self.interval = interval
        self.trim = trim
        self._task: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> TrimMemory:
        interval = crawler.settings.getfloat("CLEANWIRE_TRIM_MEMORY_INTERVAL")
        if interval <= 0:
            raise NotConfigured("CLEANWIRE_TRIM_MEMORY_INTERVAL is 0")
        trim = _malloc_trim()
        if trim is None:
            raise NotConfigured("no glibc malloc_trim here")
        ext = cls(interval, trim)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self._task = LoopingCall(self.trim, 0)
        self._task.start(self.interval, now=False)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()


class QuietGc:
    """Fewer, cheaper garbage collections in the crawl process.

    Each page leaves thousands of short-lived objects (requests, responses, Deferreds,
    rows) behind, and the collector's default first threshold (700) ran a collection
    every ~7 pages, each also walking whatever had survived, plus a few full passes over
    the ~150,000 objects of the loaded modules (~80 ms each, the reactor stopped): 1.3 s
    of a 5,000-page crawl. Once the spider is open, the objects alive then (modules,
    settings, the database engine) are frozen out of the collector's sight and the first
    threshold is raised to CLEANWIRE_GC_THRESHOLD: 0.2 s. Off at 0."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Any) -> QuietGc:
        threshold = crawler.settings.getint("CLEANWIRE_GC_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured("CLEANWIRE_GC_THRESHOLD is 0")
        ext = cls(threshold)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        return ext

    def spider_opened(self, spider: Any) -> None:
        gc.collect()  # garbage left by the start-up is not frozen with the rest
        gc.freeze()
        _, middle, oldest = gc.get_threshold()
        gc.set_threshold(self.threshold, middle, oldest)


class AutoThrottle(_ScrapyAutoThrottle):
    """Scrapy's AutoThrottle, with 404 and 410 answers counted like 200s.

    Scrapy lowers a slot's delay on 200 responses only (small error pages answered fast
    would pull it down). But a 404 is a complete answer of a healthy server, and news
    pages link many dead pages: a run of them, met after a busy moment of the crawl had
    raised the delay (the reactor reads responses late while it commits a batch, so
    latencies look longer), was fetched at that moment's pace, one every ~40 ms with the
    machine idle (~3 s of a 5,000-page crawl). Any answer still raises the delay."""

    LOWERING_STATUSES = frozenset({200, 404, 410})

    def _adjust_delay(self, slot: Any, latency: float, response: Any) -> None:
        target = latency / self.target_concurrency
        delay = min(max(self.mindelay, max(target, (slot.delay + target) / 2.0)), self.maxdelay)
        if delay > slot.delay or response.status in self.LOWERING_STATUSES:
            slot.delay = delay


def _malloc_trim() -> Any:
    """glibc's malloc_trim, or None (musl, macOS, Windows)."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


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
        self.engine: Any = None
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
        from storage.engine import open_engine, resolve_database_url

        profile = getattr(spider, "profile", None)
        if profile is None or profile.name not in self.sites:
            return
        self.site = profile.name
        self.engine = open_engine(resolve_database_url(
            self.crawler.settings.get("CLEANWIRE_DATABASE_URL")))
        self._task = LoopingCall(self.beat)
        self._task.start(self.interval, now=False)

    def beat(self) -> None:
        from storage.errors import StorageError
        from storage.locks import heartbeat

        try:
            held = heartbeat(self.engine, self.site or "")
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
        if self.engine is not None:
            self.engine.dispose()
