"""A process pool that runs clean_page off the reactor, one worker per core.

Workers are forked from a forkserver that has already imported the cleaner
(trafilatura, lxml) and loaded the language profiles (crawler/pool/preload.py;
started by crawler/pool/forkserver.py, by the console script before its own
imports, else when the pool starts), then freeze their heap with gc.freeze() so
the garbage collector does not walk the loaded models.

The reactor talks to each worker over a socket pair of its own, read and written
without blocking from the event loop (length-prefixed pickles): no helper threads
in the crawl process, no polling, and a page costs the reactor one write and one
read. Each worker holds at most _IN_FLIGHT_PER_WORKER pages (the one it cleans and
the next ones in its socket: ~50 ms of work, enough to keep it busy while the reactor
commits a batch); the rest wait here, and a worker is sent the next page as soon as
it sends a result.

A page that outlives the timeout (counted from when it reaches the head of its
worker's line, i.e. when the worker starts it) is recorded as "timeout: clean"; its
worker cannot be interrupted, so it is killed and replaced, and the pages queued
behind it go to the other workers or the replacement. A worker that dies while
cleaning (a crash) costs its page "clean: worker crashed"; any other exception of
the cleaner comes back as "clean: internal error: <Type>". Workers exit by
themselves when the crawl process disappears (kill -9: their socket reaches its
end, and a watch thread catches a worker busy on a page), so they never linger.

On request the worker also returns an article's MinHash signature
(cleaners.minhash.text_signature: the worker holds the text already) and the page's
link targets (read off the tree it parsed anyway), so the crawl process spends
its time on neither.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import pickle
import signal
import struct
import threading
import time
from collections import deque
from multiprocessing.context import BaseContext
from typing import Any, NamedTuple

from cleaners import CleanError, CleanOptions, CleanPage
from cleaners.minhash import text_signature
from crawler.pool.forkserver import start_forkserver
from storage.contract import Reason

logger = logging.getLogger(__name__)

_IN_FLIGHT_PER_WORKER = 5  # pages sent to a worker at once: the one it cleans and four more
_PARENT_POLL = 1.0  # seconds between a worker's looks at whether the crawl process still exists
_HEADER = struct.Struct("<Q")  # the length of the pickle that follows
_READ_SIZE = 1 << 16  # a read allocates this much first: 1 MB cost ~10 µs more (mmap)
_MAX_ATTEMPTS = 3  # a page whose worker died before starting it is sent again, this often


class Cleaned(NamedTuple):
    """What a worker sends back for one page: the page or the reason there is none, the
    article's signature when asked to sign (None when signing fails: the store then
    signs the text itself), and the page's link targets when asked for them."""

    page: CleanPage | None
    error: str | None
    signature: bytes | None = None
    links: tuple[str, ...] = ()


def _clean(body: bytes, url: str, options: CleanOptions, charset: str | None,
           sign: bool = False, links: bool = False) -> Cleaned:
    from cleaners.pipeline import clean_page, clean_page_and_links  # loaded by the forkserver

    try:
        if links:
            page, found = clean_page_and_links(body, url, options, http_charset=charset)
        else:
            page, found = clean_page(body, url, options, http_charset=charset), ()
    except CleanError as exc:
        return Cleaned(None, Reason.clean(str(exc)))
    except RecursionError:
        return Cleaned(None, Reason.CLEAN_TOO_DEEP)
    except MemoryError:
        return Cleaned(None, Reason.CLEAN_OUT_OF_MEMORY)
    except Exception as exc:  # a cleaner bug must not cost the crawl: one reason per page
        return Cleaned(None, Reason.clean_internal(exc))
    signature = None
    if sign and page.page_type == "article" and page.text:
        try:
            signature = text_signature(page.text)
        except Exception:  # the store signs it instead
            signature = None
    return Cleaned(page, None, signature, found)


# ---- the worker process ------------------------------------------------------------------

def _worker_main(conn: Any, crawl_pid: int) -> None:
    """A cleaning worker: pages in, Cleaned out, until its socket reaches its end."""
    _init_worker(crawl_pid)
    fd = conn.fileno()
    while True:
        try:
            job = _read_frame(fd)
        except (EOFError, OSError):  # the pool closed, or the crawl process is gone
            os._exit(0)
        try:
            function, args = pickle.loads(job)
            outcome = function(*args)
            reply = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a job that does not unpickle, a result that does not pickle
            reply = pickle.dumps(Reason.clean_internal(exc))
        try:
            _write_frame(fd, reply)
        except OSError:
            os._exit(0)


