"""The crawl's capture writer: where captures go, the raw response kept, each page written.

CLEANWIRE_CAPTURES says where a crawl writes its WARC files: "" (the default) a captures
folder beside the database (a SQLite file's folder, else the working directory), "none"
no captures, anything else that folder. RawResponses, a downloader middleware placed
between RedirectMiddleware (600) and HttpCompressionMiddleware (590), keeps the response
of each page request as received (body still Content-Encoding'd; status line and header
lines byte for byte, as crawler/download.py read them off the wire) in the request's
meta; CaptureWriter, an extension built from_crawler (NotConfigured when captures are off
or nothing is stored), writes it when the spider hands the page to the cleaner, on the
reactor thread (~0.7 ms a page). Discovery documents (robots.txt, feeds, sitemaps),
redirects, failures and non-HTML responses are not captured.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from crawler.capture.warc import Exchange, WarcFileWriter
from crawler.download import RAW_HEAD_HEADER
from storage.contract import Counter
from storage.engine import resolve_database_url

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

    from storage.captures import CaptureRecord

logger = logging.getLogger(__name__)

OFF = "none"
FOLDER = "captures"
RAW = "cw_raw"  # request meta: the Exchange of a page's response as received
#: request kinds (the spider's cw_kind meta) whose responses are kept for capture
CAPTURED_KINDS = frozenset({"page", "start"})


def captures_dir(value: str | None, database_url: str | None,
                 cwd: str | os.PathLike[str] | None = None) -> Path | None:
    """The absolute folder captures are written to, or None when they are off.

    value: --captures / CLEANWIRE_CAPTURES ("none": off; "" or None: beside the database,
    i.e. the SQLite file's folder's captures/, for PostgreSQL the working directory's)."""
    base = Path(os.fspath(cwd) if cwd is not None else os.getcwd())
    text = (value or "").strip()
    if text.lower() == OFF:
        return None
    if text:
        return (base / Path(text).expanduser()).resolve()
    try:
        url = make_url(resolve_database_url(database_url))
    except ArgumentError:
        return (base / FOLDER).resolve()
    database = url.database or ""
    if (url.get_backend_name() == "sqlite" and database and database != ":memory:"
            and not database.startswith("file:")):
        return (base / Path(database).expanduser()).resolve().parent / FOLDER
    return (base / FOLDER).resolve()


def _raw_head(values: list[bytes] | None) -> bytes | None:
    """The status line and header lines as received (crawler.download.RAW_HEAD_HEADER)."""
    if not values:
        return None
    try:
        return base64.b64decode(values[-1], validate=True)
    except (binascii.Error, ValueError):
        return None


def _header_list(headers: Any) -> list[tuple[bytes, bytes]]:
    return [(bytes(name), bytes(value)) for name, values in headers.items()
            for value in values]


class RawResponses:
    """Downloader middleware (592): a page response as received, kept in request.meta."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> RawResponses:
        if CaptureWriter.folder(crawler.settings) is None:
            raise NotConfigured("captures are off")
        return cls()

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Response:
        # the download handler's copy of the head as received leaves every response here
        raw = response.headers.pop(RAW_HEAD_HEADER, None)
        if request.meta.get("cw_kind") in CAPTURED_KINDS and 200 <= response.status < 300:
            ip = getattr(response, "ip_address", None)
            request.meta[RAW] = Exchange(
                url=response.url, method=request.method,
                request_headers=_header_list(request.headers),
                protocol=getattr(response, "protocol", None) or "HTTP/1.1",
                status=response.status, headers=_header_list(response.headers),
                body=response.body, fetched_at=datetime.now(UTC),
                ip_address=str(ip) if ip is not None else None,
                raw_head=_raw_head(raw))
        return response


class CaptureWriter:
    """One crawl's WARC files: captures the raw response of each page given to capture()."""

    def __init__(self, crawler: Any, folder: Path, max_bytes: int) -> None:
        self.crawler = crawler
        self.writer = WarcFileWriter(folder, max_bytes)
        self.failed = False  # a write failed: warned once, the crawl goes on uncaptured

    @staticmethod
    def folder(settings: Any) -> Path | None:
        if not settings.getbool("CLEANWIRE_STORE"):
            return None  # nothing would point at them
        return captures_dir(settings.get("CLEANWIRE_CAPTURES"),
                            settings.get("CLEANWIRE_DATABASE_URL"))

    @classmethod
    def from_crawler(cls, crawler: Any) -> CaptureWriter:
        folder = cls.folder(crawler.settings)
        if folder is None:
            raise NotConfigured("captures are off")
        writer = cls(crawler, folder, crawler.settings.getint("CLEANWIRE_CAPTURE_MAX_BYTES"))
        crawler.signals.connect(writer.close, signal=signals.spider_closed)
        crawler.signals.connect(writer.close, signal=signals.engine_stopped)
        return writer

    @classmethod
    def of(cls, crawler: Any) -> CaptureWriter | None:
        """The crawl's capture writer, or None when it captures nothing."""
        return crawler.get_extension(cls)

    def capture(self, response: Response) -> CaptureRecord | None:
        """Write the page's response as received; its location (None: not kept, or the
        write failed: counted, and warned about once)."""
        exchange = response.meta.pop(RAW, None)
        if exchange is None:
            return None
        stats = self.crawler.stats
        try:
            record = self.writer.write(exchange)
        except OSError as exc:
            stats.inc_value(Counter.CAPTURE_ERRORS)
            if not self.failed:
                self.failed = True
                logger.error("cannot write captures to %s: %s", self.writer.directory,
                             exc.strerror or exc)
            return None
        stats.inc_value(Counter.CAPTURES)
        stats.inc_value(Counter.CAPTURE_BYTES, record.length)
        return record

    def close(self, *args: Any, **kwargs: Any) -> None:
        self.writer.close()
