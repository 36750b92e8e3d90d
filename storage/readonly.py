"""`cleanwire sql`: run one analyst query that cannot change anything, nor run or grow unbounded.

Layers, each enough on its own for plain writes:

* the statement must start with SELECT, WITH, VALUES, EXPLAIN, PRAGMA (SQLite) or
  SELECT, WITH, VALUES, TABLE, EXPLAIN, SHOW (PostgreSQL) — this gives the clear message;
* SQLite: the file is opened with mode=ro and PRAGMA query_only (storage.engine), and an
  authorizer allows only reads: no ATTACH/DETACH (ATTACH would create a file even on a
  read-only connection), no PRAGMA that sets a value, no INSERT/UPDATE/DELETE/DDL, and
  only the functions storage.sqlguard lists; pysqlite runs one statement per call;
* PostgreSQL: functions that take locks, read server files or manage sessions are refused
  by name before the query is sent (storage.sqlguard); the session is read only and the
  query runs in a transaction started with SET TRANSACTION READ ONLY, sent with the
  extended protocol (so exactly one statement), then rolled back. Give analysts the
  least-privilege role of docs/analyst-sql.md.

Limits: a time limit (SQLite: a progress handler; PostgreSQL: statement_timeout and
lock_timeout), a row cap (rows are streamed; the stream says when it was cut), SQLite's
value size (SQLITE_LIMIT_LENGTH) and no ATTACH at all. A Cancel pressed from a signal
handler stops the query where it runs: sqlite3_interrupt, or a PostgreSQL cancel request.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy import exc as sa_exc

from .engine import error_line, sqlite_read_only_authorizer
from .errors import QueryError, QueryInterrupted, QueryTimeout
from .sqlguard import check_pg, sqlite_function_allowed

DEFAULT_TIMEOUT = 30.0  # seconds
DEFAULT_MAX_ROWS = 10_000
SQLITE_MAX_VALUE_BYTES = 32 * 1024 * 1024  # SQLITE_LIMIT_LENGTH: randomblob(1e8) fails
SQLITE_PROGRESS_STEPS = 1_000  # virtual machine steps between two looks at the clock
# SQLite limits for the query (sqlite3.Connection.setlimit), restored afterwards.
_SQLITE_LIMITS = {
    "SQLITE_LIMIT_LENGTH": SQLITE_MAX_VALUE_BYTES,
    "SQLITE_LIMIT_SQL_LENGTH": 1_000_000,
    "SQLITE_LIMIT_ATTACHED": 0,
    "SQLITE_LIMIT_EXPR_DEPTH": 1_000,
    "SQLITE_LIMIT_COMPOUND_SELECT": 500,
    "SQLITE_LIMIT_LIKE_PATTERN_LENGTH": 50_000,
}
FETCH_BATCH = 500

SQLITE_FIRST_WORDS = frozenset({"select", "with", "values", "explain", "pragma"})
PG_FIRST_WORDS = frozenset({"select", "with", "values", "table", "explain", "show"})
# Every word a statement of SQLite or PostgreSQL can begin with. A first word outside this
# list begins no statement of either: the database rejects the query at that word before
# running anything, so it is sent (under every other guard) for the database's own
# syntax error; a statement word the dialect does not allow is refused by name as before.
STATEMENT_WORDS = frozenset({
    "abort", "alter", "analyse", "analyze", "attach", "begin", "call", "checkpoint", "close",
    "cluster", "comment", "commit", "copy", "create", "deallocate", "declare", "delete",
    "detach", "discard", "do", "drop", "end", "execute", "explain", "fetch", "grant",
    "import", "insert", "listen", "load", "lock", "merge", "move", "notify", "pragma",
    "prepare", "reassign", "refresh", "reindex", "release", "replace", "reset", "revoke",
    "rollback", "savepoint", "security", "select", "set", "show", "start", "table",
    "truncate", "unlisten", "update", "vacuum", "values", "with",
})
# Pragmas that only report; with an argument only when the argument names a table/index.
READ_PRAGMAS = frozenset({
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "database_list", "collation_list", "function_list", "module_list",
    "pragma_list", "compile_options", "user_version", "schema_version", "application_id",
    "page_count", "page_size", "freelist_count", "encoding", "journal_mode", "data_version",
    "integrity_check", "quick_check", "foreign_key_check",
})
NAME_ARGUMENT_PRAGMAS = frozenset({
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "integrity_check", "quick_check", "foreign_key_check",
})
_ALLOWED_ACTIONS = frozenset({
    sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
    sqlite3.SQLITE_RECURSIVE,
})
_ACTION_NAMES = {
    getattr(sqlite3, f"SQLITE_{name}"): name.replace("_", " ")
    for name in (
        "CREATE_INDEX", "CREATE_TABLE", "CREATE_TEMP_INDEX", "CREATE_TEMP_TABLE",
        "CREATE_TEMP_TRIGGER", "CREATE_TEMP_VIEW", "CREATE_TRIGGER", "CREATE_VIEW", "DELETE",
        "DROP_INDEX", "DROP_TABLE", "DROP_TEMP_INDEX", "DROP_TEMP_TABLE", "DROP_TEMP_TRIGGER",
        "DROP_TEMP_VIEW", "DROP_TRIGGER", "DROP_VIEW", "INSERT", "PRAGMA", "TRANSACTION",
        "UPDATE", "ATTACH", "DETACH", "ALTER_TABLE", "REINDEX", "ANALYZE", "CREATE_VTABLE",
        "DROP_VTABLE", "SAVEPOINT",
    )
}
# Preparing a query on a virtual table (FTS5, json_each, pragma_*) checks UPDATE on
# sqlite_master's columns while the module declares its schema: that is no write.
_SCHEMA_TABLE = "sqlite_master"
_COMMENTS = re.compile(r"(--[^\n]*(\n|$))|(/\*.*?(\*/|$))", re.DOTALL)
_FIRST_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class QueryLimits:
    """How long a query may run (seconds) and how many rows it may return (None: all)."""

    timeout: float = DEFAULT_TIMEOUT
    max_rows: int | None = DEFAULT_MAX_ROWS


class Cancel:
    """A query's stop button, pressed from a signal handler: the query stops where it runs."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._stop: Callable[[], None] | None = None

    def press(self, signum: int) -> None:
        """Stop the running query (SQLite: interrupt; PostgreSQL: a cancel request)."""
        if self.signum is None:
            self.signum = signum
        if self._stop is not None:
            self._stop()

    def check(self) -> None:
        """QueryInterrupted once pressed."""
        if self.signum is not None:
            raise QueryInterrupted(self.signum)

    @contextmanager
    def stopping(self, stop: Callable[[], None]) -> Iterator[None]:
        self._stop = stop
        try:
            self.check()
            yield
        finally:
            self._stop = None