def _init_worker(crawl_pid: int = 0) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    if crawl_pid:
        threading.Thread(target=_exit_with, args=(crawl_pid,), daemon=True,
                         name="cleanwire-parent-watch").start()
    from cleaners.language import detect_language

    detect_language("warm up the language profiles before freezing the heap")
    text_signature("make the MinHash permutations before freezing the heap")
    gc.freeze()


def _exit_with(crawl_pid: int) -> None:
    """End this worker when the crawl process is gone, even in the middle of a page."""
    while True:
        time.sleep(_PARENT_POLL)
        try:
            os.kill(crawl_pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            continue


def _read_frame(fd: int) -> bytes:
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size))
    return _read_exactly(fd, size)


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, _READ_SIZE))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _write_frame(fd: int, data: bytes) -> None:
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


# ---- the crawl process's side --------------------------------------------------------------

class _Job:
    __slots__ = ("attempts", "future", "payload")

    def __init__(self, payload: bytes, future: asyncio.Future[Any]) -> None:
        self.payload = payload
        self.future = future
        self.attempts = 0


class _Worker:
    """One cleaning process and this process's end of its socket pair."""

    def __init__(self, process: Any, conn: Any) -> None:
        self.process = process
        self.conn = conn  # kept open: its descriptor is self.fd
        self.fd: int = conn.fileno()
        self.jobs: deque[_Job] = deque()  # sent, oldest first; the first is being cleaned
        self.outbox = bytearray()  # written as the socket takes it
        self.inbox = bytearray()  # read until a whole frame is there
        self.deadline: asyncio.TimerHandle | None = None


