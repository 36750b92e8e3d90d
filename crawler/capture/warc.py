"""The WARC file writer of a crawl: request and response records, gzip per record, rotated.

Each fetched page becomes a response record (status line, headers and body as received:
the head byte for byte when the download handler kept it, Content-Encoding'd bodies kept
encoded; Twisted de-chunks a chunked body, so it is stored decoded and its
Transfer-Encoding line renamed KEPT_TRANSFER_ENCODING) followed by its request record
(WARC-Concurrent-To the response), written through warcio's WARCWriter, each record its
own gzip member.
Records go straight to their final file name (never renamed, so the captures table's
paths stay right) and every record is flushed to the operating system as it is written:
a process killed mid-write leaves every earlier record whole, and at most a truncated
last one, which storage.captures.scan_warc skips and counts. A file is closed and the
next one opened once it reaches max_bytes (a record is never split). File names carry
the time, a serial, the host and the pid, and are created exclusively, so two writers
(two workers, two crawls in one process) never share a file. No Scrapy here.
"""

from __future__ import annotations

import io
import os
import socket
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.captures import CaptureRecord
from storage.contract import CaptureSource

DEFAULT_MAX_BYTES = 1024 ** 3  # a file is rotated once it holds this many bytes
# zlib level 3: on an HTML page 0.28 ms for 27% of its size, where 6 takes 0.66 ms for 28%
# (and warcio's 9 more); a body the server gzip'd costs ~0.15 ms at any level
GZIP_LEVEL = 3
SUFFIX = ".warc.gz"


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP request and its response as they crossed the wire (bytes, in order)."""

    url: str
    method: str
    request_headers: list[tuple[bytes, bytes]]
    protocol: str  # "HTTP/1.1"
    status: int
    headers: list[tuple[bytes, bytes]]  # as received; repeated fields stay separate lines
    body: bytes  # as received: still gzip'd when the server sent Content-Encoding: gzip
    fetched_at: datetime
    ip_address: str | None = None
    # the status line and header lines byte for byte, ending in the blank line (None: not
    # kept; status and headers are written from the parsed values then)
    raw_head: bytes | None = None


class _ExactHeaders(StatusAndHeaders):  # type: ignore[misc]
    """warcio's headers written byte for byte: names and values are latin-1 texts of the
    bytes received (warcio would percent-encode anything outside ASCII)."""

    raw_block: bytes | None = None  # the head as received, written instead when given

    def compute_headers_buffer(self, header_filter: object = None) -> None:
        self.headers_buff = self.raw_block or self.to_bytes(header_filter, "latin-1")


#: the name a received Transfer-Encoding line is kept under: the payload is stored decoded
#: (Twisted de-chunks it), so the record must not announce a chunked body
KEPT_TRANSFER_ENCODING = b"X-Cleanwire-Orig-Transfer-Encoding"


def _head_as_received(raw: bytes) -> bytes:
    """raw with each Transfer-Encoding line renamed (KEPT_TRANSFER_ENCODING), else as is."""
    lines = raw.split(b"\n")
    for index, line in enumerate(lines):
        name, colon, rest = line.partition(b":")
        if colon and name.strip().lower() == b"transfer-encoding":
            lines[index] = KEPT_TRANSFER_ENCODING + b":" + rest
    return b"\n".join(lines)


class _GzipPerRecord:
    """A file wrapper making each WARC record one gzip member: warcio flushes it after
    every record, which ends the member and hands the bytes to the operating system."""

    def __init__(self, out: IO[bytes], level: int = GZIP_LEVEL) -> None:
        self.out, self.level = out, level
        self._zip: zlib._Compress | None = None

    def write(self, data: bytes) -> None:
        if self._zip is None:
            self._zip = zlib.compressobj(self.level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.out.write(self._zip.compress(data))

    def flush(self) -> None:
        if self._zip is not None:
            self.out.write(self._zip.flush())
            self._zip = None
        self.out.flush()


def _text(value: bytes) -> str:
    return value.decode("latin-1")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class WarcFileWriter:
    """Writes exchanges to WARC files under directory, rotating at max_bytes."""

    def __init__(self, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES,
                 prefix: str = "cleanwire", software: str = "cleanwire") -> None:
        self.directory = directory.resolve()
        self.max_bytes = max(1, max_bytes)
        self.prefix, self.software = prefix, software
        self.host = socket.gethostname().replace("-", "_") or "host"
        self.files: list[Path] = []  # every file this writer opened, oldest first
        self._handle: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self._serial = 0

    @property
    def path(self) -> Path | None:
        """The file being written (None before the first record and after close)."""
        return self.files[-1] if self._handle is not None else None

    def write(self, exchange: Exchange) -> CaptureRecord:
        """Append the exchange's response and request records; the response's location.
        Raises OSError when the folder or the disk fails."""
        if self._handle is not None and self._handle.tell() >= self.max_bytes:
            self.close()
        if self._handle is None:
            self._open()
        assert self._handle is not None and self._writer is not None
        writer, handle = self._writer, self._handle
        date = _warc_date(exchange.fetched_at)
        warc_headers = {"WARC-Date": date}
        if exchange.ip_address:
            warc_headers["WARC-IP-Address"] = exchange.ip_address
        payload = exchange.body
        http = _ExactHeaders(f"{exchange.status} {_reason(exchange.status)}".rstrip(),
                             [(_text(k), _text(v)) for k, v in exchange.headers],
                             protocol=exchange.protocol or "HTTP/1.1")
        if exchange.raw_head:
            http.raw_block = _head_as_received(exchange.raw_head)
        response = writer.create_warc_record(
            exchange.url, "response", payload=io.BytesIO(payload), length=len(payload),
            warc_headers_dict=warc_headers, http_headers=http)
        parts = urlsplit(exchange.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_headers = [(_text(k), _text(v)) for k, v in exchange.request_headers]
        if not any(name.lower() == "host" for name, _ in request_headers):
            request_headers.insert(0, ("Host", parts.netloc))
        request = writer.create_warc_record(
            exchange.url, "request", payload=io.BytesIO(b""), length=0,
            warc_headers_dict={**warc_headers, "WARC-Concurrent-To":
                               response.rec_headers.get_header("WARC-Record-ID")},
            http_headers=_ExactHeaders(f"{exchange.method} {target} {exchange.protocol}",
                                       request_headers, is_http_request=True))
        offset = handle.tell()
        writer.write_record(response)
        length = handle.tell() - offset
        writer.write_record(request)
        content_type = next((_text(v) for k, v in exchange.headers
                             if k.lower() == b"content-type"), None)
        return CaptureRecord(
            url=exchange.url, warc_path=str(self.files[-1]), offset=offset, length=length,
            fetched_at=exchange.fetched_at, source=CaptureSource.CRAWL,
            record_id=response.rec_headers.get_header("WARC-Record-ID"),
            payload_digest=response.rec_headers.get_header("WARC-Payload-Digest"),
            status=exchange.status, content_type=content_type)

    def _open(self) -> None:
        """A new file, created exclusively (a name taken already takes the next serial),
        starting with a warcinfo record."""
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
            name = f"{self.prefix}-{stamp}-{self._serial:05d}-{self.host}-{os.getpid()}{SUFFIX}"
            self._serial += 1
            try:
                handle = (self.directory / name).open("xb")
            except FileExistsError:
                continue
            break
        self._handle = handle
        self.files.append(self.directory / name)
        self._writer = WARCWriter(_GzipPerRecord(handle), gzip=False, warc_version="1.1")
        self._writer.write_record(self._writer.create_warcinfo_record(name, {
            "software": self.software, "hostname": socket.gethostname(),
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
                          "warc-format/warc-1.1/"}))

    def close(self) -> None:
        handle, self._handle, self._writer = self._handle, None, None
        if handle is not None:
            handle.close()
