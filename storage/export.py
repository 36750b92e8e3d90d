"""`cleanwire export`: stream articles to JSON Lines, JSON, CSV or Parquet, atomically.

Rows come in batches from a streaming result (yield_per: a server-side cursor on
PostgreSQL, SQLite steps its cursor), so memory stays flat however many rows there are.
The format (and gzip / zstd compression of the text formats) follows the file name
(infer_format). A regular file is written to a hidden temporary file next to the target
and moved into place only when complete: an interrupted or failed export leaves no
partial file; without overwrite=True an existing one is never replaced (checked up front,
and again atomically at the end with a hard link). A stream target (`-`, a terminal,
/dev/stdout, /dev/null, a pipe or FIFO) is written directly and never replaced; a
directory, block device or socket is refused. Every OS error is one QueryError line.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Protocol

from sqlalchemy import Engine, Select, select
from sqlalchemy import exc as sa_exc

from .engine import error_line
from .errors import QueryError
from .filters import ArticleFilter, conditions
from .models import Article, Site

FORMATS = ("jsonl", "json", "csv", "parquet")
TEXT_FORMATS = frozenset({"jsonl", "json", "csv"})
#: file name endings -> format; compression endings -> compression (text formats only)
SUFFIX_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv",
                  ".parquet": "parquet"}
SUFFIX_COMPRESSIONS = {".gz": "gzip", ".zst": "zstd"}
STDOUT = "-"
BATCH_ROWS = 2000
LIST_FIELDS = frozenset({"authors", "tags"})
TIME_FIELDS = frozenset({"published_at", "modified_at", "first_seen_at", "last_fetched_at"})
INT_FIELDS = frozenset({"article_id", "word_count", "crawl_run_id", "duplicate_of", "cluster_id"})
# Field name -> column, in output order (the names article_view uses).
FIELD_COLUMNS: dict[str, Any] = {
    "article_id": Article.id,
    "site": Site.name,
    "url": Article.url,
    "canonical_url": Article.canonical_url,
    "title": Article.title,
    "authors": Article.authors,
    "published_at": Article.published_at,
    "modified_at": Article.modified_at,
    "language": Article.language,
    "section": Article.section,
    "tags": Article.tags,
    "description": Article.description,
    "image_url": Article.image_url,
    "word_count": Article.word_count,
    "text": Article.text,
    "content_hash": Article.content_hash,
    "first_seen_at": Article.first_seen_at,
    "last_fetched_at": Article.last_fetched_at,
    "crawl_run_id": Article.crawl_run_id,
    "duplicate_of": Article.duplicate_of,
    "cluster_id": Article.cluster_id,
}
FIELDS = tuple(FIELD_COLUMNS)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class ExportRequest:
    """What to export, where, and how."""

    path: Path  # Path("-"): standard output
    fmt: str
    fields: tuple[str, ...] = FIELDS
    flt: ArticleFilter = field(default_factory=ArticleFilter)
    overwrite: bool = False
    compression: str | None = None  # "gzip" | "zstd" | None


@dataclass(frozen=True)
class ExportResult:
    """How many rows were written to which file, in how long; streamed: not a regular file."""

    path: Path
    rows: int
    seconds: float
    streamed: bool = False


def infer_format(path: Path, fmt: str | None = None,
                 stream: bool = False) -> tuple[str, str | None]:
    """(format, compression) for path: fmt when given, else from the name's ending
    (.jsonl/.ndjson, .json, .csv, .parquet, then .gz or .zst for the text formats).
    A stream target (stream=True, or `-`) whose name says nothing is JSON Lines.
    QueryError when neither says."""
    name = path.name.lower()
    compression = None
    for suffix, kind in SUFFIX_COMPRESSIONS.items():
        if name.endswith(suffix):
            compression, name = kind, name[: -len(suffix)]
    if fmt is None:
        fmt = next((f for sfx, f in SUFFIX_FORMATS.items() if name.endswith(sfx)), None)
        if fmt is None and (stream or str(path) == STDOUT):
            fmt = "jsonl"
        if fmt is None:
            raise QueryError(
                f"cannot tell the format from the name {path.name!r}: end it in "
                f"{', '.join(SUFFIX_FORMATS)} (optionally + .gz or .zst), or give --format")
    if fmt not in FORMATS:
        raise QueryError(f"unknown export format {fmt!r}: use {', '.join(FORMATS)}")
    if compression is not None and fmt not in TEXT_FORMATS:
        raise QueryError(f"{fmt} is compressed inside already: drop the "
                         f"{path.suffix} ending")
    return fmt, compression


class RowWriter(Protocol):
    def write(self, batch: Sequence[Sequence[Any]]) -> None: ...

    def close(self) -> None: ...


def parse_fields(value: str | None) -> tuple[str, ...]:
    """'a,b,c' -> ('a', 'b', 'c'), checked against FIELDS; None -> every field."""
    if value is None:
        return FIELDS
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in FIELD_COLUMNS]
    if unknown or not names:
        raise ValueError(
            f"unknown field(s) {', '.join(unknown) or '(none given)'}; "
            f"valid fields: {', '.join(FIELDS)}"
        )
    return names


def export(
    engine: Engine, request: ExportRequest, progress: Progress | None = None
) -> ExportResult:
    """Write the selected articles to request.path; returns the row count."""
    if request.fmt not in FORMATS:
        raise QueryError(f"unknown export format {request.fmt!r}: use {', '.join(FORMATS)}")
    target = request.path
    streamed = target_kind(target, request.overwrite) == "stream"
    make_writer = _writer_factory(request.fmt)  # pyarrow missing fails before any work
    compress = _compressor(request.compression)  # so does zstandard
    started = time.monotonic()
    count = 0
    opened = _stream_file(target) if streamed else _atomic_file(target, request.overwrite)
    try:
        with opened as raw, compress(raw) as handle:
            writer = make_writer(handle, request.fields)
            try:
                for batch in article_batches(engine, request.fields, request.flt):
                    _write(writer, batch, count)
                    count += len(batch)
                    if progress is not None:
                        progress(count)
            except BaseException:
                with contextlib.suppress(Exception):  # the temp file is discarded anyway
                    writer.close()
                raise
            writer.close()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise QueryError(f"cannot write {target}: {_os_reason(exc)}") from exc
    return ExportResult(target, count, time.monotonic() - started, streamed)


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def target_kind(target: Path, overwrite: bool = False) -> str:
    """'stream' (written directly: `-`, a character device such as a terminal or /dev/null,
    a FIFO or pipe) or 'file' (a regular file, written atomically); QueryError for a
    directory, a block device, a socket, an existing file without overwrite, a missing
    parent directory or an unreadable path."""
    if str(target) == STDOUT:
        return "stream"
    try:
        info = target.stat()  # follows links: /dev/stdout -> the terminal or pipe
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise QueryError(f"cannot write {target}: {_os_reason(exc)}") from exc
    if info is not None:
        mode = info.st_mode
        if stat.S_ISDIR(mode):
            raise QueryError(f"{target} is a directory: give a file name inside it")
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            return "stream"
        if not stat.S_ISREG(mode):
            kind = "a block device" if stat.S_ISBLK(mode) else "not a regular file"
            raise QueryError(f"{target} is {kind}: export writes files, pipes and terminals")
        if not overwrite:
            raise QueryError(f"{target} exists: use --force to overwrite it")
        return "file"
    if target.is_symlink():
        raise QueryError(f"{target} is a dangling symbolic link")
    if not target.parent.is_dir():
        raise QueryError(f"no such directory: {target.parent}")
    return "file"


@contextlib.contextmanager
def _stream_file(target: Path) -> Iterator[IO[bytes]]:
    """Standard output, or the device / FIFO at target, opened for writing as it is."""
    if str(target) == STDOUT:
        out = getattr(sys.stdout, "buffer", None) or _TextSink(sys.stdout)
        yield out
        out.flush()
        return
    with open(target, "wb", buffering=1 << 16) as handle:
        yield handle


class _TextSink(io.RawIOBase):
    """A text-only standard output (a notebook's, a captured one) taking UTF-8 bytes."""

    def __init__(self, text: IO[str]) -> None:
        super().__init__()
        self.text = text
        self.decoder = codecs.getincrementaldecoder("utf-8")()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        try:
            self.text.write(self.decoder.decode(bytes(data)))
        except UnicodeDecodeError as exc:
            raise QueryError("this standard output takes text only: export a text format "
                             "or to a file") from exc
        return len(data)

    def flush(self) -> None:
        self.text.flush()


def _compressor(compression: str | None) -> Callable[[IO[bytes]], Any]:
    """A context manager factory wrapping a binary handle in the compression (or not)."""
    if compression is None:
        return contextlib.nullcontext
    if compression == "gzip":
        import gzip

        return lambda raw: gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)
    try:
        import zstandard
    except ImportError as exc:
        raise QueryError(
            "zstd compression needs zstandard: pip install 'cleanwire[analyst]' (or zstandard)"
        ) from exc
    return lambda raw: zstandard.ZstdCompressor().stream_writer(raw, closefd=False)


