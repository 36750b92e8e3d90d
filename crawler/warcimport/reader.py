"""WARC input for import-warc: a local file or an http(s) URL opened at an offset, and its
records read one at a time into WarcEntry values (the payload bounded by the page cap).

warcio reads the records (bench/import_warc.py measured it against fastwarc: the reader
costs little beside the cleaner, and warcio decodes chunked and gzip HTTP payloads as
stored by Heritrix, wget and browsertrix). Nothing holds more than one record's payload,
and that only up to max_bytes: a larger payload is skipped as "too large" while the rest
of its record is read through in blocks. A record cut short by the end of the file (a
truncated download, a crawl killed mid-write) is skipped as "truncated record"; bytes
that stop being a WARC (a damaged gzip member) end the file with WarcDamaged.
"""

from __future__ import annotations

import gzip
import http.client
import re
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cleaners.urlkeys import host_of
from crawler.middlewares.destinations import refusal
from crawler.urls import is_web_url
from storage.contract import Reason

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_SNIFF = 4096
_BLOCK = 1 << 16  # a payload is read this much at a time


class WarcInputError(Exception):
    """An input that cannot be imported at all: missing, a directory, not a WARC, a URL that
    does not answer (one line)."""


class WarcDamaged(Exception):
    """The file stops being readable WARC at offset (the rest of it is left)."""

    def __init__(self, offset: int, detail: str) -> None:
        super().__init__(f"damaged at offset {offset}: {detail}")
        self.offset = offset


@dataclass(frozen=True, slots=True)
class WarcInput:
    """One input as given: a local file (key: its absolute path) or an http(s) URL."""

    key: str  # the absolute path, or the URL: warc_imports.warc_path and captures.warc_path
    url: bool

    @property
    def name(self) -> str:
        return self.key


@dataclass(slots=True)
class WarcEntry:
    """One WARC record, as import-warc needs it.

    kind "page": a 200 HTML response whose decoded body is in body; "skip": a response or
    revisit that holds no page to clean (reason says why); "other": warcinfo, request,
    metadata and the like (counted only)."""

    kind: str
    offset: int
    length: int
    url: str | None = None
    reason: str | None = None
    status: int | None = None
    content_type: str | None = None
    charset: str | None = None
    fetched_at: datetime | None = None
    record_id: str | None = None
    payload_digest: str | None = None
    body: bytes = b""

    @property
    def end(self) -> int:
        return self.offset + self.length


def resolve_input(given: str) -> WarcInput:
    """The input a command-line argument names; WarcInputError for a local path that is
    missing, a directory or not a WARC file (checked now, before anything is imported)."""
    if "://" in given:
        if not is_web_url(given):
            raise WarcInputError(f"not a WARC file path or an http(s) URL: {given}")
        return WarcInput(given, url=True)
    path = Path(given).expanduser()
    if path.is_dir():
        raise WarcInputError(f"{given} is a directory, not a WARC file")
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF)
    except FileNotFoundError:
        raise WarcInputError(f"no such file: {given}") from None
    except OSError as exc:
        raise WarcInputError(f"cannot read {given}: {exc.strerror or exc}") from None
    if not _looks_like_warc(head):
        raise WarcInputError(f"{given} is not a WARC file")
    return WarcInput(str(path.resolve()), url=False)


def _looks_like_warc(head: bytes) -> bool:
    if head[:2] == b"\x1f\x8b":  # a gzip member: look at what it starts with
        try:
            head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(head, 64)
        except zlib.error:
            return False
    return head.lstrip(b"\r\n").startswith((b"WARC/", b"filedesc://"))  # WARC, or ARC


