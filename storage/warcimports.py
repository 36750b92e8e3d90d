"""How far `import-warc` has read each WARC file: the warc_imports rows, and where to resume.

A file's progress is the offset after the last record whose outcome is committed. It is
written by mark_read() inside the transaction that stores those records (Repository.store's
`after` hook), so a kill loses at most the records of the batch being written, and those
are read again. The captures an import registered (source "import", warc_path the file)
give the same answer for the records that were cleaned: resume_offset() takes the larger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, func, select

from .contract import CaptureSource
from .models import Capture, WarcImport
from .sqlhelp import dialect_insert


@dataclass(frozen=True, slots=True)
class FileProgress:
    """One file's committed progress: resume at next_offset; finished: read to its end."""

    next_offset: int = 0
    records: int = 0
    finished: bool = False


def file_progress(connection: Connection, warc_path: str) -> FileProgress:
    """Where an import of warc_path resumes (0 when it was never imported)."""
    row = connection.execute(select(WarcImport.next_offset, WarcImport.records,
                                    WarcImport.finished_at)
                             .where(WarcImport.warc_path == warc_path)).first()
    captured = connection.scalar(
        select(func.max(Capture.offset + Capture.length))
        .where(Capture.warc_path == warc_path, Capture.source == str(CaptureSource.IMPORT)))
    offset = max(int(row.next_offset) if row else 0, int(captured or 0))
    return FileProgress(offset, int(row.records) if row else 0,
                        bool(row and row.finished_at is not None))


def mark_read(connection: Connection, warc_path: str, next_offset: int, records: int,
              run_id: int | None, finished: bool = False) -> None:
    """Record that warc_path is read up to next_offset (records: read so far, in all runs)."""
    now = datetime.now(UTC)
    table = WarcImport.__table__
    values = {"warc_path": warc_path, "next_offset": next_offset, "records": records,
              "crawl_run_id": run_id, "updated_at": now,
              "finished_at": now if finished else None}
    stmt = dialect_insert(connection.engine, table).values(**values)
    connection.execute(stmt.on_conflict_do_update(
        index_elements=[table.c.warc_path],
        set_={name: stmt.excluded[name] for name in values if name != "warc_path"}))
