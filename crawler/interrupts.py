"""How a crawl process answers Ctrl-C and SIGTERM: the first stops it soon, a second at once."""

from __future__ import annotations

import contextlib
import os
from typing import Any

from scrapy.crawler import CrawlerProcess
from twisted.internet.defer import Deferred, succeed
from twisted.internet.task import LoopingCall

from crawler.commands.base import ABORTING, EXIT_INTERRUPTED, STOPPING, exit_for_signal
from crawler.failures import ABANDONED
from crawler.pool.service import CleaningService
from storage.contract import Reason

ABORT_EVERY = 0.2  # seconds between passes over the connections of a stopping crawl
#: HTTP11ClientProtocol states of a connection with a request under way
_BUSY = frozenset({"TRANSMITTING", "TRANSMITTING_AFTER_RECEIVING_RESPONSE", "WAITING"})


class CrawlProcess(CrawlerProcess):
    """Scrapy's CrawlerProcess, told by signals as a person at a terminal expects.

    The first SIGINT or SIGTERM prints STOPPING, abandons the downloads in flight and the
    pages waiting for a cleaning worker (when abandon_downloads: a page that takes 30 s
    more is not worth waiting for; they count as skipped: interrupted) and stops the
    crawls the way Scrapy does: what is cleaned is stored and each run is recorded as
    interrupted. A second signal ends the cleaning workers and stops the reactor at once,
    without waiting for the crawls to close; the store's shutdown trigger still commits
    what it holds (crawler/pipelines/store.py). exit_code() says how it ended.
    """

    def __init__(self, settings: Any, abandon_downloads: bool = True) -> None:
        super().__init__(settings)
        self.abandon = abandon_downloads  # False for a worker: its queue requeues them
        self.signals_received: list[int] = []
        self._aborting: LoopingCall | None = None

    @property
    def interrupted(self) -> bool:
        return bool(self.signals_received)

    @property
    def aborted(self) -> bool:
        return len(self.signals_received) > 1

    def exit_code(self) -> int | None:
        """None when no signal came; else 128 + the first signal, 130 after an abort."""
        if not self.signals_received:
            return None
        return EXIT_INTERRUPTED if self.aborted else exit_for_signal(self.signals_received[0])

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        from twisted.internet import reactor

        self.signals_received.append(signum)
        super()._signal_shutdown(signum, frame)  # first: a second signal now aborts
        _say(STOPPING)
        if self.abandon:
            reactor.callFromThread(self.abandon_downloads)

    def abandon_downloads(self) -> None:
        """Give up the downloads in flight and the pages not yet with a cleaning worker.
        Scrapy does not retry those downloads, their failure is recorded as skipped:
        interrupted (crawler/failures.py), and their connections are aborted, again every
        ABORT_EVERY seconds until the reactor stops: Twisted's pool retries a request once
        on a fresh connection when a reused one is lost."""
        for service in self._cleaning_services():
            service.interrupt()
        for crawler in self.crawlers:
            engine = getattr(crawler, "engine", None)
            for slot in engine.downloader.slots.values() if engine is not None else ():
                for request in slot.active:
                    request.meta[ABANDONED] = True
                    request.meta["dont_retry"] = True
        self._aborting = LoopingCall(abort_connections)
        self._aborting.start(ABORT_EVERY, now=True)

    def _cleaning_services(self) -> list[CleaningService]:
        services = []
        for crawler in self.crawlers:
            with contextlib.suppress(RuntimeError):  # not built yet: nothing to clean
                services.append(CleaningService.of(crawler))
        return [s for s in services if s is not None]

    def _stop_cleaning(self) -> None:
        """An abort: end the cleaning workers now (they would outlive this process)."""
        for service in self._cleaning_services():
            service.pool.close(wait=False, reason=Reason.INTERRUPTED)

    def _signal_kill(self, signum: int, frame: Any) -> None:
        from twisted.internet import reactor

        self.signals_received.append(signum)
        reactor.callFromThread(self._stop_cleaning)
        super()._signal_kill(signum, frame)
        _say(ABORTING)

    def _stop_dfd(self) -> Deferred[Any]:
        """A before-shutdown trigger: waits for the crawls to close, unless aborting."""
        return succeed(None) if self.aborted else super()._stop_dfd()


def abort_connections() -> int:
    """Abort every HTTP client connection with a request in flight; how many there were."""
    from twisted.internet import reactor
    from twisted.web._newclient import HTTP11ClientProtocol

    aborted = 0
    for selectable in {*reactor.getReaders(), *reactor.getWriters()}:
        protocol = _innermost(getattr(selectable, "protocol", None))
        if isinstance(protocol, HTTP11ClientProtocol) and protocol.state in _BUSY:
            protocol.abort()
            aborted += 1
    return aborted


def _innermost(protocol: Any) -> Any:
    """The protocol inside the endpoint's and TLS's wrappers."""
    for _ in range(4):
        inner = getattr(protocol, "_wrappedProtocol", None) or getattr(
            protocol, "wrappedProtocol", None)
        if inner is None:
            return protocol
        protocol = inner
    return protocol


def _say(line: str) -> None:
    """One line on stderr from a signal handler (os.write: print could re-enter a write
    the signal interrupted)."""
    clear = "\r\x1b[K" if os.isatty(2) else ""  # over the progress line being rewritten
    os.write(2, f"{clear}cleanwire: {line}\n".encode())