def _write(writer: RowWriter, batch: Sequence[Sequence[Any]], done: int) -> None:
    """writer.write(batch); a value the format cannot hold becomes a QueryError."""
    try:
        writer.write(batch)
    except (ValueError, TypeError, OverflowError) as exc:  # pyarrow's errors subclass these
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise QueryError(f"export failed after {done} rows: {first}") from exc


def statement(fields: Sequence[str], flt: ArticleFilter) -> Select:
    """SELECT the fields of the articles flt selects, in article id order."""
    columns = [FIELD_COLUMNS[f].label(f) for f in fields]
    return (
        select(*columns)
        .select_from(Article)
        .outerjoin(Site, Site.id == Article.site_id)
        .where(*conditions(flt))
        .order_by(Article.id)
    )


def article_batches(engine: Engine, fields: Sequence[str], flt: ArticleFilter,
                    batch_rows: int = BATCH_ROWS,
                    what: str = "export") -> Iterator[Sequence[Sequence[Any]]]:
    """The fields of the articles flt selects, in batches of at most batch_rows rows,
    streamed (yield_per); a database error becomes QueryError("{what} failed: ...")."""
    try:
        with engine.connect() as connection:
            result = connection.execution_options(yield_per=batch_rows).execute(
                statement(fields, flt)
            )
            yield from result.partitions()
    except sa_exc.SQLAlchemyError as exc:
        raise QueryError(f"{what} failed: {error_line(exc)}") from exc


