"""Raw captures: the captures table's rows and reading one WARC record back by offset.

A capture is one WARC/1.1 response record, gzip-compressed on its own, in a file under
the captures folder (written by the crawler) or in a WARC file given to `import-warc`.
Its row holds the absolute file path, the record's offset and its length on disk, so
one record is read back with one seek, without scanning the file. The writer lives in
the crawler (storage never imports Scrapy); this module only records and reads.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from .contract import CaptureSource
from .errors import StorageError
from .models import Capture

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session


class CaptureReadError(StorageError):
    """A capture's WARC record is missing, truncated or not a response record."""


@dataclass(frozen=True, slots=True)
class CaptureRecord:
    """Where one response record lies and what it holds; the values of a captures row."""

    url: str
    warc_path: str  # absolute
    offset: int
    length: int  # bytes on disk, compressed
    fetched_at: datetime
    source: CaptureSource
    record_id: str | None = None
    payload_digest: str | None = None
    status: int | None = None
    content_type: str | None = None
    site_id: int | None = None
    fetch_id: int | None = None


@dataclass(frozen=True, slots=True)
class CapturedResponse:
    """A response read back from its record: status, headers as received, raw body bytes."""

    url: str
    status: int | None
    headers: list[tuple[str, str]]
    body: bytes
    record_id: str | None
    payload_digest: str | None

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


def record_captures(session: Session | Connection,
                    records: Sequence[CaptureRecord]) -> list[int]:
    """Insert one captures row per record, in order, and return their ids.

    Runs inside the caller's transaction: a capture row commits with the fetch and
    article rows that point at it, or not at all. A record already registered (same
    file and offset, e.g. a resumed import) keeps its row and id. Two statements a call
    (a look for registered ones, one multi-row INSERT ... RETURNING), however many records.
    """
    if not records:
        return []
    table = Capture.__table__
    known: dict[tuple[str, int], int] = {}
    by_path: dict[str, list[int]] = {}
    for record in records:
        by_path.setdefault(record.warc_path, []).append(record.offset)
    for path, offsets in by_path.items():
        rows = session.execute(select(table.c.id, table.c.offset).where(
            table.c.warc_path == path, table.c.offset.between(min(offsets), max(offsets))))
        known.update({(path, offset): row_id for row_id, offset in rows})
    fresh: dict[tuple[str, int], dict[str, object]] = {}
    for record in records:
        key = (record.warc_path, record.offset)
        if key not in known and key not in fresh:
            values = {field: getattr(record, field) for field in CaptureRecord.__slots__}
            values["source"] = str(record.source)
            fresh[key] = values
    if fresh:
        ids = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                              list(fresh.values())).scalars().all()
        known.update(zip(fresh, ids, strict=True))
    return [known[(record.warc_path, record.offset)] for record in records]


def captures_for(session: Session, ids: Iterable[int]) -> dict[int, CaptureRecord]:
    """The records of these capture ids (ids with no row are left out)."""
    wanted = list(ids)
    out: dict[int, CaptureRecord] = {}
    for start in range(0, len(wanted), 500):
        rows = session.scalars(select(Capture).where(Capture.id.in_(wanted[start:start + 500])))
        for row in rows:
            out[row.id] = CaptureRecord(
                url=row.url, warc_path=row.warc_path, offset=row.offset, length=row.length,
                fetched_at=row.fetched_at, source=CaptureSource(row.source),
                record_id=row.record_id, payload_digest=row.payload_digest,
                status=row.status, content_type=row.content_type, site_id=row.site_id,
                fetch_id=row.fetch_id)
    return out


