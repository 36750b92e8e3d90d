"""What every command module shares: exit codes, UsageError, the --db flag, output formats."""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from crawler.errors import WorkFailed

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments: printed as one line, exit 2."""


def require_shared_queue() -> None:
    """Shared crawls need the 'scale' extra; say so in one line instead of an ImportError."""
    try:
        import redis  # noqa: F401
        import scrapy_redis  # noqa: F401
    except ImportError as exc:
        raise WorkFailed(f"shared crawls need {exc.name}: pip install 'cleanwire[scale]'") from exc


class Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of printing usage and exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def add_db_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database URL or SQLite file (default "
                        "$CLEANWIRE_DATABASE_URL or sqlite:///cleanwire.db)")


def render_rows(columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str) -> str:
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
    cells = [[_cell(v) for v in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=False)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=False)).rstrip()
              for r in cells]
    return "\n".join(lines)


def _cell(value: Any, limit: int = 80) -> str:
    text = "" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
