"""`cleanwire sql`: run one analyst query that cannot change anything.

Layers, each enough on its own for plain writes:

* the statement must start with SELECT, WITH, VALUES, EXPLAIN, PRAGMA (SQLite) or
  SELECT, WITH, VALUES, TABLE, EXPLAIN, SHOW (PostgreSQL) — this gives the clear message;
* SQLite: the file is opened with mode=ro and PRAGMA query_only (storage.engine), and an
  authorizer allows only reads: no ATTACH/DETACH (ATTACH would create a file even on a
  read-only connection), no PRAGMA that sets a value, no INSERT/UPDATE/DELETE/DDL;
  pysqlite runs one statement per call;
* PostgreSQL: the session is read only and the query runs in a transaction started with
  SET TRANSACTION READ ONLY, prepared server-side (so exactly one statement), then
  rolled back. Server functions such as pg_read_file are governed by the role's
  privileges: give analysts a role without superuser rights.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy import exc as sa_exc

from .engine import error_line, sqlite_read_only_authorizer
from .errors import QueryError

SQLITE_FIRST_WORDS = frozenset({"select", "with", "values", "explain", "pragma"})
PG_FIRST_WORDS = frozenset({"select", "with", "values", "table", "explain", "show"})
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
class QueryResult:
    """Column names and rows of one query."""

    columns: list[str]
    rows: list[tuple[Any, ...]]


@dataclass
class _Refusals:
    """What the SQLite authorizer denied while preparing the statement."""

    actions: list[str] = field(default_factory=list)


def first_word(sql: str) -> str:
    """The statement's first keyword, lower case, after comments and parentheses."""
    stripped = _COMMENTS.sub(" ", sql).lstrip(" \t\r\n(")
    match = _FIRST_WORD.match(stripped)
    return match.group(0).lower() if match else ""


def run_query(engine: Engine, sql: str) -> QueryResult:
    """Run one read-only statement on an engine opened with read_only=True."""
    if not sql.strip():
        raise QueryError("sql: the query is empty")
    dialect = engine.dialect.name
    allowed = SQLITE_FIRST_WORDS if dialect == "sqlite" else PG_FIRST_WORDS
    word = first_word(sql)
    if word not in allowed:
        raise QueryError(
            f"sql: refused {word.upper() or 'this statement'}: only read-only queries "
            f"({', '.join(sorted(w.upper() for w in allowed))}) are allowed"
        )
    with engine.connect() as connection:
        if dialect == "sqlite":
            return _run_sqlite(connection, sql)
        return _run_postgresql(connection, sql)


def _run_sqlite(connection: Connection, sql: str) -> QueryResult:
    connection.exec_driver_sql("SELECT 1")  # BEGIN before the authorizer is on
    raw: sqlite3.Connection = connection.connection.driver_connection  # type: ignore[assignment]
    refusals = _Refusals()
    try:
        with _authorizer(raw, refusals):
            cursor = raw.cursor()
            try:
                cursor.execute(sql)
                columns = [d[0] for d in cursor.description or ()]
                rows = [tuple(r) for r in cursor.fetchall()]
            finally:
                cursor.close()
    except (sqlite3.Error, sqlite3.Warning) as exc:
        if refusals.actions:
            raise QueryError(
                f"sql: refused {refusals.actions[0]}: only read-only queries are allowed"
            ) from exc
        raise QueryError(f"sql: {error_line(exc)}") from exc
    finally:
        connection.rollback()
    return QueryResult(columns, rows)


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
        if action in _ALLOWED_ACTIONS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA and _read_pragma(arg1, arg2):
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_UPDATE and arg1 == _SCHEMA_TABLE:
            return sqlite3.SQLITE_OK
        name = _ACTION_NAMES.get(action, f"action {action}")
        if action == sqlite3.SQLITE_PRAGMA:
            name = f"PRAGMA {arg1}" + (f" = {arg2}" if arg2 is not None else "")
        refusals.actions.append(name)
        return sqlite3.SQLITE_DENY

    return authorize


def _read_pragma(name: str | None, argument: str | None) -> bool:
    name = (name or "").lower()
    if name not in READ_PRAGMAS:
        return False
    return argument is None or name in NAME_ARGUMENT_PRAGMAS


def _run_postgresql(connection: Connection, sql: str) -> QueryResult:
    import psycopg

    raw: psycopg.Connection = connection.connection.driver_connection  # type: ignore[assignment]
    try:
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")  # the first statement: BEGIN
        with raw.cursor() as cursor:
            # prepare=True: the extended protocol, which takes exactly one statement
            cursor.execute(sql, prepare=True)  # type: ignore[call-overload]
            columns = [d.name for d in cursor.description or ()]
            rows = [tuple(r) for r in cursor.fetchall()] if cursor.description else []
    except (sa_exc.SQLAlchemyError, psycopg.Error) as exc:
        raise QueryError(f"sql: {error_line(exc)}") from exc
    finally:
        connection.rollback()
    return QueryResult(columns, rows)