@dataclass
class QueryStream:
    """Column names and the rows of a query, fetched as they are read; cut says whether
    the row cap left rows out (known once rows is exhausted)."""

    columns: list[str]
    rows: Iterator[tuple[Any, ...]]
    cut: bool = False


@dataclass
class _Refusals:
    """What the SQLite authorizer denied while preparing the statement, and why."""

    actions: list[str] = field(default_factory=list)


def first_word(sql: str) -> str:
    """The statement's first keyword, lower case, after comments and parentheses."""
    stripped = _COMMENTS.sub(" ", sql).lstrip(" \t\r\n(")
    match = _FIRST_WORD.match(stripped)
    return match.group(0).lower() if match else ""


def check_statement(dialect: str, sql: str) -> None:
    """QueryError (one line) unless sql may be tried at all: a read's first word (or a word
    that begins no statement: the database words that syntax error) and, on PostgreSQL,
    no refused function."""
    if not sql.strip():
        raise QueryError("sql: the query is empty")
    allowed = SQLITE_FIRST_WORDS if dialect == "sqlite" else PG_FIRST_WORDS
    word = first_word(sql)
    if word not in allowed and (word in STATEMENT_WORDS or not word):
        raise QueryError(
            f"sql: refused {word.upper() or 'this statement'}: only read-only queries "
            f"({', '.join(sorted(w.upper() for w in allowed))}) are allowed"
        )
    if dialect != "sqlite":
        check_pg(sql)


