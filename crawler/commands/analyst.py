"""cleanwire search / export / sql / stats: the analysts' commands (read-only).

Every command opens the database with storage.engine.open_engine(url, read_only=True):
SQLite in mode=ro with PRAGMA query_only, PostgreSQL in read-only transactions. The
work lives in storage.search, storage.export, storage.readonly and storage.stats;
this module parses flags, formats output and reports.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from crawler.commands.base import (
    CELL_WIDTH,
    EXIT_OK,
    UsageError,
    add_db_flag,
    period_flags,
    print_rows,
    stream_rows,
)
from storage.engine import open_engine, resolve_database_url
from storage.errors import QueryInterrupted
from storage.filters import ArticleFilter

OUTPUT_FORMATS = ("table", "json", "csv")


def register(sub: Any) -> None:
    """Add the search, export, sql and stats subcommands."""
    _register_search(sub)
    _register_export(sub)
    _register_sql(sub)
    _register_stats(sub)


# --- shared -------------------------------------------------------------------


def _add_filter_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", help="only this site: a profile name (all its hosts) or a host")
    parser.add_argument("--lang", help="only this language (e.g. en)")
    parser.add_argument("--since", help="published on or after DATE (YYYY-MM-DD or ISO time)")
    parser.add_argument("--until", help="published on or before DATE (a date includes the day)")
    parser.add_argument("--unique", action="store_true",
                        help="leave out duplicates (keep one article per duplicate cluster)")


def _add_format_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=OUTPUT_FORMATS, default="table",
                        help="output format (default: table)")


def _filter(args: argparse.Namespace) -> ArticleFilter:
    since, until = period_flags(args)
    return ArticleFilter(site=args.site, language=args.lang, since=since, until=until,
                         unique=args.unique)


@contextmanager
def _reader(args: argparse.Namespace) -> Iterator[Engine]:
    engine = open_engine(resolve_database_url(args.db), read_only=True)
    try:
        yield engine
    finally:
        engine.dispose()


def _time(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


# --- search -------------------------------------------------------------------


def _register_search(sub: Any) -> None:
    parser = sub.add_parser("search", help="full-text search over article titles and text")
    parser.add_argument("query", help='SQLite: FTS5 syntax (words, "a phrase", OR, NOT, '
                        "prefix*); PostgreSQL: websearch syntax")
    _add_filter_flags(parser)
    parser.add_argument("--limit", type=int, default=20, help="at most N hits (default 20)")
    _add_format_flag(parser)
    add_db_flag(parser)
    parser.set_defaults(func=cmd_search)


def cmd_search(args: argparse.Namespace) -> int:
    from storage.search import SearchOptions, search

    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    flt = _filter(args)
    with _reader(args) as engine:
        hits = search(engine, args.query, flt, SearchOptions(limit=args.limit))
    columns = ["score", "title", "snippet", "site", "published_at", "url"]
    if args.format != "table":
        columns = ["article_id", *columns, "language"]
    rows = []
    for hit in hits:
        row = [float(f"{hit.score:.4g}"), hit.title, hit.snippet, hit.site, _time(hit.published_at),
               hit.url]
        rows.append([hit.article_id, *row, hit.language] if args.format != "table" else row)
    print_rows(columns, rows, args.format)
    return EXIT_OK


# --- export -------------------------------------------------------------------


def _register_export(sub: Any) -> None:
    from storage.export import FIELDS, FORMATS

    parser = sub.add_parser("export", help="write articles to JSON Lines, JSON, CSV or Parquet, "
                            "or their captures to WARC")
    parser.add_argument("--format", choices=(*FORMATS, "warc"), default=None,
                        help="file format (default: from FILE's name: .jsonl, .json, .csv, "
                             ".parquet, + .gz or .zst for the text formats, .warc.gz; jsonl "
                             "for -; warc: the stored captures of the articles, "
                             "storage/warc_export.py)")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="FILE",
                        help="the file to write (written to a temporary file, moved into "
                             "place at the end); - for standard output; a pipe, FIFO or "
                             "terminal is written directly")
    _add_filter_flags(parser)
    parser.add_argument("--fields", help="comma-separated fields (default: all): "
                        + ",".join(FIELDS))
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    add_db_flag(parser)
    parser.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from storage.export import ExportRequest, export, infer_format, parse_fields, target_kind

    try:
        fields = parse_fields(args.fields)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    # a refused target fails before the database opens
    stream = target_kind(args.output, args.force) == "stream"
    progress = _ProgressLine() if sys.stderr.isatty() else None
    if args.format == "warc" or (args.format is None and str(args.output).lower().endswith(
            (".warc", ".warc.gz"))):
        if stream:
            raise UsageError("a WARC export is written to a file: give -o FILE.warc.gz")
        request = ExportRequest(path=args.output, fmt="warc", fields=fields, flt=_filter(args),
                                overwrite=args.force)
        return _export_warc(args, request, progress)
    fmt, compression = infer_format(args.output, args.format, stream)
    request = ExportRequest(path=args.output, fmt=fmt, fields=fields, flt=_filter(args),
                            overwrite=args.force, compression=compression)
    with _reader(args) as engine, _terminate_as_interrupt():
        try:
            result = export(engine, request, progress)
        finally:
            if progress is not None:
                progress.end()
    rate = result.rows / result.seconds if result.seconds > 0 else 0.0
    where = "standard output" if str(result.path) == "-" else str(result.path)
    # a stream target may be this very stdout: the summary goes to stderr then
    print(f"{result.rows} rows written to {where} ({rate:,.0f} rows/s)",
          file=sys.stderr if result.streamed else sys.stdout)
    return EXIT_OK


def _export_warc(args: argparse.Namespace, request: Any, progress: _ProgressLine | None) -> int:
    from storage.warc_export import export_warc

    with _reader(args) as engine, _terminate_as_interrupt():
        try:
            result = export_warc(engine, request, progress)
        finally:
            if progress is not None:
                progress.end()
    print(f"{result.rows} captures written to {result.path}"
          + (f" ({result.missing} selected articles have no readable capture)"
             if result.missing else ""))
    return EXIT_OK


class _ProgressLine:
    """'exported N rows' rewritten in place on a terminal's stderr, at most 4 times a second."""

    def __init__(self) -> None:
        self.started = self.shown = time.monotonic()

    def __call__(self, rows: int) -> None:
        now = time.monotonic()
        if now - self.shown >= 0.25:
            self.shown = now
            rate = rows / max(now - self.started, 1e-9)
            sys.stderr.write(f"\rexported {rows:,} rows ({rate:,.0f} rows/s)")
            sys.stderr.flush()

    def end(self) -> None:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so the export's temporary file is removed."""

    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --- sql ------------------------------------------------------------------------


