"""Workers of a shared crawl: heartbeat, requeueing for dead workers, stopping when idle,
and the worker process's loop over the sites with a crawl in progress.

WorkerLifecycle (an extension, on when CLEANWIRE_REDIS_URL is set) renews this worker's
heartbeat from a thread every third of CLEANWIRE_REDIS_HEARTBEAT_TTL, and as often, and at
each idle moment, moves the in-flight requests of workers whose heartbeat expired back into
the queue; an idle worker also gives back any request Redis lists as its own but that it
never received (SharedScheduler.return_orphans). A site's spider stays open while anything
of its crawl is queued or in flight anywhere; once nothing has been for
CLEANWIRE_REDIS_IDLE seconds, it ends the crawl in Redis (forgetting the seen URLs, so the
next scheduled crawl starts afresh) and closes. run_worker() starts a spider for every
active site and, unless run forever, stops the process when no site has had work for the
idle time.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from redis import RedisError
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import DontCloseSpider, NotConfigured
from twisted.internet.task import LoopingCall

from crawler.shared.crawl import active_specs, connect, worker_id
from crawler.shared.queue import QueueUnavailable, SharedQueue, SiteKeys
from storage.contract import Counter

logger = logging.getLogger(__name__)


class WorkerLifecycle:
    """Heartbeat, dead-worker requeue and idle stop for one site's spider."""

    def __init__(self, crawler: Any, server: Any) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.server = server
        self.prefix = settings.get("CLEANWIRE_REDIS_PREFIX")
        self.worker = worker_id(settings)
        self.work = settings.getbool("CLEANWIRE_REDIS_WORK")
        self.idle = settings.getfloat("CLEANWIRE_REDIS_IDLE")
        self.ttl = max(1.0, settings.getfloat("CLEANWIRE_REDIS_HEARTBEAT_TTL"))
        self.crawl_id = settings.get("CLEANWIRE_REDIS_CRAWL_ID") or ""
        self.crawl_ttl = settings.getfloat("CLEANWIRE_REDIS_CRAWL_TTL")
        self.queue: SharedQueue | None = None
        self.idle_since: float | None = None
        self._timer: LoopingCall | None = None
        self._heart: threading.Thread | None = None
        self._stopped = threading.Event()

    @classmethod
    def from_crawler(cls, crawler: Any) -> WorkerLifecycle:
        if not crawler.settings.get("CLEANWIRE_REDIS_URL"):
            raise NotConfigured("not a shared crawl (no CLEANWIRE_REDIS_URL)")
        extension = cls(crawler, connect(crawler.settings.get("CLEANWIRE_REDIS_URL"),
                                         crawler.settings))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Any) -> None:
        self.queue = SharedQueue(self.server, spider, SiteKeys(self.prefix, spider.profile.name),
                                 self.worker, self.crawl_ttl)
        if self.work:
            self._beat()
            # a thread, so that a reactor busy for a while (a big batch, a slow parse) does
            # not look dead to the other workers
            self._heart = threading.Thread(target=self._beating, daemon=True,
                                           name="cleanwire-heartbeat")
            self._heart.start()
            self._timer = LoopingCall(self._reap)
            self._timer.start(self.ttl / 3, now=False)

    def _beat(self) -> None:
        assert self.queue is not None
        info = json.dumps({"site": self.queue.keys.site, "at": time.time()})
        self.server.set(self.queue.keys.heartbeat(self.worker), info, px=int(self.ttl * 1000))

    def _beating(self) -> None:
        while not self._stopped.wait(self.ttl / 3):
            try:
                self._beat()
            except Exception as exc:  # Redis unreachable for a moment: try again next beat
                logger.warning("heartbeat failed: %s", str(exc).splitlines()[0] if str(exc)
                               else type(exc).__name__)

    def _reap(self) -> None:
        assert self.queue is not None
        try:
            moved = self.queue.reap()
        except QueueUnavailable:
            return  # the scheduler reports it and stops the crawl
        if moved:
            logger.warning("requeued %d requests of a worker that stopped answering", moved)
            self.crawler.stats.inc_value(Counter.REQUEUED_FROM_DEAD_WORKERS, moved)

    def spider_idle(self, spider: Any) -> None:
        if not self.work or self.queue is None:
            return  # a seeder: done once the start requests are queued
        try:
            self._keep_open()
        except QueueUnavailable as exc:  # close; the worker reports it
            self.crawler.stats.set_value(Counter.QUEUE_ERROR, str(exc))

    def _keep_open(self) -> None:
        """Raise DontCloseSpider while the site's crawl has work anywhere."""
        assert self.queue is not None
        self._reap()
        if self.queue.pending() > 0:
            self.idle_since = None
            # idle here yet work in flight somewhere: is any of it listed as ours but lost?
            return_orphans = getattr(self.crawler.engine.scheduler, "return_orphans", None)
            if return_orphans is not None:
                return_orphans()
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle:
            raise DontCloseSpider
        if not self.queue.finish(self.crawl_id) and self.queue.pending() > 0:
            self.idle_since = None  # work arrived at the last moment
            raise DontCloseSpider

    def spider_closed(self, spider: Any) -> None:
        self._stopped.set()
        if self._timer is not None and self._timer.running:
            self._timer.stop()


def run_worker(process: CrawlerProcess, start: Callable[[Any], Any], prefix: str,
               idle: float, forever: bool, poll: float, only: frozenset[str]) -> str | None:
    """Start a spider (start(spec)) for each active site, again whenever one is seeded anew;
    stop the reactor once no spider runs and no site has had work for `idle` seconds.
    Returns why it stopped early (Redis unreachable), or None."""
    from scrapy.utils.reactor import install_reactor, is_reactor_installed

    settings = process.settings
    if not is_reactor_installed():  # the one Scrapy would install with the first crawler
        install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    from twisted.internet import reactor

    server = connect(process.settings.get("CLEANWIRE_REDIS_URL"), process.settings)
    running: set[str] = set()
    idle_since = time.monotonic()
    lost: list[str] = []

    def finished(_: Any, site: str) -> None:
        nonlocal idle_since
        running.discard(site)
        idle_since = time.monotonic()

    def tick() -> None:
        if getattr(process, "interrupted", False):  # a signal: start no more crawls
            loop.stop()
            return
        try:
            specs = active_specs(server, prefix)
        except RedisError as exc:  # Redis went away: stop; the queue keeps what was in flight
            lost.append(f"shared queue unreachable: {(str(exc).splitlines() or [''])[0]}")
            loop.stop()
            process.stop().addBoth(lambda _: reactor.stop())
            return
        for site, spec in specs.items():
            if site in running or (only and site not in only):
                continue
            running.add(site)
            start(spec).addBoth(finished, site)
        if running:
            return
        if not forever and time.monotonic() - idle_since >= idle:
            loop.stop()
            reactor.stop()

    loop = LoopingCall(tick)
    reactor.callWhenRunning(loop.start, poll, True)
    process.start(stop_after_crawl=False)
    return lost[0] if lost else None