@contextmanager
def open_query(engine: Engine, sql: str, limits: QueryLimits | None = None,
               cancel: Cancel | None = None) -> Iterator[QueryStream]:
    """Run one read-only statement on an engine opened with read_only=True; its rows are
    read inside the with block. Raises QueryError, QueryTimeout or QueryInterrupted."""
    limits = limits or QueryLimits()
    cancel = cancel or Cancel()
    dialect = engine.dialect.name
    check_statement(dialect, sql)
    with engine.connect() as connection:
        runner = _sqlite_query if dialect == "sqlite" else _postgresql_query
        with runner(connection, sql, limits, cancel) as stream:
            yield stream


def _capped(rows: Iterator[tuple[Any, ...]], stream: QueryStream, max_rows: int | None,
            cancel: Cancel) -> Iterator[tuple[Any, ...]]:
    for count, row in enumerate(rows):
        cancel.check()
        if max_rows is not None and count >= max_rows:
            stream.cut = True
            return
        yield row
    cancel.check()


def _timeout_error(limits: QueryLimits) -> QueryTimeout:
    return QueryTimeout(f"sql: the query ran past the time limit of {limits.timeout:g} s and "
                        "was cancelled (--timeout SECONDS to change it)")


# --- SQLite -----------------------------------------------------------------------------


@contextmanager
def _sqlite_query(connection: Connection, sql: str, limits: QueryLimits,
                  cancel: Cancel) -> Iterator[QueryStream]:
    connection.exec_driver_sql("SELECT 1")  # BEGIN before the authorizer is on
    raw: sqlite3.Connection = connection.connection.driver_connection  # type: ignore[assignment]
    refusals = _Refusals()
    deadline = time.monotonic() + limits.timeout
    timed_out = False

    def progress() -> int:
        nonlocal timed_out
        if cancel.signum is not None:
            return 1
        if time.monotonic() > deadline:
            timed_out = True
            return 1
        return 0

    try:
        with _authorizer(raw, refusals), _sqlite_limits(raw), cancel.stopping(raw.interrupt):
            raw.set_progress_handler(progress, SQLITE_PROGRESS_STEPS)
            cursor = raw.cursor()
            try:
                cursor.execute(sql)
                stream = QueryStream([d[0] for d in cursor.description or ()], iter(()))
                stream.rows = _capped(_fetch(cursor), stream, limits.max_rows, cancel)
                yield stream
            finally:
                cursor.close()
                raw.set_progress_handler(None, 0)
    except (sqlite3.Error, sqlite3.Warning, MemoryError) as exc:
        cancel.check()
        if timed_out:
            raise _timeout_error(limits) from exc
        if refusals.actions:
            raise QueryError(f"sql: refused {refusals.actions[0]}") from exc
        if isinstance(exc, MemoryError):
            raise QueryError("sql: the query ran out of memory") from exc
        if "too big" in str(exc):
            raise QueryError(f"sql: {error_line(exc)}: a value may hold at most "
                             f"{SQLITE_MAX_VALUE_BYTES // 2**20} MiB") from exc
        raise QueryError(f"sql: {error_line(exc)}") from exc
    finally:
        connection.rollback()


def _fetch(cursor: sqlite3.Cursor) -> Iterator[tuple[Any, ...]]:
    while batch := cursor.fetchmany(FETCH_BATCH):
        yield from (tuple(r) for r in batch)


@contextmanager
def _sqlite_limits(raw: sqlite3.Connection) -> Iterator[None]:
    previous: dict[int, int] = {}
    for name, value in _SQLITE_LIMITS.items():
        category = getattr(sqlite3, name, None)
        if category is not None and hasattr(raw, "setlimit"):
            previous[category] = raw.setlimit(category, value)
    try:
        yield
    finally:
        for category, value in previous.items():
            raw.setlimit(category, value)


@contextmanager
def _authorizer(raw: sqlite3.Connection, refusals: _Refusals) -> Iterator[None]:
    raw.set_authorizer(_read_only_authorizer(refusals))
    try:
        yield
    finally:
        raw.set_authorizer(sqlite_read_only_authorizer)  # the engine's own, for the pool