def _register_sql(sub: Any) -> None:
    parser = sub.add_parser("sql", help="run one read-only SQL query")
    parser.add_argument("query", nargs="?", help="SELECT / WITH / VALUES / EXPLAIN (PRAGMA on "
                        "SQLite); - reads the query from standard input")
    parser.add_argument("-f", "--file", type=Path, metavar="FILE",
                        help="read the query from FILE instead")
    parser.add_argument("--no-trunc", action="store_true",
                        help=f"show whole values in the table (it cuts them at {CELL_WIDTH} "
                             "characters; csv and json never do)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS",
                        help="cancel the query after SECONDS (default "
                             "$CLEANWIRE_SQL_TIMEOUT or 30)")
    parser.add_argument("--limit", type=int, metavar="N",
                        help=f"at most N rows (default {DEFAULT_SQL_ROWS:,}; 0: all)")
    _add_format_flag(parser)
    add_db_flag(parser)
    parser.set_defaults(func=cmd_sql)


DEFAULT_SQL_ROWS = 10_000
MAX_SQL_TIMEOUT = 2_000_000  # seconds: PostgreSQL's statement_timeout is at most 2^31 - 1 ms


def cmd_sql(args: argparse.Namespace) -> int:
    from crawler.config import setting
    from storage.readonly import Cancel, QueryLimits, open_query

    timeout = args.timeout if args.timeout is not None else setting("CLEANWIRE_SQL_TIMEOUT")
    if not 0 < timeout <= MAX_SQL_TIMEOUT:
        raise UsageError(f"--timeout must be more than 0 and at most {MAX_SQL_TIMEOUT:,} "
                         "seconds")
    limit = DEFAULT_SQL_ROWS if args.limit is None else args.limit
    if limit < 0:
        raise UsageError("--limit must be 0 (all rows) or more")
    limits = QueryLimits(timeout=timeout, max_rows=limit or None)
    query = _query_text(args)
    cancel = Cancel()
    with _signals_cancel(cancel), _reader(args) as engine:
        if args.verbose:
            print(f"sql: running the query (time limit {timeout:g} s, "
                  f"{f'at most {limit:,} rows' if limit else 'all rows'})", file=sys.stderr)
        with open_query(engine, query, limits, cancel) as stream:
            shown = stream_rows(stream.columns, stream.rows, args.format,
                                truncate=not args.no_trunc)
    if stream.cut:
        print(f"cleanwire: sql: showing the first {shown:,} rows; the query has more "
              "(--limit N for more, --limit 0 for all)", file=sys.stderr)
    return EXIT_OK


