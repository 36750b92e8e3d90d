"""Crawl extensions for the terminal: the progress line, one-line logs, debug records skipped."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from storage.contract import tally


class Progress:
    """The crawl's progress on stderr every CLEANWIRE_PROGRESS_INTERVAL seconds, and once
    more when it ends: the summary's numbers (storage.contract.tally), the rate, the
    elapsed time and, with a page cap, an estimate of the time left. On a terminal one
    line is rewritten in place; otherwise (a log file, cron) each report is a plain line."""

    def __init__(self, crawler: Any, interval: float, terminal: bool = False) -> None:
        self.crawler = crawler
        self.interval = interval
        self.terminal = terminal
        self.started = time.monotonic()
        self.spider: Any = None
        self._task: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> Progress:
        interval = crawler.settings.getfloat("CLEANWIRE_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured("CLEANWIRE_PROGRESS_INTERVAL is 0")
        ext = cls(crawler, interval, sys.stderr.isatty())
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.spider = spider
        self.started = time.monotonic()
        self._task = LoopingCall(self.report)
        self._task.start(self.interval, now=False)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
        self.report(last=True)

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        stats = self.crawler.stats.get_stats()
        parts = tally_parts(stats, elapsed)
        fetched = tally(stats).fetched
        eta = self.eta(fetched, fetched / elapsed if elapsed > 0 else 0.0)
        if eta is not None:
            parts.append(f"ETA {_duration(eta)}")
        return " · ".join(parts)

    def eta(self, fetched: int, rate: float) -> float | None:
        """Seconds until --max-pages pages are fetched at the rate so far (None: no cap)."""
        cap = int(getattr(self.spider, "max_pages", 0) or 0)
        if not cap or rate <= 0:
            return None
        return max(0, cap - fetched) / rate

    def report(self, last: bool = False) -> None:
        line = self.line()
        if self.terminal:
            end = "\n" if last else ""
            print(f"\r\x1b[K{line}", end=end, file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)


def tally_parts(stats: Any, elapsed: float, fetched_label: str = "fetched") -> list[str]:
    """The parts of a progress line (storage.contract.tally of stats): the elapsed time,
    fetched, articles, non-articles, skipped, failed and the rate (import-warc's line too)."""
    t = tally(stats)
    rate = t.fetched / elapsed if elapsed > 0 else 0.0
    return [f"[{_duration(elapsed)}] {fetched_label} {t.fetched}", f"articles {t.stored}",
            f"non-articles {t.non_articles}", f"skipped {t.skipped}",
            f"failed {t.failed}", f"{rate:.1f} pages/s"]


def _duration(seconds: float) -> str:
    """12s, 3m05s, 1h02m."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


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
