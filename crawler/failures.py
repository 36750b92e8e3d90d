"""Why a request failed, as the short reason text stored in fetches.error."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx_error
from twisted.python.failure import Failure

from crawler.download import HeadersTooLarge
from storage.contract import Outcome, Reason

#: request.meta key of a download a stopping crawl gave up on (crawler/interrupts.py)
ABANDONED = "cleanwire_abandoned"

# (exception types, reason); first match wins
_REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((HeadersTooLarge,), Reason.TOO_LARGE_HEADERS),
    ((DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError), Reason.TIMEOUT),
    ((CannotResolveHostError, tx_error.DNSLookupError), Reason.DNS),
    ((DownloadConnectionRefusedError, tx_error.ConnectionRefusedError), Reason.CONNECTION_REFUSED),
    ((DownloadCancelledError,), Reason.TOO_LARGE),
    ((ResponseDataLossError,), Reason.DATA_LOSS),
    ((tx_error.ConnectionLost, tx_error.ConnectionDone), Reason.CONNECTION_LOST),
)


class RefusedRequest(IgnoreRequest):
    """A request (or redirect) cleanwire will not follow; reason is the fetches.error text:
    "refused: scheme" or "refused: private address"."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"{reason}: {url[:200]}")
        self.reason = reason


def failure_reason(failure: Failure) -> tuple[str, int | None, Outcome]:
    """(reason, http status or None, outcome skipped or failed) for a request failure."""
    exc = failure.value
    if isinstance(exc, RefusedRequest):
        return exc.reason, None, Outcome.FAILED
    if isinstance(exc, HttpError):
        status = exc.response.status
        return Reason.http(status), status, Outcome.FAILED
    if isinstance(exc, IgnoreRequest):
        text = str(exc).lower()
        if "robots" in text:
            return Reason.ROBOTS, None, Outcome.SKIPPED
        if "maxsize" in text or "max size" in text or "download_maxsize" in text:
            return Reason.TOO_LARGE, None, Outcome.FAILED
        if "max redirections" in text:
            return Reason.TOO_MANY_REDIRECTS, None, Outcome.FAILED
        return Reason.IGNORED, None, Outcome.SKIPPED
    request = getattr(failure, "request", None)
    if request is not None and request.meta.get(ABANDONED):
        return Reason.INTERRUPTED, None, Outcome.SKIPPED
    for types, reason in _REASONS:
        if isinstance(exc, types):
            return reason, None, Outcome.FAILED
    return type(exc).__name__, None, Outcome.FAILED