def _query_text(args: argparse.Namespace) -> str:
    """The query: the argument, standard input (`-`) or the file of -f (one of them)."""
    if (args.query is None) == (args.file is None):
        raise UsageError("sql needs one query: an argument, - (standard input) or -f FILE")
    if args.file is not None:
        try:
            return args.file.read_text(encoding="utf-8")
        except IsADirectoryError:
            raise UsageError(f"-f {args.file}: is a directory") from None
        except FileNotFoundError:
            raise UsageError(f"-f {args.file}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise UsageError(f"-f {args.file}: {reason}") from None
    if args.query == "-":
        return sys.stdin.read()
    return args.query


@contextmanager
def _signals_cancel(cancel: Any) -> Iterator[None]:
    """Ctrl-C and SIGTERM cancel the running query where it runs (storage.readonly.Cancel);
    a second signal stops at once."""

    def stop(signum: int, _frame: Any) -> None:
        if cancel.signum is not None:
            raise QueryInterrupted(cancel.signum)
        cancel.press(signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# --- stats ------------------------------------------------------------------------


def _register_stats(sub: Any) -> None:
    parser = sub.add_parser("stats", help="per-site health: articles, crawls, failures, "
                            "extraction quality")
    parser.add_argument("--site", help="only this site: a profile name (all its hosts) or a host")
    _add_format_flag(parser)
    add_db_flag(parser)
    parser.set_defaults(func=cmd_stats)


STATS_COLUMNS = [
    "site", "hosts", "articles", "languages", "first_published", "last_published", "last_crawl",
    "last_outcome", "fetch_failure_rate", "failures_by_reason", "median_words",
    "under_150_words", "no_date", "no_author", "exact_copies", "near_copies", "flags",
]


def cmd_stats(args: argparse.Namespace) -> int:
    from storage.stats import site_stats

    with _reader(args) as engine:
        stats = site_stats(engine, args.site)
    structured = args.format == "json"
    rows = [_stats_row(s, structured) for s in stats]
    print_rows(STATS_COLUMNS, rows, args.format)
    return EXIT_OK


def _share(value: float | None) -> str | None:
    return None if value is None else f"{value:.0%}"


def _stats_row(s: Any, structured: bool) -> list[Any]:
    if structured:
        languages: Any = {lang: round(share, 4) for lang, share in s.languages}
        failures: Any = s.failures
        shares = [s.failure_rate, s.short_share, s.no_date_share, s.no_author_share]
        rate, short, no_date, no_author = (None if v is None else round(v, 4) for v in shares)
        flags: Any = s.flags()
    else:
        languages = " ".join(f"{lang} {share:.0%}" for lang, share in s.languages)
        failures = ", ".join(f"{r}: {n}" for r, n in sorted(s.failures.items(),
                                                            key=lambda kv: -kv[1]))
        rate, short = _share(s.failure_rate), _share(s.short_share)
        no_date, no_author = _share(s.no_date_share), _share(s.no_author_share)
        flags = " ".join(s.flags())
    hosts: Any = list(s.hosts) if structured else " ".join(s.hosts)
    return [s.site, hosts, s.articles, languages, _time(s.first_published), _time(s.last_published),
            _time(s.last_crawl), s.last_outcome, rate, failures, s.median_words, short,
            no_date, no_author, s.exact_copies, s.near_copies, flags]