class _Tellable:
    """A byte stream that knows its offset in the whole file (a URL read from a Range)."""

    def __init__(self, raw: IO[bytes], offset: int) -> None:
        self.raw = raw
        self.offset = offset

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.offset += len(data)
        return data

    def tell(self) -> int:
        return self.offset

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> _Tellable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to a public http(s) address or the host that was given (the
    crawler's rule, crawler/middlewares/destinations.py), when safe destinations are on."""

    def __init__(self, trusted: frozenset[str], safe: bool) -> None:
        self.trusted = trusted
        self.safe = safe

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> Any:
        reason = refusal(newurl, self.trusted) if self.safe else None
        if reason is not None:
            raise WarcInputError(f"{req.full_url}: redirect to {newurl} {reason}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def open_input(source: WarcInput, offset: int, *, timeout: float, user_agent: str,
               safe_destinations: bool = True) -> _Tellable:
    """source's bytes from offset on (a Range request for a URL; a server that ignores it
    is read through to the offset)."""
    if not source.url:
        handle = Path(source.key).open("rb")  # noqa: SIM115 - the caller closes it
        handle.seek(offset)
        return _Tellable(handle, offset)  # type: ignore[arg-type]
    opener = urllib.request.build_opener(
        _SafeRedirects(frozenset({host_of(source.key)}), safe_destinations))
    request = urllib.request.Request(source.key, headers={"User-Agent": user_agent})
    if offset:
        request.add_header("Range", f"bytes={offset}-")
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise WarcInputError(f"{source.key}: http {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        detail = getattr(exc, "reason", None) or exc
        raise WarcInputError(f"{source.key}: {detail}") from None
    stream = _Tellable(response, offset if response.status == 206 else 0)
    while stream.offset < offset:  # no Range support: read up to where we stopped
        if not stream.read(min(1 << 20, offset - stream.offset)):
            break
    return stream


def read_entries(stream: _Tellable, max_bytes: int) -> Iterator[WarcEntry]:
    """The records of stream from its offset on, in file order.

    Raises WarcDamaged when the bytes stop being WARC records (the caller keeps what came
    before); a record cut short by the end of the stream is yielded as a skip."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records = ArchiveIterator(stream)
    offset = stream.tell()
    try:
        for record in records:
            entry = _entry(record, max_bytes)
            records.read_to_end()  # the rest of the record, in blocks
            entry.offset, entry.length = records.get_record_offset(), records.get_record_length()
            if record.raw_stream.limit > 0:  # the stream ended before the record did
                entry.kind, entry.reason, entry.body = "skip", Reason.WARC_TRUNCATED, b""
            offset = entry.end
            yield entry
    except (ArchiveLoadFailed, zlib.error, EOFError, gzip.BadGzipFile, ValueError, OSError,
            http.client.HTTPException) as exc:  # OSError, HTTPException: a URL's stream broke
        raise WarcDamaged(offset, str(exc).strip().splitlines()[0] if str(exc).strip()
                          else type(exc).__name__) from None
    finally:
        records.close()


def _entry(record: Any, max_bytes: int) -> WarcEntry:
    headers = record.rec_headers
    entry = WarcEntry(kind="other", offset=0, length=0,
                      url=headers.get_header("WARC-Target-URI"),
                      fetched_at=_warc_date(headers.get_header("WARC-Date")),
                      record_id=headers.get_header("WARC-Record-ID"),
                      payload_digest=headers.get_header("WARC-Payload-Digest"))
    if record.rec_type not in ("response", "revisit") or not entry.url or not is_web_url(
            entry.url):
        return entry
    http = record.http_headers
    if http is not None:
        entry.content_type = http.get_header("Content-Type")
        try:
            entry.status = int(http.get_statuscode() or 0) or None
        except ValueError:
            entry.status = None
    entry.kind = "skip"
    if record.rec_type == "revisit":
        entry.reason = Reason.WARC_REVISIT
    elif http is None or entry.status is None:
        entry.reason = Reason.WARC_DAMAGED
    elif entry.status != 200:
        entry.reason = Reason.http(entry.status)
    else:
        _read_page(record, entry, max_bytes)
    return entry


def _read_page(record: Any, entry: WarcEntry, max_bytes: int) -> None:
    """Read a 200 response's decoded body into entry, or say why it is skipped."""
    declared = (entry.content_type or "").split(";")[0].strip().lower()
    if declared and declared not in _HTML_TYPES:
        entry.reason = Reason.NOT_HTML
        return
    try:
        body = _read_capped(record.content_stream(), max_bytes)
    except (zlib.error, OSError, ValueError, EOFError):
        entry.reason = Reason.WARC_DAMAGED
        return
    if 0 < max_bytes < len(body):
        entry.reason = Reason.TOO_LARGE
        return
    if not declared and b"<html" not in body[:_SNIFF].lower():  # no type: sniff
        entry.reason = Reason.NOT_HTML
        return
    found = _CHARSET.search(entry.content_type or "")
    entry.kind, entry.reason, entry.body = "page", None, body
    entry.charset = found.group(1) if found else None


def _read_capped(stream: Any, max_bytes: int) -> bytes:
    """The decoded payload, read in blocks up to max_bytes + 1 (0: no cap)."""
    if max_bytes <= 0:
        return bytes(stream.read())
    buffer = bytearray()
    while len(buffer) <= max_bytes:
        block = stream.read(min(_BLOCK, max_bytes + 1 - len(buffer)))
        if not block:
            break
        buffer += block
    return bytes(buffer)


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