def read_capture(record: CaptureRecord, *, max_bytes: int = 256 * 1024 * 1024
                 ) -> CapturedResponse:
    """Read one response record back from its file by offset and length.

    Raises CaptureReadError when the file is gone, the bytes at the offset are not one
    whole WARC response record (a truncated write, a file replaced since), or the record
    is longer than max_bytes.
    """
    from warcio.archiveiterator import ArchiveIterator  # the reader is only needed here

    if record.length > max_bytes:
        raise CaptureReadError(f"capture of {record.url} is {record.length} bytes, over the "
                               f"{max_bytes} byte limit")
    try:
        with Path(record.warc_path).open("rb") as handle:
            handle.seek(record.offset)
            raw = handle.read(record.length)
    except OSError as exc:
        raise CaptureReadError(f"cannot read capture {record.warc_path}: "
                               f"{exc.strerror or exc}") from None
    if len(raw) < record.length:
        raise CaptureReadError(f"capture of {record.url} is truncated in {record.warc_path}")
    try:
        for warc in ArchiveIterator(io.BytesIO(raw)):
            if warc.rec_type != "response":
                continue
            http = warc.http_headers
            return CapturedResponse(
                url=warc.rec_headers.get_header("WARC-Target-URI") or record.url,
                status=int(http.get_statuscode()) if http and http.get_statuscode() else None,
                headers=list(http.headers) if http else [],
                body=warc.content_stream().read(),
                record_id=warc.rec_headers.get_header("WARC-Record-ID"),
                payload_digest=warc.rec_headers.get_header("WARC-Payload-Digest"))
    except Exception as exc:  # warcio raises bare Exceptions and zlib errors on damage
        raise CaptureReadError(f"capture of {record.url} at {record.warc_path}:"
                               f"{record.offset} is damaged: {exc}") from None
    raise CaptureReadError(f"no response record at {record.warc_path}:{record.offset}")


@dataclass(frozen=True, slots=True)
class ScannedRecord:
    """One whole record of a WARC file: where it lies and what it is (no payload kept)."""

    offset: int
    length: int  # bytes on disk (compressed, for a gzip-per-record file)
    rec_type: str
    url: str | None
    record_id: str | None


@dataclass(frozen=True, slots=True)
class WarcScan:
    """Every whole record of a WARC file, in order, and how many damaged ones ended it."""

    records: list[ScannedRecord]
    truncated: int  # 0 or 1: a last record cut short (a crash mid-write, a partial copy)


def scan_warc(path: str | Path) -> WarcScan:
    """Read a WARC file record by record, tolerating a damaged end.

    Every record is read to its end and checked against its Content-Length; the first
    one that is cut short or cannot be decompressed or parsed ends the scan and is
    counted in truncated (a writer killed mid-record leaves exactly that: everything
    before it reads). Raises CaptureReadError when the file cannot be opened.
    """
    import zlib

    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records: list[ScannedRecord] = []
    try:
        handle = Path(path).open("rb")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise CaptureReadError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        size = os.fstat(handle.fileno()).st_size
        iterator = ArchiveIterator(handle)
        end = 0
        try:
            for warc in iterator:
                _drain(warc.raw_stream)
                short = getattr(warc.raw_stream, "limit", 0) > 0  # Content-Length not reached
                iterator.read_to_end(warc)
                if short:
                    break
                offset, length = iterator.get_record_offset(), iterator.get_record_length()
                records.append(ScannedRecord(
                    offset=offset, length=length, rec_type=warc.rec_type,
                    url=warc.rec_headers.get_header("WARC-Target-URI"),
                    record_id=warc.rec_headers.get_header("WARC-Record-ID")))
                end = offset + length
        except (ArchiveLoadFailed, zlib.error, EOFError, ValueError, OSError):
            pass
        # whatever follows the last whole record is one damaged record (warcio reads a cut
        # gzip member, or a cut header block, as a silent end of the file)
        truncated = 1 if size > end else 0
    return WarcScan(records, truncated)


def _drain(stream: io.BufferedIOBase | object) -> int:
    """Read a record's stream to its end; the bytes read."""
    total = 0
    while True:
        chunk = stream.read(65536)  # type: ignore[attr-defined]
        if not chunk:
            return total
        total += len(chunk)
