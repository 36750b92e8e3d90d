"""Crawl extensions for the process's memory: freed memory handed back, fewer collections."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall


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


def _malloc_trim() -> Any:
    """glibc's malloc_trim, or None (musl, macOS, Windows)."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None
