"""A process pool that runs clean_page off the reactor, one worker per core.

Workers are forked from a forkserver that has already imported the cleaner
(trafilatura, lxml) and loaded the language profiles (crawler/pool_preload.py;
started by crawler/pool_forkserver.py, by the console script before its own
imports, else when the pool starts), then freeze their heap with gc.freeze() so
the garbage collector does not walk the loaded models.

A page that outlives the timeout (counted from when a worker takes it, not
while it queues) is recorded as "timeout:clean"; its worker cannot be
interrupted, so the whole executor is replaced: its processes are killed and a
fresh one started. Pages in flight on the killed executor are submitted once
more to the new one; a page whose own worker died (a crash, or a second kill)
is reported as "clean: worker crashed", and any other exception as
"clean: internal error: <Type>". Workers exit by themselves when the crawl
process disappears (kill -9), so they never linger as orphans.

On request the worker also returns an article's MinHash signature
(storage.dedup.text_signature: the worker holds the text already) and the page's
link targets (read off the tree it parsed anyway), so the crawl process spends
its time on neither.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, NamedTuple

from cleaners import CleanError, CleanOptions, CleanPage, clean_page, clean_page_and_links
from storage.dedup import text_signature

from .pool_forkserver import start_forkserver

logger = logging.getLogger(__name__)

_QUEUE_POLL = 0.05  # seconds between looks at whether a queued page has reached a worker
_IN_FLIGHT_PER_WORKER = 2  # pages handed to the executor per worker; the rest wait here
_PARENT_POLL = 1.0  # seconds between a worker's looks at whether the crawl process still exists


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
    """End this worker when the crawl process is gone (SIGKILL leaves workers orphaned)."""
    while True:
        time.sleep(_PARENT_POLL)
        try:
            os.kill(crawl_pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            continue


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
    try:
        if links:
            page, found = clean_page_and_links(body, url, options, http_charset=charset)
        else:
            page, found = clean_page(body, url, options, http_charset=charset), ()
    except CleanError as exc:
        return Cleaned(None, f"clean: {exc}")
    except RecursionError:
        return Cleaned(None, "clean: document too deeply nested")
    except MemoryError:
        return Cleaned(None, "clean: out of memory")
    except Exception as exc:  # a cleaner bug must not cost the crawl: one reason per page
        return Cleaned(None, f"clean: internal error: {type(exc).__name__}")
    signature = None
    if sign and page.page_type == "article" and page.text:
        try:
            signature = text_signature(page.text)
        except Exception:  # the store signs it instead
            signature = None
    return Cleaned(page, None, signature, found)


class CleaningPool:
    """clean() awaits a worker's result; errors come back as reason strings in it."""

    def __init__(self, workers: int = 0, timeout: float = 30.0) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.timeout = timeout
        self.replaced = 0  # executors killed because a page ran out of time
        self._executor: ProcessPoolExecutor | None = None
        # pages handed to the executor at once: enough to keep every worker busy, few enough
        # that waiting pages sleep on the semaphore instead of polling (see _result)
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def start(self) -> None:
        if self._executor is not None:
            return
        # the executor starts its workers at the first page; the forkserver starts now (if
        # the console script has not already), so its imports and models load while the
        # crawl fetches robots.txt, the start pages and the sitemaps
        context = start_forkserver()
        self._executor = ProcessPoolExecutor(self.workers, mp_context=context,
                                             initializer=_init_worker, initargs=(os.getpid(),))

    def worker_pids(self) -> set[int]:
        """The live worker processes (for tests and diagnostics)."""
        executor = self._executor
        return {p.pid for p in _processes(executor) if p.is_alive()} if executor else set()

    async def clean(self, body: bytes, url: str, options: CleanOptions,
                    charset: str | None = None, *, sign: bool = False,
                    links: bool = False) -> Cleaned:
        """The page cleaned in a worker; sign: with its storage.dedup.text_signature (for
        an article); links: with its link targets."""
        outcome = await self._run(_clean, body, url, options, charset, sign, links)
        return Cleaned(None, outcome) if isinstance(outcome, str) else outcome

    def _in_flight(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(self.workers * _IN_FLIGHT_PER_WORKER))
        return self._slots[1]

    async def _run(self, function: Any, *args: Any) -> Any:
        """function(*args) in a worker: its result, or the reason string when it got none."""
        async with self._in_flight():
            return await self._submit(function, *args)

    async def _submit(self, function: Any, *args: Any) -> Any:
        for attempt in (1, 2):
            self.start()
            executor = self._executor
            assert executor is not None
            future = executor.submit(function, *args)
            try:
                return await self._result(future)
            except TimeoutError:
                if attempt == 1 and executor is not self._executor:
                    continue  # the pool was replaced under us (another page hung): once more
                self._replace(executor, future)
                return "timeout:clean"
            except BrokenProcessPool:
                if attempt == 1 and executor is not self._executor:
                    continue  # killed for another page's timeout: once more on the new pool
                self._replace(executor)
                return "clean: worker crashed"
            except Exception as exc:  # e.g. a result that does not unpickle: this page only
                return f"clean: internal error: {type(exc).__name__}"
        return "clean: worker crashed"

    async def _result(self, future: Future[Any]) -> Any:
        """The future's result; the clock starts when a worker takes the page, not in the queue."""
        waiter = asyncio.wrap_future(future)
        while not (future.running() or future.done()):
            await asyncio.wait({waiter}, timeout=_QUEUE_POLL)
        return await asyncio.wait_for(waiter, self.timeout)

    def _replace(self, executor: ProcessPoolExecutor, future: Future[Any] | None = None
                 ) -> None:
        """Kill executor's workers (a hung page holds one) and start a fresh pool."""
        if executor is not self._executor:
            return  # already replaced for another page
        if future is not None and future.done():
            return  # finished just as the timer fired: the pool is fine
        self.replaced += 1
        self._executor = None
        logger.warning("cleaning pool replaced: a page ran past %.1f s", self.timeout)
        _kill(executor)
        self.start()

    def restart(self) -> None:
        self.close(wait=False)
        self.start()

    def close(self, wait: bool = True) -> None:
        """Stop the workers: let them finish (at most the timeout) when wait, then kill."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        processes = _processes(executor)
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(OSError, ValueError, AssertionError):
                process.join(timeout=self.timeout if wait else 0)
                if process.is_alive():
                    process.kill()
                    process.join(timeout=5)


def _processes(executor: ProcessPoolExecutor) -> list[multiprocessing.process.BaseProcess]:
    return list((getattr(executor, "_processes", None) or {}).values())


def _kill(executor: ProcessPoolExecutor) -> None:
    """Kill the workers; the executor then fails every page it holds with BrokenProcessPool."""
    processes = _processes(executor)
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.kill()
    executor.shutdown(wait=False)
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(timeout=5)
