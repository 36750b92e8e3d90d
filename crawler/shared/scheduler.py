"""scrapy-redis's scheduler and dupefilter, per site, with requests acked only once stored.

Enabled by CLEANWIRE_REDIS_URL (`cleanwire crawl --redis URL`, `cleanwire worker`):
SharedScheduler replaces Scrapy's scheduler so that every process crawling a site
shares one request queue and one seen-set in Redis (crawler/shared/queue.py).

A popped request stays in the worker's in-flight set until what it produced is
durable: its callback has run, every item it yielded has passed the pipelines, and
the StorePipeline has committed the batch holding them (signals.batch_stored). A
request that leads to another (a redirect, a retry) is acked once its successor is
in the shared queue. Tokens are pop ids (crawler/shared/queue.py: a retried pop or ack
does its work once). Whatever is still in flight when the worker closes goes back
to the queue; a worker that dies has its in-flight requests requeued by the others
(crawler/shared/worker.py).
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from redis import RedisError
from scrapy import Request, signals
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet import reactor

from cleaners.urlkeys import url_key
from crawler import signals as cw_signals
from crawler.shared.crawl import connect, worker_id
from crawler.shared.queue import QueueUnavailable, SharedQueue, SiteKeys
from storage.contract import Counter

logger = logging.getLogger(__name__)

TOKEN = "cw_inflight"  # request.meta key: the popped request's in-flight token


class UrlKeyDupeFilter(RFPDupeFilter):
    """The shared seen-set, keyed like the spider's own: http/https, www., a trailing
    slash and tracking parameters do not make a URL new (crawler/urls.py:url_key)."""

    def request_fingerprint(self, request: Request) -> str:
        return hashlib.sha1(url_key(request.url).encode("utf-8")).hexdigest()


class SharedScheduler(Scheduler):
    """Requests of one site's crawl go to, and come from, the shared Redis queue."""

    def __init__(self, crawler: Any, server: Any) -> None:
        settings = crawler.settings
        super().__init__(server, persist=True)
        self.crawler = crawler
        self.stats = crawler.stats
        self.prefix = settings.get("CLEANWIRE_REDIS_PREFIX")
        self.worker = worker_id(settings)
        self.work = settings.getbool("CLEANWIRE_REDIS_WORK")
        self.storing = settings.getbool("CLEANWIRE_STORE")
        self.queue: SharedQueue | None = None
        self.ttl = settings.getfloat("CLEANWIRE_REDIS_CRAWL_TTL")
        self.max_pages = 0
        self._held: set[str] = set()  # tokens (pop ids) handed to the engine, not acked yet
        self._open: dict[str, int] = {}  # token -> outputs not through the pipelines yet
        self._had_items: set[str] = set()
        self._item_tokens: dict[int, str] = {}  # id(item) -> token
        self._waiting: list[str] = []  # finished, to ack once the next batch cut commits
        self._cuts: dict[int, list[str]] = {}  # batch -> tokens its commit makes durable
        self._store_failed = False
        self.lost: str | None = None  # why the shared queue stopped answering

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedScheduler:
        scheduler = cls(crawler, connect(crawler.settings.get("CLEANWIRE_REDIS_URL"),
                                         crawler.settings))
        engine = crawler.engine
        if engine is not None and hasattr(engine, "_SLOT_HEARTBEAT_INTERVAL"):
            # an idle worker looks at the shared queue this often (Scrapy's default: 5 s)
            engine._SLOT_HEARTBEAT_INTERVAL = crawler.settings.getfloat("CLEANWIRE_REDIS_POLL")
        connect_signal = crawler.signals.connect
        connect_signal(scheduler._output_item, signal=cw_signals.output_item)
        connect_signal(scheduler._output_done, signal=cw_signals.output_done)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            connect_signal(scheduler._item_done, signal=signal)
        connect_signal(scheduler._batch_cut, signal=cw_signals.batch_cut)
        connect_signal(scheduler._batch_stored, signal=cw_signals.batch_stored)
        connect_signal(scheduler._batch_failed, signal=cw_signals.batch_failed)
        return scheduler

    # ---- Scrapy's scheduler interface ---------------------------------------------------

    def open(self, spider: Any) -> None:
        self.spider = spider
        keys = SiteKeys(self.prefix, spider.profile.name)
        self.queue = SharedQueue(self.server, spider, keys, self.worker, self.ttl)
        self.df = UrlKeyDupeFilter(self.server, key=keys.seen)
        self.max_pages = spider.max_pages
        queued = len(self.queue)
        if queued and self.work:
            logger.info("joining the crawl of %s: %d requests queued", keys.site, queued)

    def close(self, reason: str) -> None:
        assert self.queue is not None
        if self.lost:
            return  # what this worker held is requeued by the others once its heartbeat ends
        try:
            if not self._store_failed:
                self.queue.ack(self._waiting)
            self._waiting = []
            returned = self.queue.requeue_own()
            self._held.clear()
            if not self.work:
                self.queue.renew()  # a seeder: the crawl's keys expire unless worked on
        except QueueUnavailable as exc:
            self._lose(exc)
            return
        if returned:
            logger.info("returned %d unfinished requests to the shared queue", returned)
            self.stats.set_value(Counter.REQUEUED_ON_CLOSE, returned)

    def _lose(self, exc: Exception) -> None:
        """Redis stopped answering: say so once and stop this crawl (nothing is lost: the
        requests in flight stay in Redis, for this worker's next start or another worker)."""
        if self.lost is None:
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            self.lost = first if isinstance(exc, QueueUnavailable) else (
                f"shared queue unreachable: {first}")
            logger.warning("%s; stopping", self.lost)
            self.stats.set_value(Counter.QUEUE_ERROR, self.lost)
            reactor.callLater(0, lambda: deferred_from_coro(self.crawler.stop_async()))

    def enqueue_request(self, request: Request) -> bool:
        assert self.queue is not None
        token = request.meta.pop(TOKEN, None)  # a redirect or retry of a popped request
        if self.lost:
            return False
        try:
            # seen-set, page budget and queue in one script: a retried call queues once
            fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
            budget = self.max_pages if request.meta.get("cw_kind", "page") == "page" else 0
            outcome = self.queue.add(self.queue._encode_request(request), request.priority,
                                     fingerprint, budget)
            if outcome == 0:
                self.stats.inc_value(Counter.DUPLICATE_URLS)
            elif outcome < 0:
                self.stats.inc_value(Counter.OVER_BUDGET)
            else:
                self.stats.inc_value("scheduler/enqueued/redis")
            queued = outcome > 0
            if token is not None:  # its successor is queued (or was seen): hand-off done
                self._held.discard(token)
                self.queue.ack([token])
        except (QueueUnavailable, RedisError) as exc:
            self._lose(exc)
            return False
        return queued

    def next_request(self) -> Request | None:
        if not self.work or self.queue is None or self.lost:
            return None
        try:
            popped = self.queue.pop()
        except QueueUnavailable as exc:
            self._lose(exc)
            return None
        if popped is None:
            return None
        request, token = popped
        self._held.add(token)
        request.meta[TOKEN] = token
        request.meta["cw_started"] = time.monotonic()
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        if not self.work or self.queue is None or self.lost:
            return False
        try:
            return len(self.queue) > 0
        except QueueUnavailable as exc:
            self._lose(exc)
            return False

    def return_orphans(self) -> int:
        """Give back what Redis lists in this worker's in-flight set but the worker never
        received (a pop whose reply was lost); call it only while the engine is idle."""
        if self.queue is None or self.lost:
            return 0
        try:
            orphans = sorted(self.queue.held() - self._held)
            returned = self.queue.requeue_own(orphans) if orphans else 0
        except QueueUnavailable as exc:
            self._lose(exc)
            return 0
        if returned:
            logger.warning("returned %d requests this worker never received to the shared "
                           "queue", returned)
            self.stats.inc_value(Counter.ORPHANS_RETURNED, returned)
        return returned

    # ---- acking: a request is finished once what it produced is stored -------------------

    def _output_item(self, token: str, item: Any) -> None:
        self._open[token] = self._open.get(token, 1) + 1
        self._had_items.add(token)
        self._item_tokens[id(item)] = token

    def _output_done(self, token: str) -> None:
        self._open[token] = self._open.get(token, 1) - 1
        self._settle(token)

    def _item_done(self, item: Any, response: Any = None, **_: Any) -> None:
        token = self._item_tokens.pop(id(item), None)
        if token is not None:
            self._open[token] -= 1
            self._settle(token)
            return
        # an errback's item (errback output bypasses spider middlewares): one per request
        request = getattr(response, "request", None)  # a Response, or the errback's Failure
        token = request.meta.get(TOKEN) if isinstance(request, Request) else None
        if token is not None and token not in self._open:
            self._had_items.add(token)
            self._open[token] = 0
            self._settle(token)

    def _settle(self, token: str) -> None:
        if self._open.get(token, 1) > 0:
            return
        del self._open[token]
        assert self.queue is not None
        if self.storing and token in self._had_items:
            self._waiting.append(token)
        else:
            self._ack([token])
        self._had_items.discard(token)

    def _batch_cut(self, batch: int) -> None:
        """Whatever finished before the cut is in that batch (or an earlier one)."""
        self._cuts[batch] = self._waiting
        self._waiting = []

    def _batch_stored(self, batch: int) -> None:
        tokens = self._cuts.pop(batch, [])
        if tokens and not self._store_failed:
            self._ack(tokens)

    def _ack(self, tokens: list[str]) -> None:
        if self.queue is None or self.lost or not tokens:
            return
        self._held.difference_update(tokens)
        try:
            self.queue.ack(tokens)
        except QueueUnavailable as exc:
            self._lose(exc)

    def _batch_failed(self, batch: int) -> None:
        self._cuts.pop(batch, None)
        self._store_failed = True  # what waits is requeued at close and done again


class InflightMiddleware:
    """Spider middleware: tells the scheduler which items a popped request produced and
    when its callback has produced everything."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> InflightMiddleware:
        return cls(crawler)

    def _token(self, response: Any) -> str | None:
        request = getattr(response, "request", None)
        return request.meta.get(TOKEN) if request is not None else None

    def _item(self, token: str, element: Any) -> None:
        if not isinstance(element, Request):
            self.crawler.signals.send_catch_log(cw_signals.output_item, token=token,
                                                item=element)

    def _done(self, token: str) -> None:
        self.crawler.signals.send_catch_log(cw_signals.output_done, token=token)

    async def process_spider_output(self, response: Any, result: Any,
                                    spider: Any = None) -> Any:
        token, finished = self._token(response), False
        try:
            async for element in result:
                if token is not None:
                    self._item(token, element)
                yield element
            finished = True
        except Exception:
            finished = True
            raise
        finally:  # also when the callback raised (no endless retries); not when cut off
            if token is not None and finished:
                self._done(token)
