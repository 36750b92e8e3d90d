"""`cleanwire export --format warc`: the stored captures of the selected articles, as one WARC.

Each selected article with a capture (articles.capture_id) contributes its response
record, copied byte for byte from the capture file (each record is its own gzip member,
so records concatenate into a valid .warc.gz), after a warcinfo record naming the
export. Articles whose capture is missing or damaged are counted, not fatal. The file is
written like every export (storage/export.py): to a temporary file beside the target,
moved into place when complete.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, Row, select
from sqlalchemy import exc as sa_exc

from .captures import CaptureReadError, CaptureRecord, read_capture
from .contract import CaptureSource
from .engine import error_line
from .errors import QueryError
from .export import ExportRequest, Progress, _atomic_file, target_kind
from .filters import conditions
from .models import Article, Capture, Site

BATCH_ROWS = 500


@dataclass(frozen=True)
class WarcExportResult:
    """Records written, articles without a readable capture, the file and the time taken."""

    path: Path
    rows: int
    missing: int  # selected articles with no capture, or one that could not be read
    seconds: float


def export_warc(engine: Engine, request: ExportRequest,
                progress: Progress | None = None) -> WarcExportResult:
    """Write the captures of the articles request.flt selects to request.path."""
    from warcio.warcwriter import WARCWriter

    target = request.path
    if target_kind(target, request.overwrite) == "stream":  # the checks every export makes
        raise QueryError("a WARC export is written to a file: give -o FILE.warc.gz")
    started = time.monotonic()
    written = missing = 0
    with _atomic_file(target, request.overwrite) as handle:
        info = WARCWriter(handle, gzip=True, warc_version="1.1")
        info.write_record(info.create_warcinfo_record(target.name, {
            "software": "cleanwire export", "format": "WARC File Format 1.1"}))
        for row in _rows(engine, request):
            if row.warc_path is None:
                missing += 1
                continue
            record = CaptureRecord(url=row.url, warc_path=row.warc_path, offset=row.offset,
                                   length=row.length, fetched_at=row.fetched_at,
                                   source=CaptureSource(row.source))
            try:
                _copy_record(record, handle)
            except CaptureReadError:
                missing += 1
                continue
            written += 1
            if progress is not None:
                progress(written)
    return WarcExportResult(target, written, missing, time.monotonic() - started)


def _copy_record(record: CaptureRecord, out: IO[bytes]) -> None:
    """Copy one capture's gzip member, after checking that it reads as a response record
    (CaptureReadError when it does not)."""
    read_capture(record)
    with Path(record.warc_path).open("rb") as source:
        source.seek(record.offset)
        out.write(source.read(record.length))


def _rows(engine: Engine, request: ExportRequest) -> Iterator[Row[Any]]:
    query = (
        select(Capture.url, Capture.warc_path, Capture.offset,
               Capture.length, Capture.fetched_at, Capture.source)
        .select_from(Article)
        .outerjoin(Site, Site.id == Article.site_id)
        .outerjoin(Capture, Capture.id == Article.capture_id)
        .where(*conditions(request.flt))
        .order_by(Article.id)
    )
    try:
        with engine.connect() as connection:
            result = connection.execution_options(yield_per=BATCH_ROWS).execute(query)
            for partition in result.partitions():
                yield from partition
    except sa_exc.SQLAlchemyError as exc:
        raise QueryError(f"export failed: {error_line(exc)}") from exc

