"""Crawl extensions for the terminal: progress lines, one-line logs, debug records skipped."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from storage.contract import ARTICLE_COUNTERS, Counter, Outcome, count, reason_totals

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
        values = stats.get_stats()
        fetched = count(values, Counter.FETCHED)
        stored = sum(count(values, counter) for counter in ARTICLE_COUNTERS.values())
        totals = reason_totals(values)
        return (f"[{elapsed:6.0f}s] fetched {fetched} · articles {stored} · "
                f"non-articles {count(values, Counter.NON_ARTICLES)} · "
                f"skipped {totals[Outcome.SKIPPED]} · "
                f"failed {totals[Outcome.FAILED]} · "
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