@contextlib.contextmanager
def _atomic_file(target: Path, overwrite: bool) -> Iterator[IO[bytes]]:
    """A temp file beside target, moved onto it on success and removed on any failure."""
    target = Path(os.path.realpath(target))  # a link to a file: the file is replaced
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _publish(temp, target, overwrite)
    finally:
        temp.unlink(missing_ok=True)


def _publish(temp: Path, target: Path, overwrite: bool) -> None:
    os.chmod(temp, 0o666 & ~_umask())
    if overwrite:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)  # fails if target appeared meanwhile: never clobber
    except FileExistsError as exc:
        raise QueryError(f"{target} exists: use --force to overwrite it") from exc
    except OSError:  # no hard links on this file system
        if target.exists():
            raise QueryError(f"{target} exists: use --force to overwrite it") from None
        os.replace(temp, target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- writers ------------------------------------------------------------------


def _writer_factory(fmt: str) -> Callable[[IO[bytes], tuple[str, ...]], RowWriter]:
    if fmt == "jsonl":
        return JsonLinesWriter
    if fmt == "json":
        return JsonArrayWriter
    if fmt == "csv":
        return CsvWriter
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError as exc:
        raise QueryError(
            "parquet export needs pyarrow: pip install 'cleanwire[analyst]' (or pyarrow)"
        ) from exc
    return ParquetWriter


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


class JsonLinesWriter:
    """One JSON object per line; times in ISO 8601 UTC, authors/tags as arrays."""

    def __init__(self, handle: IO[bytes], fields: tuple[str, ...]) -> None:
        self.handle, self.fields = handle, fields

    def write(self, batch: Sequence[Sequence[Any]]) -> None:
        lines = (
            json.dumps(
                {f: _json_value(v) for f, v in zip(self.fields, row, strict=True)},
                ensure_ascii=False,
            )
            for row in batch
        )
        self.handle.write(("\n".join(lines) + "\n").encode("utf-8"))

    def close(self) -> None:
        pass


class JsonArrayWriter:
    """One JSON array of objects, one object a line; values as JsonLinesWriter writes them."""

    def __init__(self, handle: IO[bytes], fields: tuple[str, ...]) -> None:
        self.handle, self.fields, self.rows = handle, fields, 0

    def write(self, batch: Sequence[Sequence[Any]]) -> None:
        parts = []
        for row in batch:
            record = json.dumps({f: _json_value(v) for f, v in zip(self.fields, row, strict=True)},
                                ensure_ascii=False)
            parts.append(("[\n" if self.rows == 0 else ",\n") + record)
            self.rows += 1
        self.handle.write("".join(parts).encode("utf-8"))

    def close(self) -> None:
        self.handle.write(b"\n]\n" if self.rows else b"[]\n")


class CsvWriter:
    """CSV with a header; times in ISO 8601 UTC, authors/tags as JSON arrays."""

    def __init__(self, handle: IO[bytes], fields: tuple[str, ...]) -> None:
        self.text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=True)
        self.fields = fields
        self.csv = csv.writer(self.text)
        self.csv.writerow(fields)

    def write(self, batch: Sequence[Sequence[Any]]) -> None:
        self.csv.writerows([self._cells(row) for row in batch])

    def _cells(self, row: Sequence[Any]) -> list[Any]:
        return [
            json.dumps(v, ensure_ascii=False) if f in LIST_FIELDS and v is not None
            else _json_value(v)
            for f, v in zip(self.fields, row, strict=True)
        ]

    def close(self) -> None:
        self.text.flush()
        self.text.detach()  # the atomic file owns the handle


class ParquetWriter:
    """Parquet: int64, string, timestamp[us, UTC], list<string> for authors and tags."""

    def __init__(self, handle: IO[bytes], fields: tuple[str, ...]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa = pa
        self.fields = fields
        self.schema = pa.schema([(f, arrow_type(pa, f)) for f in fields])
        self.writer = pq.ParquetWriter(handle, self.schema, compression="zstd")

    def write(self, batch: Sequence[Sequence[Any]]) -> None:
        columns = list(zip(*batch, strict=True)) if batch else [() for _ in self.fields]
        arrays = [
            self.pa.array(list(values), type=self.schema.field(i).type)
            for i, values in enumerate(columns)
        ]
        self.writer.write_table(self.pa.Table.from_arrays(arrays, schema=self.schema))

    def close(self) -> None:
        self.writer.close()


def arrow_type(pa: Any, name: str) -> Any:
    """The pyarrow type of field name (pa: the pyarrow module)."""
    if name in LIST_FIELDS:
        return pa.list_(pa.string())
    if name in TIME_FIELDS:
        return pa.timestamp("us", tz="UTC")
    if name in INT_FIELDS:
        return pa.int64()
    return pa.string()

