"""A process pool that runs clean_page off the reactor, one worker per core.

Workers are forked from a forkserver that has already imported the cleaner
(trafilatura, lxml, langdetect profiles), then freeze their heap with
gc.freeze() so the garbage collector does not walk the loaded models.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from cleaners import CleanError, CleanOptions, CleanPage, clean_page


def _init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    from cleaners.language import detect_language

    detect_language("warm up the language profiles before freezing the heap")
    gc.freeze()


def _clean(body: bytes, url: str, options: CleanOptions,
           charset: str | None) -> tuple[CleanPage | None, str | None]:
    try:
        return clean_page(body, url, options, http_charset=charset), None
    except CleanError as exc:
        return None, f"clean: {exc}"
    except RecursionError:
        return None, "clean: document too deeply nested"


class CleaningPool:
    """clean() awaits a worker's result; errors come back as reason strings."""

    def __init__(self, workers: int = 0, timeout: float = 30.0) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.timeout = timeout
        self._executor: ProcessPoolExecutor | None = None

    def start(self) -> None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["cleaners.pipeline", "crawler.cleaning_pool"])
        self._executor = ProcessPoolExecutor(self.workers, mp_context=context,
                                             initializer=_init_worker)

    async def clean(self, body: bytes, url: str, options: CleanOptions,
                    charset: str | None = None) -> tuple[CleanPage | None, str | None]:
        if self._executor is None:
            self.start()
        assert self._executor is not None
        try:
            future = self._executor.submit(_clean, body, url, options, charset)
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError:
            return None, "timeout:clean"
        except BrokenProcessPool:
            self.restart()
            return None, "clean: worker crashed"

    def restart(self) -> None:
        self.close(wait=False)
        self.start()

    def close(self, wait: bool = True) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=wait, cancel_futures=True)
            self._executor = None
