"""Scrapy's HTTP(S) download handler with the response's header section capped in bytes.

Scrapy counts only body bytes against DOWNLOAD_MAXSIZE, and twisted's HTTP client parser
keeps every header line it is sent: a server answering `HTTP/1.1 200 OK` and then header
lines forever grows the crawl without bound. Here the status line and header lines of a
response are counted as they arrive (CLEANWIRE_MAX_HEADER_BYTES, one line at most that
long too); past the cap the parser lets go of the headers it holds, the connection is
dropped and the request fails with HeadersTooLarge ("too large headers", never retried).

When captures are on (crawler/capture), the parser also keeps the status line and header
lines exactly as they came (names' case, order, folding and spacing) and hands them on in
one extra header, RAW_HEAD_HEADER (base64), which the capture middleware takes off every
response before anything else reads it; Scrapy's own Headers keep neither case nor order.

It relies on private names of Scrapy's handler (the lenient parser, protocol and factory it
installs in its connection pool) and of twisted's pool (`_factory`); pyproject.toml bounds
both and tests/test_private_apis.py says what moved when a release moves them.
"""

from __future__ import annotations

import base64
from functools import partial
from typing import TYPE_CHECKING, Any

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _LenientHTTPClientParser,
)
from scrapy.exceptions import DownloadFailedError
from twisted.web._newclient import HEADER, STATUS, ResponseFailed
from twisted.web.http_headers import Headers

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.internet.defer import Deferred
    from twisted.internet.interfaces import IAddress
    from twisted.web.iweb import IResponse


#: the response's status line and header lines as received, base64, for the capture writer
RAW_HEAD_HEADER = b"X-Cleanwire-Raw-Head"


class HeadersTooLarge(Exception):
    """A response whose status line and headers passed CLEANWIRE_MAX_HEADER_BYTES."""


class _CappedParser(_LenientHTTPClientParser):
    """Scrapy's lenient response parser, counting the header section's bytes as it reads.

    Installed by swapping the class of the parser twisted made (as Scrapy does itself), so
    its state lives in class defaults until the first line sets it."""

    max_header_bytes = 0
    _header_bytes = 0
    keep_raw_head = False
    _raw_head: list[bytes] | None = None

    def lineReceived(self, line: bytes) -> None:
        self._header_bytes += len(line) + 1  # the "\n" the line ended with
        if self._header_bytes > self.max_header_bytes:
            self._overflow()
        if self.keep_raw_head and self.state in (STATUS, HEADER):
            if self.state == STATUS:  # a new head (after a 1xx too)
                self._raw_head = []
            if self._raw_head is not None:
                self._raw_head.append(line + b"\n")  # line keeps its "\r"
        super().lineReceived(line)

    def allHeadersReceived(self) -> None:
        raw, self._raw_head = self._raw_head, None
        if raw is not None and not 100 <= self.response.code < 200:
            # self.headers is the twisted response's own Headers object
            self.headers.addRawHeader(RAW_HEAD_HEADER, base64.b64encode(b"".join(raw)))
        super().allHeadersReceived()

    def lineLengthExceeded(self, line: bytes) -> None:
        """One line (a status or header line, no body here) longer than the cap."""
        self._overflow()

    def _overflow(self) -> None:
        # let go of what was read now: the failure's traceback keeps this parser alive
        self.headers, self.connHeaders, self._partialHeader = Headers(), Headers(), None
        self._raw_head = None
        self.clearLineBuffer()
        raise HeadersTooLarge(f"response headers past {self.max_header_bytes} bytes")


class _CappedProtocol(_LenientHTTP11ClientProtocol):
    """A pooled connection whose each response is read by a _CappedParser."""

    def __init__(self, quiescentCallback: Any, max_header_bytes: int,
                 keep_raw_head: bool = False) -> None:
        super().__init__(quiescentCallback)  # type: ignore[no-untyped-call]
        self.max_header_bytes = max_header_bytes
        self.keep_raw_head = keep_raw_head

    def request(self, request: Any) -> Deferred[IResponse]:
        d = super().request(request)
        parser = self._parser
        if parser is not None and parser.state in (STATUS, HEADER):
            parser.__class__ = _CappedParser
            parser.max_header_bytes = self.max_header_bytes
            parser.MAX_LENGTH = self.max_header_bytes  # one line may be as long as them all
            parser.keep_raw_head = self.keep_raw_head
        return d


class _CappedFactory(_LenientHTTP11ClientFactory):
    def __init__(self, quiescentCallback: Any, metadata: Any, max_header_bytes: int,
                 keep_raw_head: bool = False) -> None:
        super().__init__(quiescentCallback, metadata)  # type: ignore[no-untyped-call]
        self.max_header_bytes = max_header_bytes
        self.keep_raw_head = keep_raw_head

    def buildProtocol(self, addr: IAddress | None) -> _CappedProtocol:
        return _CappedProtocol(self._quiescentCallback, self.max_header_bytes,
                               self.keep_raw_head)


class HeaderCappedDownloadHandler(HTTP11DownloadHandler):
    """DOWNLOAD_HANDLERS for http and https: Scrapy's HTTP/1.1 handler, headers capped
    (CLEANWIRE_MAX_HEADER_BYTES; 0: Scrapy's handler as it is) and, when captures are on,
    kept as received for them (RAW_HEAD_HEADER)."""

    def __init__(self, crawler: Crawler) -> None:
        from crawler.capture.component import CaptureWriter

        super().__init__(crawler)
        self.max_header_bytes = crawler.settings.getint("CLEANWIRE_MAX_HEADER_BYTES")
        if self.max_header_bytes > 0:
            keep = CaptureWriter.folder(crawler.settings) is not None
            self._pool._factory = partial(_CappedFactory, max_header_bytes=self.max_header_bytes,
                                          keep_raw_head=keep)

    async def download_request(self, request: Request) -> Response:
        try:
            return await super().download_request(request)
        except DownloadFailedError as exc:
            cause = exc.__cause__
            if isinstance(cause, ResponseFailed) and any(
                    reason.check(HeadersTooLarge) for reason in cause.reasons):
                raise HeadersTooLarge(
                    f"{request.url[:200]}: response headers past {self.max_header_bytes} bytes"
                ) from None
            raise
