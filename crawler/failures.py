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

# (exception types, reason); first match wins
_REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError), "timeout"),
    ((CannotResolveHostError, tx_error.DNSLookupError), "dns"),
    ((DownloadConnectionRefusedError, tx_error.ConnectionRefusedError), "connection refused"),
    ((DownloadCancelledError,), "too large"),
    ((ResponseDataLossError,), "data loss"),
    ((tx_error.ConnectionLost, tx_error.ConnectionDone), "connection lost"),
)


class RefusedRequest(IgnoreRequest):
    """A request (or redirect) cleanwire will not follow; reason is the fetches.error text:
    "refused: scheme" or "refused: private address"."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"{reason}: {url[:200]}")
        self.reason = reason


def failure_reason(failure: Failure) -> tuple[str, int | None, str]:
    """(reason, http status or None, outcome 'skipped' or 'failed') for a request failure."""
    exc = failure.value
    if isinstance(exc, RefusedRequest):
        return exc.reason, None, "failed"
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"http {status}", status, "failed"
    if isinstance(exc, IgnoreRequest):
        text = str(exc).lower()
        if "robots" in text:
            return "robots", None, "skipped"
        if "maxsize" in text or "max size" in text or "download_maxsize" in text:
            return "too large", None, "failed"
        if "max redirections" in text:
            return "too many redirects", None, "failed"
        return "ignored", None, "skipped"
    for types, reason in _REASONS:
        if isinstance(exc, types):
            return reason, None, "failed"
    return type(exc).__name__, None, "failed"


def page_error_outcome(reason: str | None) -> str:
    """A page the cleaner gave up on: 'failed' when it ran out of time, else 'skipped'."""
    return "failed" if (reason or "").startswith("timeout") else "skipped"
