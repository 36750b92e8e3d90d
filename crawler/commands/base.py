"""What every command module shares: exit codes, UsageError, the global flags, output formats."""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import json
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from crawler.errors import WorkFailed

#: exit codes, the README's table: 0 done, 1 the work failed, 2 bad usage, 3 alerts, 128 + N stopped
#: by signal N (130 Ctrl-C / SIGINT, 143 SIGTERM)
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: `cleanwire health` raised at least one drift alert (crawler/commands/report.py)
EXIT_ALERTS = 3
EXIT_INTERRUPTED = 130
#: what a command says on stderr when the first signal / a second one stops it
STOPPING = "stopping... (Ctrl-C again to abort)"
ABORTING = "aborting"


def exit_for_signal(signum: int) -> int:
    """The exit code of a command stopped by signal signum (the shell's convention)."""
    return 128 + signum


class UsageError(Exception):
    """Bad arguments: printed as one line, exit 2."""


def require_shared_queue() -> None:
    """Shared crawls need the 'scale' extra; say so in one line instead of an ImportError."""
    try:
        import redis  # noqa: F401
        import scrapy_redis  # noqa: F401
    except ImportError as exc:
        raise WorkFailed(f"shared crawls need {exc.name}: pip install 'cleanwire[scale]'") from exc


def require_report_charts() -> None:
    """The report needs the 'report' extra; say so in one line instead of an ImportError."""
    try:
        import altair  # noqa: F401
        import vl_convert  # noqa: F401
    except ImportError as exc:
        raise WorkFailed(f"the report needs {exc.name}: pip install 'cleanwire[report]'") from exc


class Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of printing usage and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(did_you_mean(message))


_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)$")


def did_you_mean(message: str) -> str:
    """argparse's "invalid choice" message, with the closest choice suggested:
    "invalid choice: 'serach' is not a command (did you mean 'search'?)"."""
    found = _INVALID_CHOICE.search(message)
    if not found:
        return message
    given, prefix = found.group(1), message[:found.start()]
    choices = re.findall(r"'([^']*)'", found.group(2))
    close = difflib.get_close_matches(given, choices, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else "choose from " + ", ".join(choices)
    if prefix.endswith(("command: ", "db_command: ")):
        return f"invalid choice: {given!r} is not a command ({hint})"
    return f"{prefix}invalid choice: {given!r} ({hint})"


#: what every command accepts before or after its name (cleanwire --db x stats, stats --db x)
GLOBAL_DEFAULTS: dict[str, object] = {"db": None, "verbose": False}


def add_global_flags(parser: argparse.ArgumentParser, db: bool = True) -> None:
    """--db (when the command uses a database) and -v. Their default is SUPPRESS so a
    command's parser does not overwrite what was given before the command's name;
    GLOBAL_DEFAULTS fills them in after parsing."""
    if db:
        add_db_flag(parser)
    parser.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="more output: Scrapy's log for crawls, tracebacks of "
                             "internal errors")


def period_flags(args: argparse.Namespace) -> tuple[Any, Any]:
    """(since, until) of --since/--until (a day or an ISO time; until a day means its end),
    as aware UTC datetimes or None; a bad value is a UsageError."""
    from storage.errors import QueryError
    from storage.filters import parse_day_or_time

    try:
        since = parse_day_or_time(args.since) if args.since else None
        until = parse_day_or_time(args.until, end=True) if args.until else None
    except QueryError as exc:
        raise UsageError(str(exc)) from None
    return since, until


def add_db_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=argparse.SUPPRESS,
                        help="database URL or SQLite file (default "
                        "$CLEANWIRE_DATABASE_URL or sqlite:///cleanwire.db)")


NO_ROWS = "(no rows)"


def print_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str,
               truncate: bool = True) -> None:
    """Query results on stdout; an empty table is one line, NO_ROWS on stderr (exit 0),
    the same for search, sql, stats and duplicates. JSON prints [], CSV its header.
    A table cuts long cells at CELL_WIDTH unless truncate=False; JSON and CSV never do."""
    if fmt == "table" and not rows:
        print(NO_ROWS, file=sys.stderr)
        return
    print(render_rows(columns, rows, fmt, truncate))


def render_rows(columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str,
                truncate: bool = True) -> str:
    """rows as an aligned text table, JSON (a list of objects) or CSV."""
    rows = [list(r) for r in rows]
    if fmt == "json":
        return json.dumps([dict(zip(columns, r, strict=False)) for r in rows],
                          ensure_ascii=False, indent=1, default=str)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    cells = [[_cell(v, truncate) for v in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=False)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=False)).rstrip()
              for r in cells]
    return "\n".join(lines)


def stream_rows(columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str,
                truncate: bool = True) -> int:
    """rows on stdout as print_rows shows them, written as they come (JSON, CSV) or, for a
    table, kept as (cut) cells until the widths are known; returns the number of rows."""
    out = sys.stdout
    count = 0
    if fmt == "table":
        cells = [[_cell(v, truncate) for v in r] for r in rows]
        print_rows(columns, cells, fmt, truncate=False)
        return len(cells)
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1
        return count
    out.write("[")
    for count, row in enumerate(rows, 1):
        record = dict(zip(columns, row, strict=False))
        out.write(("\n " if count == 1 else ",\n ")
                  + json.dumps(record, ensure_ascii=False, default=str))
    out.write("\n]\n" if count else "]\n")
    return count


CELL_WIDTH = 80  # a table cell's most characters, unless --no-trunc


def _cell(value: Any, truncate: bool = True) -> str:
    text = "" if value is None else str(value).replace("\n", " ")
    return text if not truncate or len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"
