"""Small SQL and time helpers every storage module shares: the dialect's INSERT, IN-list
chunks, aware UTC datetimes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Table
from sqlalchemy.dialects import postgresql, sqlite

#: values per IN (...) list: well under SQLite's bound-parameter limit
IN_CHUNK = 500

T = TypeVar("T")


def chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """values in consecutive slices of at most size (for IN (...) lists)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def dialect_insert(bind: Connection | Engine, table: Table | Any) -> sqlite.Insert:
    """The dialect's own INSERT (with on_conflict_do_nothing / do_update) for table."""
    if bind.dialect.name == "postgresql":
        return postgresql.insert(table)  # type: ignore[return-value]
    return sqlite.insert(table)


def aware_utc(moment: datetime) -> datetime:
    """moment as an aware UTC datetime; a naive one is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
