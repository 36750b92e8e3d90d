"""Progress: one line every few seconds while a crawl runs (stderr on a terminal, else the log)."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
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
