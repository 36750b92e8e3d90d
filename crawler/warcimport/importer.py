"""The import loop: WARC records cleaned in the crawl's cleaning pool and stored as a crawl
stores its pages, with each file's progress committed beside them.

Records are read in file order (crawler/warcimport/reader.py); each 200 HTML response
goes to the CleaningPool (crawler/pool/cleaning_pool.py) at once, so the workers always
hold pages, while at most `window` records wait for their result. Results are taken in
file order: an article becomes a PageRecord pointing at its capture (the record's file,
offset and length; source "import"), a non-article page or a page the cleaner refused a
fetch row with its capture, a skipped record (revisit, non-200, non-HTML, too large,
truncated) a fetch row. A batch is written by Repository.store on one writer thread, in
order, in one transaction with the file's warc_imports row (storage/warcimports.py): the
offset after the batch's last record. A killed import resumes from there, so no record
is stored twice. Counters are the crawl's (storage.contract), kept in a plain dict shaped
like Scrapy's stats, so the progress line, the summary and crawl_runs.counts read them as
they read a crawl's.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cleaners import CleanOptions
from cleaners.urlkeys import host_of
from crawler.extensions.progress import tally_parts
from crawler.pool.cleaning_pool import Cleaned, CleaningPool
from storage.captures import CaptureRecord
from storage.contract import (
    ARTICLE_COUNTERS,
    CaptureSource,
    Counter,
    Outcome,
    Reason,
    clean_failure_outcome,
    example_key,
    page_type_counter,
    page_type_outcome,
    reason_counter,
)
from storage.repository import FetchRecord, PageRecord, Repository, SiteCapture
from storage.warcimports import file_progress, mark_read

from .reader import (
    WarcDamaged,
    WarcEntry,
    WarcInput,
    WarcInputError,
    open_input,
    read_entries,
)

#: batches handed to the writer thread and not yet committed before reading waits
_MAX_PENDING = 2


@dataclass(frozen=True)
class ImportOptions:
    """What import-warc was asked for, and the crawl's limits it keeps."""

    sites: tuple[str, ...] = ()  # hosts (a subdomain matches its domain); () = every site
    languages: tuple[str, ...] = ()  # article languages kept; () = every language
    since: datetime | None = None  # records fetched before this are left out
    max_bytes: int = 5 * 1024 * 1024  # DOWNLOAD_MAXSIZE: the page cap, after decompression
    workers: int = 0  # cleaning processes (0: one per core)
    clean_timeout: float = 30.0
    batch_size: int = 100
    progress_interval: float = 5.0  # 0: no progress lines
    http_timeout: float = 30.0
    user_agent: str = "cleanwire"
    safe_destinations: bool = True

    def keeps_site(self, site: str) -> bool:
        return not self.sites or any(site == s or site.endswith("." + s) for s in self.sites)


@dataclass
class ImportResult:
    """What one import did: its counters (Scrapy-stats shaped), time and run."""

    stats: dict[str, Any]
    elapsed: float
    run_id: int | None
    outcome: str = "ok"
    damaged: list[str] = field(default_factory=list)  # one line per file cut short
    unreadable: list[str] = field(default_factory=list)  # one line per input not opened
    signal: int | None = None  # the signal that stopped it


@dataclass
class _Pending:
    entry: WarcEntry
    site: str
    task: asyncio.Future[Cleaned] | None = None


@dataclass
class _Batch:
    source: WarcInput
    pages: list[PageRecord] = field(default_factory=list)
    fetches: list[FetchRecord] = field(default_factory=list)
    captures: list[SiteCapture] = field(default_factory=list)
    next_offset: int = 0
    records: int = 0
    finished: bool = False

    def __len__(self) -> int:
        return len(self.pages) + len(self.fetches)