def _read_only_authorizer(refusals: _Refusals) -> Callable[..., int]:
    def authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None,
                  _trigger: str | None) -> int:
        if action == sqlite3.SQLITE_FUNCTION:
            if sqlite_function_allowed(arg2):
                return sqlite3.SQLITE_OK
            refusals.actions.append(f"{arg2}(): only known-safe functions may be called")
            return sqlite3.SQLITE_DENY
        if action in _ALLOWED_ACTIONS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA and _read_pragma(arg1, arg2):
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_UPDATE and arg1 == _SCHEMA_TABLE:
            return sqlite3.SQLITE_OK
        name = _ACTION_NAMES.get(action, f"action {action}")
        if action == sqlite3.SQLITE_PRAGMA:
            name = f"PRAGMA {arg1}" + (f" = {arg2}" if arg2 is not None else "")
        refusals.actions.append(f"{name}: only read-only queries are allowed")
        return sqlite3.SQLITE_DENY

    return authorize


def _read_pragma(name: str | None, argument: str | None) -> bool:
    name = (name or "").lower()
    if name not in READ_PRAGMAS:
        return False
    return argument is None or name in NAME_ARGUMENT_PRAGMAS


# --- PostgreSQL -------------------------------------------------------------------------


@contextmanager
def _postgresql_query(connection: Connection, sql: str, limits: QueryLimits,
                      cancel: Cancel) -> Iterator[QueryStream]:
    import psycopg

    raw: psycopg.Connection = connection.connection.driver_connection  # type: ignore[assignment]
    ms = max(1, round(limits.timeout * 1000))
    try:
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")  # the first statement: BEGIN
        settings = [f"statement_timeout = {ms}", f"lock_timeout = {ms}",
                    f"idle_in_transaction_session_timeout = {ms + 10_000}",
                    "standard_conforming_strings = on"]  # what storage.sqltokens expects
        if raw.info.server_version >= 140000:  # a client killed with SIGKILL is noticed
            settings.append("client_connection_check_interval = 1000")
        for setting in settings:
            connection.exec_driver_sql(f"SET LOCAL {setting}")
        with cancel.stopping(raw.cancel), raw.cursor() as cursor:
            size = 100 if psycopg.capabilities.has_stream_chunked() else 1
            # stream(): the extended protocol, which takes exactly one statement
            rows = iter(cursor.stream(sql, size=size))  # type: ignore[call-overload]
            first = next(rows, None)
            columns = [d.name for d in cursor.description or ()] if first is not None \
                else _describe(raw, sql)
            stream = QueryStream(columns, iter(()))
            stream.rows = _capped(_chain(first, rows), stream, limits.max_rows, cancel)
            try:
                yield stream
            finally:
                rows.close()  # type: ignore[attr-defined]  # cancels what is left
    except (sa_exc.SQLAlchemyError, psycopg.Error) as exc:
        cancel.check()
        cause = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc
        if isinstance(cause, psycopg.errors.QueryCanceled | psycopg.errors.LockNotAvailable):
            raise _timeout_error(limits) from exc
        raise QueryError(f"sql: {error_line(exc)}") from exc
    finally:
        _rollback(connection)


def _chain(first: tuple[Any, ...] | None,
           rest: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    if first is not None:
        yield tuple(first)
        yield from (tuple(r) for r in rest)


def _describe(raw: Any, sql: str) -> list[str]:
    """The column names of a query that returned no rows (stream() keeps no description)."""
    from psycopg import pq

    name = b"cleanwire_describe"
    pgconn = raw.pgconn
    if pgconn.prepare(name, sql.encode()).status != pq.ExecStatus.COMMAND_OK:
        return []
    try:
        result = pgconn.describe_prepared(name)
        return [(result.fname(i) or b"").decode() for i in range(result.nfields)]
    finally:
        pgconn.exec_(b"DEALLOCATE cleanwire_describe")


def _rollback(connection: Connection) -> None:
    """Roll back; a connection a cancel left unusable is closed (the pool drops it)."""
    try:
        connection.rollback()
    except sa_exc.SQLAlchemyError:
        connection.invalidate()
