"""The store pipeline: cleaned pages and fetch records written in batches, the run recorded.

StorePipeline (800) writes articles, non-article pages and failed fetches in one
transaction per batch and records the crawl run; each batch's transaction also writes the
run's counters so far (crawl_runs.counts and columns, totalled from the fetch rows written),
so a run killed at any moment (SIGKILL) keeps counters that match its fetch rows.
Batches are committed by one writer thread, in the order they were cut, so a commit never
stalls the reactor: each batch is announced when it is cut (signals.batch_cut) and when it
is durable (batch_stored, or batch_failed), always on the reactor thread; the shared queue
acks a request only after the batch holding its items has committed. When MAX_PENDING
batches wait for the writer, the pipeline holds the next item until one is written (a slow
database slows the crawl instead of filling memory). Closing waits for every batch, then
records the run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.defer import Deferred, maybeDeferred, succeed
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThreadPool
from twisted.python.failure import Failure
from twisted.python.threadpool import ThreadPool

from crawler import signals as cw_signals
from crawler.items import FetchItem, PageItem
from crawler.store import CrawlStore
from storage.contract import (
    ARTICLE_COUNTERS,
    RUN_COUNTERS,
    Counter,
    Outcome,
    Reason,
    clean_failure_outcome,
    count,
    failures_by_reason,
    page_type_outcome,
    reason_counter,
    reason_totals,
)
from storage.engine import redact_url
from storage.errors import StorageError
from storage.repository import FetchRecord, PageRecord, Repository, RunCounts

logger = logging.getLogger(__name__)

#: batches cut but not yet committed before the pipeline holds items back
MAX_PENDING = 3


class _WriterPool(ThreadPool):
    """One daemon thread that commits batches in order (never keeps a process alive)."""

    def __init__(self) -> None:
        super().__init__(minthreads=1, maxthreads=1, name="cleanwire-store")

    def threadFactory(self, *args: Any, **kwargs: Any) -> threading.Thread:
        return threading.Thread(*args, **kwargs, daemon=True)


def _fetch_record(item: FetchItem | PageItem, outcome: str | None,
                  error: str | None, revisit: str | None = None) -> FetchRecord:
    """The fetch row of an item; outcome None: the store decides (new, updated, ...);
    revisit: why a stored article was fetched again (storage.contract.Revisit)."""
    return FetchRecord(
        url=item.url, status=item.status, error=error, outcome=outcome,
        content_type=item.content_type or None, bytes=item.bytes or None,
        elapsed_ms=item.elapsed_ms, fetched_at=item.fetched_at, revisit=revisit,
        capture=item.capture if isinstance(item, PageItem) else None,
    )


class StorePipeline:
    """Batches rows and writes each batch in one transaction; records the crawl run."""

    def __init__(self, crawler: Any, store: CrawlStore, batch_size: int,
                 batch_seconds: float) -> None:
        self.crawler = crawler
        self.store = store
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
        self._writer: _WriterPool | None = None
        self._batches = 0  # batches cut so far: each one's number names it in the signals
        self._pending = 0  # cut, not yet committed (or failed)
        self._last: Deferred[None] = succeed(None)  # fires when the newest batch is done
        # the run's totals over the batches committed so far (touched by the writer thread only)
        self._committed = RunCounts()

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        settings = crawler.settings
        if not settings.getbool("CLEANWIRE_STORE"):
            raise NotConfigured("storing disabled (CLEANWIRE_STORE=False)")
        store = CrawlStore.of(crawler)
        if store is None:
            raise NotConfigured("no crawl store (crawler.store.CrawlStore is not enabled)")
        pipeline = cls(crawler, store, settings.getint("CLEANWIRE_BATCH_SIZE"),
                       settings.getfloat("CLEANWIRE_BATCH_SECONDS"))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Any = None) -> None:
        spider = self.crawler.spider
        self.repository = self.store.repository
        profile = spider.profile
        arguments = {
            "start_urls": list(profile.start_urls), "feeds": list(profile.feeds),
            "sitemaps": list(profile.sitemaps), "max_pages": spider.max_pages,
            "max_depth": spider.max_depth, "mode": spider.mode,
            "database": redact_url(self.store.database_url),
            "pid": os.getpid(), "host": socket.gethostname(),  # see storage.locks
        }
        settings = self.crawler.settings
        if settings.get("CLEANWIRE_REDIS_CRAWL_ID"):  # one of several workers of a shared crawl
            arguments["shared_crawl"] = settings.get("CLEANWIRE_REDIS_CRAWL_ID")
            arguments["worker"] = settings.get("CLEANWIRE_WORKER_ID")
        self._writer = _WriterPool()
        self._writer.start()
        self.run_id = self.repository.start_run(
            self.crawler.settings.get("CLEANWIRE_COMMAND"), arguments,
            site_name=profile.site_label(profile.primary_host), site_host=profile.primary_host,
            site_hosts=sorted(profile.all_hosts) if profile.labelled else ())
        self.crawler.stats.set_value(Counter.RUN_ID, self.run_id)
        from twisted.internet import reactor

        self._trigger = reactor.addSystemEventTrigger("before", "shutdown", self._finish_if_open)
        self._timer = LoopingCall(self.flush)
        self._timer.start(self.batch_seconds, now=False)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, PageItem):
            self._add_page(item)
        elif isinstance(item, FetchItem):
            self.fetches.append(_fetch_record(item, item.outcome, item.error,
                                              self._revisit_of(item.url)))
        if len(self.pages) + len(self.fetches) >= self.batch_size:
            self.flush()
            if self._pending >= MAX_PENDING:  # the writer is behind: wait for it
                held: Deferred[Any] = Deferred()
                self._last.addBoth(lambda result: (held.callback(item), result)[1])
                return held
        return item

    def _revisit_of(self, url: str) -> str | None:
        """Why the spider fetched this stored article again (its frontier remembers)."""
        frontier = getattr(self.crawler.spider, "frontier", None)
        return frontier.revisit_of(url) if frontier is not None else None

    def _add_page(self, item: PageItem) -> None:
        page = item.clean
        revisit = self._revisit_of(item.url)
        if page is None:
            reason = item.error or Reason.CLEAN_NO_RESULT
            self.fetches.append(_fetch_record(item, clean_failure_outcome(reason), reason,
                                              revisit))
        elif page.page_type != "article":
            self.fetches.append(_fetch_record(item, page_type_outcome(page.page_type), None,
                                              revisit))
        else:
            self.pages.append(PageRecord(
                page=page, fetch=_fetch_record(item, None, None, revisit),
                site_name=self.crawler.spider.profile.site_label(item.site_host),
                site_host=item.site_host, etag=item.etag, last_modified=item.last_modified,
                aliases=item.aliases, signature=item.signature))

    def flush(self) -> Deferred[None]:
        """Cut a batch of what was handed over and give it to the writer thread; the
        Deferred fires (on the reactor thread) once it is committed or has failed. An
        empty batch is done when the batches before it are: everything handed over so far
        is durable then."""
        if self.repository is None or self.run_id is None or self._writer is None:
            return succeed(None)
        pages, fetches = self.pages, self.fetches
        self.pages, self.fetches = [], []
        self._batches += 1
        batch = self._batches
        self.crawler.signals.send_catch_log(signal=cw_signals.batch_cut, batch=batch)
        from twisted.internet import reactor

        if pages or fetches:
            extra = run_counts(self.crawler.stats.get_stats()).extra  # RUN_COUNTERS, as of now
            job = deferToThreadPool(reactor, self._writer, self._store_batch, self.repository,
                                    pages, fetches, extra)
        else:
            job = deferToThreadPool(reactor, self._writer, list)  # after the writes before it
        self._pending += 1
        job.addCallbacks(self._stored, self._not_stored, callbackArgs=(batch, pages, fetches),
                         errbackArgs=(batch, pages, len(fetches)))
        self._last = job
        return job

    def _store_batch(self, repository: Repository, pages: list[PageRecord],
                     fetches: list[FetchRecord], extra: dict[str, Any]) -> list[str]:
        """On the writer thread: one batch, and the run's counters with it (one transaction)."""
        self._committed.extra = extra
        return repository.store(self.run_id, pages, fetches, counts=self._committed)

    def _not_stored(self, failure: Failure, batch: int, pages: list[PageRecord],
                    fetches: int) -> None:
        self._pending -= 1
        if failure.check(StorageError):
            reason = str(failure.value).splitlines()[0]
        else:  # a bug, not the database: the batch is lost all the same, and said so
            reason = f"internal error: {failure.getErrorMessage()}"
            logger.error("storing a batch failed", exc_info=failure.value)
        logger.error("could not store %d rows: %s", len(pages) + fetches, reason)
        self.crawler.stats.inc_value(reason_counter(Outcome.FAILED, Reason.STORE_ERROR),
                                     len(pages))
        self.crawler.signals.send_catch_log(signal=cw_signals.batch_failed, batch=batch)

    def _stored(self, outcomes: list[str], batch: int, pages: list[PageRecord],
                fetches: list[FetchRecord]) -> None:
        self._pending -= 1
        self.crawler.signals.send_catch_log(signal=cw_signals.batch_stored, batch=batch)
        stats = self.crawler.stats
        for outcome, record in zip(outcomes, pages, strict=True):
            if outcome in ARTICLE_COUNTERS:
                stats.inc_value(ARTICLE_COUNTERS[outcome])
            else:  # not stored (its URL is longer than the column): counted by its reason
                stats.inc_value(reason_counter(outcome, record.fetch.error or Reason.URL_TOO_LONG))
        confirmed = sum(1 for fetch in fetches if fetch.outcome == Outcome.NOT_MODIFIED)
        if confirmed:  # a 304 confirms the stored copy: the article is unchanged
            stats.inc_value(Counter.ARTICLES_UNCHANGED, confirmed)

    def close_spider(self, spider: Any = None) -> Deferred[None]:
        """The last batch, and every batch before it, committed (or failed)."""
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        return self.flush()

    def _finish_if_open(self) -> None:
        """The reactor is stopping and this run was never closed. A SIGTERM that lands
        while the spider is still opening (after this pipeline wrote the run's row, before
        the engine runs) makes Scrapy stop the reactor without closing the spider; the
        run would stay 'running'. Record it as interrupted instead."""
        self._in_trigger = True  # fired: nothing to remove any more
        if self._finished:
            return None
        done = maybeDeferred(self.close_spider)
        done.addCallback(lambda _: self.spider_closed(self.crawler.spider, "shutdown"))
        return done

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.repository is None or self.run_id is None or self._finished:
            return
        self._finished = True
        stats = self.crawler.stats
        exact, near = self.repository.run_duplicates(self.run_id)
        stats.set_value(Counter.DUPLICATES_EXACT, exact)
        stats.set_value(Counter.DUPLICATES_NEAR, near)
        counts = run_counts(stats.get_stats())
        known = (count(stats.get_stats(), Counter.KNOWN_SKIPPED)
                 + count(stats.get_stats(), Counter.RECENT_SKIPPED))
        shared = bool(self.crawler.settings.get("CLEANWIRE_REDIS_CRAWL_ID"))
        outcome = run_outcome(reason, counts, known, shared)
        self.crawler.stats.set_value(Counter.OUTCOME, outcome)
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
        if self._writer is not None:
            self._writer.stop()  # idle by now: every batch is done
            self._writer = None
        self.store.release()


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
        store_error = f"{Outcome.FAILED}: {Reason.STORE_ERROR}"
        return "failed" if counts.failures_by_reason.get(store_error) else "ok"
    stored = counts.articles_new + counts.articles_updated + counts.articles_unchanged
    return "ok" if stored or known or not counts.failed else "failed"


def run_counts(stats: dict[str, Any]) -> RunCounts:
    """The crawl_runs counters, read from the crawl's Scrapy stats (storage.contract)."""
    totals = reason_totals(stats)
    return RunCounts(
        pages_fetched=count(stats, Counter.FETCHED),
        articles_new=count(stats, Counter.ARTICLES_NEW),
        articles_updated=count(stats, Counter.ARTICLES_UPDATED),
        articles_unchanged=count(stats, Counter.ARTICLES_UNCHANGED),
        non_articles=count(stats, Counter.NON_ARTICLES),
        skipped=totals[Outcome.SKIPPED], failed=totals[Outcome.FAILED],
        failures_by_reason=failures_by_reason(stats),
        extra={c.name_in_counts: count(stats, c) for c in RUN_COUNTERS if count(stats, c)},
    )