class WarcImporter:
    """Imports WARC inputs into one store, through one cleaning pool, as one crawl run."""

    def __init__(self, repository: Repository, options: ImportOptions,
                 report: Callable[[str], None] | None = None) -> None:
        self.repository = repository
        self.options = options
        self.report = report
        self.stats: dict[str, Any] = {}
        self.pool = CleaningPool(options.workers, options.clean_timeout)
        self.clean_options = CleanOptions()
        self.window = max(8, 16 * self.pool.workers)
        self.run_id: int | None = None
        self.stop_signal: int | None = None
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="cleanwire-import-writer")
        self._commits: deque[tuple[Future[list[str]], _Batch]] = deque()
        self._started = time.monotonic()
        self._last_report = self._started
        self._write_error: BaseException | None = None

    # -- the run ------------------------------------------------------------------------------
    def run(self, inputs: Sequence[WarcInput], arguments: dict[str, Any]) -> ImportResult:
        """Import every input in order; SIGINT/SIGTERM stop after the records in hand."""
        arguments = {**arguments, "pid": os.getpid(), "host": socket.gethostname()}
        self.run_id = self.repository.start_run("import-warc", arguments)
        self.stats[Counter.RUN_ID] = self.run_id
        self._started = self._last_report = time.monotonic()
        damaged: list[str] = []
        unreadable: list[str] = []
        try:
            asyncio.run(self._import_all(inputs, damaged, unreadable))
        finally:
            self.pool.close()
            self._writer.shutdown(wait=True)
        elapsed = time.monotonic() - self._started
        if self._write_error is not None:
            outcome = "failed"
        elif self.stop_signal is not None:
            outcome = f"interrupted: {signal.Signals(self.stop_signal).name}"
        elif unreadable and len(unreadable) == len(inputs):
            outcome = "failed"
        else:
            outcome = "ok"
        self._finish(outcome)
        return ImportResult(self.stats, elapsed, self.run_id, outcome, damaged, unreadable,
                            self.stop_signal)

    def _finish(self, outcome: str) -> None:
        from crawler.pipelines.store import run_counts

        exact, near = self.repository.run_duplicates(self.run_id or 0)
        self.stats[Counter.DUPLICATES_EXACT] = exact
        self.stats[Counter.DUPLICATES_NEAR] = near
        self.stats[Counter.OUTCOME] = outcome
        self.repository.finish_run(self.run_id or 0, outcome, run_counts(self.stats))
        if self.options.progress_interval > 0:
            self._progress(force=True)

    async def _import_all(self, inputs: Sequence[WarcInput], damaged: list[str],
                          unreadable: list[str]) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self._stop, signum)
        self.pool.start()
        try:
            for source in inputs:
                if self._stopping:
                    break
                try:
                    await self._import_file(source)
                except WarcDamaged as exc:
                    damaged.append(f"{source.name}: {exc}")
                    self._count_skip(Reason.WARC_DAMAGED, source.name)
                except WarcInputError as exc:  # a URL that does not answer: the next input
                    unreadable.append(str(exc))
                    continue
                self.stats[Counter.WARC_FILES] = self.stats.get(Counter.WARC_FILES, 0) + 1
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
            await self._drain_commits(0)

    @property
    def _stopping(self) -> bool:
        return self.stop_signal is not None or self._write_error is not None

    def _stop(self, signum: int) -> None:
        if self.stop_signal is None:
            self.stop_signal = signum
            print("stopping... (the records in hand are stored first)", file=sys.stderr,
                  flush=True)
        else:  # a second signal: leave now, the committed batches are the progress
            os._exit(128 + signum)

    # -- one file -----------------------------------------------------------------------------
    async def _import_file(self, source: WarcInput) -> None:
        with self.repository.engine.connect() as connection:
            done = file_progress(connection, source.key)
        if done.finished:
            return
        batch = _Batch(source, next_offset=done.next_offset, records=done.records)
        queue: deque[_Pending] = deque()
        stream = await asyncio.to_thread(
            open_input, source, done.next_offset, timeout=self.options.http_timeout,
            user_agent=self.options.user_agent,
            safe_destinations=self.options.safe_destinations)
        try:
            complete = True
            try:
                for entry in read_entries(stream, self.options.max_bytes):
                    queue.append(self._start(entry))
                    batch = await self._take(queue, batch, self.window)
                    if self._stopping:
                        complete = False
                        break
            except WarcDamaged:
                batch = await self._take(queue, batch, 0)
                self._commit(batch)
                raise
            batch = await self._take(queue, batch, 0)
            batch.finished = complete
            self._commit(batch)
        finally:
            with contextlib.suppress(OSError):
                stream.close()

    def _start(self, entry: WarcEntry) -> _Pending:
        """Count the record; send a page that passes the filters to the pool."""
        self._inc(Counter.WARC_RECORDS)
        site = host_of(entry.url) if entry.url else ""
        pending = _Pending(entry, site)
        if entry.kind == "other":
            return pending
        options = self.options
        if not options.keeps_site(site) or (
                options.since is not None and entry.fetched_at is not None
                and entry.fetched_at < options.since):
            self._inc(Counter.WARC_FILTERED)
            entry.kind = "other"
        elif entry.kind == "page":
            self._inc(Counter.FETCHED)
            pending.task = asyncio.ensure_future(self.pool.clean(
                entry.body, entry.url or "", self.clean_options, entry.charset, sign=True))
            entry.body = b""  # the pool holds it now
        return pending

    async def _take(self, queue: deque[_Pending], batch: _Batch, keep: int) -> _Batch:
        """Move finished records from the head of queue into batches (in file order) until
        at most keep records wait; a full batch goes to the writer."""
        while queue and (len(queue) > keep or queue[0].task is None or queue[0].task.done()):
            pending = queue.popleft()
            cleaned = await pending.task if pending.task is not None else None
            self._add(batch, pending, cleaned)
            if len(batch) >= self.options.batch_size:
                self._commit(batch)
                await self._drain_commits(_MAX_PENDING)
                batch = _Batch(batch.source, next_offset=batch.next_offset,
                               records=batch.records)
            self._progress()
        return batch

    def _add(self, batch: _Batch, pending: _Pending, cleaned: Cleaned | None) -> None:
        """One record's outcome into batch, counted as a crawl counts a page."""
        entry, site = pending.entry, pending.site
        batch.next_offset, batch.records = entry.end, batch.records + 1
        if entry.kind == "other":
            return
        fetch = FetchRecord(url=entry.url or "", status=entry.status,
                            content_type=entry.content_type,
                            fetched_at=entry.fetched_at or datetime.now(UTC))
        if entry.kind == "skip" or cleaned is None:
            reason = entry.reason or Reason.CLEAN_NO_RESULT
            fetch.outcome, fetch.error = Outcome.SKIPPED, reason
            self._count_skip(reason, fetch.url)
            batch.fetches.append(fetch)
            return
        capture = CaptureRecord(
            url=fetch.url, warc_path=batch.source.key, offset=entry.offset,
            length=entry.length, fetched_at=fetch.fetched_at, source=CaptureSource.IMPORT,
            record_id=entry.record_id, payload_digest=entry.payload_digest,
            status=entry.status, content_type=entry.content_type)
        page = cleaned.page
        if page is None:
            reason = cleaned.error or Reason.CLEAN_NO_RESULT
            outcome = clean_failure_outcome(reason)
            fetch.outcome, fetch.error = outcome, reason
            self._inc(reason_counter(outcome, reason))
            self.stats.setdefault(example_key(outcome, reason), fetch.url)
        elif page.page_type != "article":
            fetch.outcome = page_type_outcome(page.page_type)
            self._inc(Counter.NON_ARTICLES)
            self._inc(page_type_counter(page.page_type))
            if page.declared_article:
                self._inc(Counter.DECLARED_NON_ARTICLES)
        elif self.options.languages and page.language not in self.options.languages:
            self._inc(Counter.WARC_FILTERED)
            return
        else:
            fetch.capture = capture
            batch.pages.append(PageRecord(page=page, fetch=fetch, site_name=site,
                                          site_host=site, signature=cleaned.signature))
            return
        batch.fetches.append(fetch)
        batch.captures.append(SiteCapture(capture, site, site))

    def _count_skip(self, reason: str, url: str) -> None:
        self._inc(reason_counter(Outcome.SKIPPED, reason))
        self.stats.setdefault(example_key(Outcome.SKIPPED, reason), url)

    def _inc(self, key: str, by: int = 1) -> None:
        self.stats[key] = self.stats.get(key, 0) + by

    # -- writing ------------------------------------------------------------------------------
    def _commit(self, batch: _Batch) -> None:
        """Hand batch to the writer thread (batches commit one at a time, in order)."""
        if self._write_error is not None:
            return
        source, offset, records, finished = (batch.source.key, batch.next_offset,
                                             batch.records, batch.finished)
        run_id = self.run_id

        def progress(connection: Any) -> None:
            mark_read(connection, source, offset, records, run_id, finished)

        job = self._writer.submit(self.repository.store, run_id, list(batch.pages),
                                  list(batch.fetches), captures=list(batch.captures),
                                  after=progress)
        self._commits.append((job, batch))

    async def _drain_commits(self, keep: int) -> None:
        """Wait until at most keep batches are uncommitted; count what the done ones stored."""
        while self._commits and (len(self._commits) > keep or self._commits[0][0].done()):
            job, batch = self._commits.popleft()
            try:
                outcomes = await asyncio.wrap_future(job)
            except Exception as exc:  # a database error: stop, the progress stays before it
                self._write_error = exc
                self._inc(reason_counter(Outcome.FAILED, Reason.STORE_ERROR), len(batch.pages))
                continue
            for outcome, record in zip(outcomes, batch.pages, strict=True):
                if outcome in ARTICLE_COUNTERS:
                    self._inc(ARTICLE_COUNTERS[outcome])
                else:
                    self._inc(reason_counter(outcome, record.fetch.error or Reason.URL_TOO_LONG))

    @property
    def write_error(self) -> BaseException | None:
        return self._write_error

    # -- progress -----------------------------------------------------------------------------
    def _progress(self, force: bool = False) -> None:
        interval = self.options.progress_interval
        now = time.monotonic()
        if self.report is None or (not force and (interval <= 0
                                                  or now - self._last_report < interval)):
            return
        self._last_report = now
        self.report(progress_line(self.stats, now - self._started))


def progress_line(stats: dict[str, Any], elapsed: float) -> str:
    """import-warc's progress line: records read, then the crawl's parts (pages cleaned)."""
    records = int(stats.get(Counter.WARC_RECORDS, 0) or 0)
    return " · ".join([f"records {records}", *tally_parts(stats, elapsed, "pages")])