class CleaningPool:
    """clean() awaits a worker's result; errors come back as reason strings in it."""

    def __init__(self, workers: int = 0, timeout: float = 30.0) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.timeout = timeout
        self.replaced = 0  # workers killed because a page ran out of time
        self._context: BaseContext | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running: list[_Worker] = []
        self._waiting: deque[_Job] = deque()  # not yet sent to a worker
        self._refusing: str | None = None  # the reason every new page gets, once stopping

    def start(self) -> None:
        """Start the forkserver (if the console script has not already), so its imports and
        models load while the crawl fetches robots.txt, the start pages and the sitemaps;
        workers start as pages come."""
        if self._context is None:
            self._context = start_forkserver()

    def worker_pids(self) -> set[int]:
        """The live worker processes (for tests and diagnostics)."""
        return {w.process.pid for w in self._running if w.process.is_alive()}

    def sent(self) -> int:
        """Pages whose request has wholly left for a worker and awaits its result (for tests
        and diagnostics): a worker that dies now costs them a crash or a retry."""
        return sum(len(w.jobs) for w in self._running if not w.outbox)

    async def clean(self, body: bytes, url: str, options: CleanOptions,
                    charset: str | None = None, *, sign: bool = False,
                    links: bool = False) -> Cleaned:
        """The page cleaned in a worker; sign: with its cleaners.minhash.text_signature (for
        an article); links: with its link targets."""
        outcome = await self._run(_clean, body, url, options, charset, sign, links)
        return Cleaned(None, outcome) if isinstance(outcome, str) else outcome

    async def _run(self, function: Any, *args: Any) -> Any:
        """function(*args) in a worker: its result, or the reason string when it got none."""
        if self._refusing is not None:
            return self._refusing
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests run several): fresh workers
            self.close(wait=False)
            self._loop = loop
        self.start()
        try:
            payload = pickle.dumps((function, args), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            return Reason.clean_internal(exc)
        job = _Job(payload, loop.create_future())
        self._waiting.append(job)
        self._dispatch()
        return await job.future

    # -- sending ------------------------------------------------------------------------------
    def _dispatch(self) -> None:
        """Send waiting pages to the least busy workers, starting workers as needed."""
        if self._refusing is not None:
            self._fail_waiting(self._refusing)
            return
        while self._waiting:
            worker = min(self._running, key=lambda w: len(w.jobs), default=None)
            if worker is None or (worker.jobs and len(self._running) < self.workers):
                try:
                    worker = self._spawn()
                except Exception as exc:  # no worker can start: nothing can be cleaned
                    logger.error("cleaning worker could not start: %s", exc)
                    self._fail_waiting(Reason.CLEAN_WORKER_CRASHED)
                    return
            if len(worker.jobs) >= _IN_FLIGHT_PER_WORKER:
                return
            job = self._waiting.popleft()
            worker.jobs.append(job)
            worker.outbox += _HEADER.pack(len(job.payload))
            worker.outbox += job.payload
            if len(worker.jobs) == 1:
                self._start_clock(worker)
            self._flush(worker)

    def _spawn(self) -> _Worker:
        assert self._context is not None and self._loop is not None
        ours, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(target=_worker_main, args=(theirs, os.getpid()),
                                        name="cleanwire-cleaner", daemon=True)
        try:
            process.start()
        finally:
            theirs.close()  # the worker holds it now: its end closes when the worker dies
        worker = _Worker(process, ours)
        os.set_blocking(worker.fd, False)
        self._loop.add_reader(worker.fd, self._readable, worker)
        self._running.append(worker)
        return worker

    def _flush(self, worker: _Worker) -> None:
        assert self._loop is not None
        if worker.outbox:
            try:
                sent = os.write(worker.fd, worker.outbox)
            except BlockingIOError:
                sent = 0
            except OSError:  # the worker is gone: its end of file is read next
                worker.outbox.clear()
                sent = 0
            del worker.outbox[:sent]
        if worker.outbox:
            self._loop.add_writer(worker.fd, self._flush, worker)
        else:
            self._loop.remove_writer(worker.fd)

    # -- receiving ----------------------------------------------------------------------------
    def _readable(self, worker: _Worker) -> None:
        try:
            data = os.read(worker.fd, _READ_SIZE)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the worker died
            self._lost(worker, Reason.CLEAN_WORKER_CRASHED)
            return
        worker.inbox += data
        inbox = worker.inbox
        while len(inbox) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(inbox)
            end = _HEADER.size + size
            if len(inbox) < end:
                break
            frame = bytes(inbox[_HEADER.size:end])
            del inbox[:end]
            self._finished(worker, frame)
        self._dispatch()

    def _finished(self, worker: _Worker, frame: bytes) -> None:
        job = worker.jobs.popleft()
        self._stop_clock(worker)
        if worker.jobs:
            self._start_clock(worker)
        try:
            outcome = pickle.loads(frame)
        except Exception as exc:
            outcome = Reason.clean_internal(exc)
        _settle(job, outcome)

    # -- time limits, crashes ----------------------------------------------------------------
    def _start_clock(self, worker: _Worker) -> None:
        assert self._loop is not None
        worker.deadline = self._loop.call_later(self.timeout, self._expired, worker)

    @staticmethod
    def _stop_clock(worker: _Worker) -> None:
        if worker.deadline is not None:
            worker.deadline.cancel()
            worker.deadline = None

    def _expired(self, worker: _Worker) -> None:
        """The worker's current page ran past the timeout: kill the worker, replace it."""
        worker.deadline = None
        self.replaced += 1
        logger.warning("cleaning worker replaced: a page ran past %.1f s", self.timeout)
        self._lost(worker, Reason.CLEAN_TIMEOUT)

    def _lost(self, worker: _Worker, reason: str) -> None:
        """Take worker out; its current page gets reason, the pages behind it go again."""
        self._retire(worker, wait=False)
        if worker.jobs:
            _settle(worker.jobs.popleft(), reason)
        for job in reversed(worker.jobs):  # not started: to the front of the line, in order
            job.attempts += 1
            if job.attempts >= _MAX_ATTEMPTS:
                _settle(job, Reason.CLEAN_WORKER_CRASHED)
            else:
                self._waiting.appendleft(job)
        worker.jobs.clear()
        self._dispatch()

    def _retire(self, worker: _Worker, wait: bool) -> None:
        """Stop listening to worker and end its process (let it finish its page when wait)."""
        if worker in self._running:
            self._running.remove(worker)
        self._stop_clock(worker)
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.remove_reader(worker.fd)
            loop.remove_writer(worker.fd)
        worker.conn.close()  # its end of file tells an idle worker to exit
        process = worker.process
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(timeout=self.timeout if wait else 0)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)

    def _fail_waiting(self, reason: str) -> None:
        while self._waiting:
            _settle(self._waiting.popleft(), reason)

    def refuse(self, reason: str, grace: float) -> None:
        """A crawl that is stopping: the waiting pages and every new one get reason at once;
        the workers have grace seconds to finish the pages they hold, then are killed (their
        pages get reason too)."""
        self._refusing = reason
        self._fail_waiting(reason)
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_later(grace, self.close, False, reason)

    def close(self, wait: bool = True, reason: str = Reason.CLEAN_POOL_CLOSED) -> None:
        """Stop the workers: let them finish (at most the timeout) when wait, then kill.
        Pages still waiting or in flight get reason ("clean: pool closed")."""
        for worker in list(self._running):
            jobs = list(worker.jobs)
            worker.jobs.clear()
            self._retire(worker, wait)
            for job in jobs:
                _settle(job, reason)
        self._fail_waiting(reason)


def _settle(job: _Job, outcome: Any) -> None:
    if not job.future.done() and not job.future.get_loop().is_closed():
        job.future.set_result(outcome)
