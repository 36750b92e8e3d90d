"""Database URLs, engines and schema migrations.

open_engine() is the one way in: it resolves dialect quirks (SQLite pragmas,
read-only mode), checks that the database is reachable, and brings the schema
to the Alembic head. Every failure to do so is a storage.errors.DatabaseError
with a one-line, password-free message.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from .errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config

ENV_VAR = "CLEANWIRE_DATABASE_URL"
DEFAULT_URL = "sqlite:///cleanwire.db"
SUPPORTED_DIALECTS = ("sqlite", "postgresql")
SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_S = 10
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The tables revision 0001 creates; a database holding any of them but no
# alembic_version table was not made by cleanwire's migrations and is refused.
BASELINE_TABLES = frozenset({"sites", "crawl_runs", "articles", "fetches"})
# Execution option read by the SQLite "begin" listener: "BEGIN IMMEDIATE" for writers.
SQLITE_BEGIN_OPTION = "cleanwire_sqlite_begin"
PG_MIGRATION_LOCK = 0x636C_6E77  # "clnw": advisory lock key serialising migrations

# Alembic keeps the running migration in module globals (alembic.context, alembic.op),
# so two threads of one process must not run it at once; processes are serialised
# by the database itself (BEGIN IMMEDIATE / advisory lock in migrations/env.py).
_ALEMBIC_LOCK = threading.RLock()

# user:password@ in a URL; the password runs to the last "@" of the token, so an
# unencoded "@" in it is hidden too (over-redacting beats leaking).
_URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][\w+.-]*://[^/@\s:]*:)(?P<pw>\S*)(?P<at>@)")
_KV_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<pw>'[^']*'|\S+)", re.IGNORECASE)


def resolve_database_url(explicit: str | None, env: Mapping[str, str] = os.environ) -> str:
    """The database URL to use: --db value, else $CLEANWIRE_DATABASE_URL, else ./cleanwire.db.

    A bare file path (no "://") becomes a SQLite URL for that file.
    """
    candidates = (explicit, env.get(ENV_VAR), DEFAULT_URL)
    value = next(c.strip() for c in candidates if c and c.strip())
    if "://" not in value:
        value = "sqlite:///" + os.path.expanduser(value)
    return value


def absolute_database_url(url: str, cwd: str | os.PathLike[str] | None = None) -> str:
    """url with a relative SQLite file made absolute against cwd (default: the current
    directory), so it names the same file in any process started from anywhere:
    sqlite:///news.db -> sqlite:////home/me/news.db. In-memory databases, SQLite URI
    filenames (file:...) and other dialects' URLs come back unchanged."""
    try:
        parsed = make_url(url)
    except sa_exc.ArgumentError:
        return url  # open_engine says what is wrong with it, in one line
    database = parsed.database
    if (parsed.get_backend_name() != "sqlite" or not database or database == ":memory:"
            or database.startswith("file:") or os.path.isabs(database)):
        return url
    absolute = os.path.join(os.fspath(cwd) if cwd is not None else os.getcwd(), database)
    return parsed.set(database=os.path.normpath(absolute)).render_as_string(
        hide_password=False)


def redact_url(url: str | URL) -> str:
    """The URL with its password (if any) replaced by ***, for logs and crawl_runs."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    return redact_text(url)


def redact_text(text: str) -> str:
    """text with every URL password and libpq-style password=... replaced by ***."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}***{m['at']}", text)
    return _KV_PASSWORD.sub(lambda m: f"{m['head']}***", text)


def error_line(error: BaseException) -> str:
    """The first non-empty line of an exception (or of its DBAPI cause), redacted."""
    source: BaseException = error
    if isinstance(error, sa_exc.DBAPIError) and error.orig is not None:
        source = error.orig
    lines = [line.strip() for line in str(source).splitlines() if line.strip()]
    return redact_text(lines[0] if lines else type(source).__name__)


def _parse_url(url: str) -> URL:
    """Parse and normalise a database URL (postgres:// and postgresql:// use psycopg 3)."""
    try:
        parsed = make_url(url)
    except sa_exc.ArgumentError as exc:
        raise DatabaseError(f"invalid database URL {redact_text(url)!r}") from exc
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in SUPPORTED_DIALECTS:
        raise DatabaseError(
            f"unsupported database {parsed.get_backend_name()!r} in {redact_url(parsed)}: "
            "cleanwire supports sqlite and postgresql"
        )
    return parsed


def _sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL, or None for an in-memory or URI database."""
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def _read_only_sqlite_url(url: URL) -> URL:
    path = _sqlite_file(url)
    if path is None:
        if (url.database or "").startswith("file:"):
            return url.update_query_dict({"mode": "ro", "uri": "true"})
        raise DatabaseError("a read-only database must be a file, not an in-memory database")
    if not path.is_file():
        raise DatabaseError(f"database file not found: {path}")
    return url.set(database="file:" + quote(str(path.resolve()))).update_query_dict(
        {"mode": "ro", "uri": "true"}
    )


def sqlite_read_only_authorizer(
    action: int, _arg1: str | None, _arg2: str | None, _db: str | None, _trigger: str | None
) -> int:
    """Deny ATTACH and DETACH on read-only SQLite connections.

    mode=ro and query_only stop writes to the database, but ATTACH (and VACUUM INTO,
    which attaches its target) would still create a new file.
    """
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _set_wal(cursor: sqlite3.Cursor) -> None:
    """PRAGMA journal_mode = WAL, retried: switching a new file's journal needs a lock
    that SQLite does not wait for, so processes opening it at once may see "locked"."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _install_sqlite_listeners(engine: Engine, *, read_only: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy (not pysqlite) decide where transactions begin, so that
        # DDL is transactional and writers can use BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if read_only:
                cursor.execute("PRAGMA query_only = ON")
                # Any read proves the file is a database (WAL needs no change here).
                cursor.execute("PRAGMA schema_version")
                dbapi_connection.set_authorizer(sqlite_read_only_authorizer)
            else:
                _set_wal(cursor)
                cursor.execute("PRAGMA synchronous = NORMAL")
                # Migrations rebuild tables (Alembic batch mode: copy, drop, rename); the
                # modern RENAME refuses while article_view names the dropped table. The
                # legacy rename leaves views and triggers alone, which is what a rebuild
                # under the same name needs (storage.schema_objects restores the triggers).
                cursor.execute("PRAGMA legacy_alter_table = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql(
            connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "BEGIN")
        )


def _install_postgresql_listeners(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        finally:
            cursor.close()
        dbapi_connection.commit()


def open_engine(url: str, *, migrate: bool = True, read_only: bool = False) -> Engine:
    """An Engine for url, reachable, with its schema at the migration head.

    SQLite: WAL, busy_timeout 30 s, foreign keys on, synchronous NORMAL on every
    connection; the parent directory of the file is created. read_only=True opens
    SQLite with mode=ro + query_only (PostgreSQL: read-only transactions) and never
    migrates. Raises DatabaseError when the database cannot be used.
    """
    parsed = _parse_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite:
        if read_only:
            parsed = _read_only_sqlite_url(parsed)
        else:
            path = _sqlite_file(parsed)
            if path is not None:
                if path.exists() and not path.is_file():
                    raise DatabaseError(f"not a database file: {path} is a directory")
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise DatabaseError(f"cannot create directory {path.parent}: {exc}") from exc
    connect_args: dict[str, Any] = {}
    if not is_sqlite and "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    try:
        engine = create_engine(parsed, pool_pre_ping=not is_sqlite, connect_args=connect_args,
                               json_serializer=json_text)
    except ImportError as exc:
        raise DatabaseError(_missing_driver(parsed, exc)) from exc
    except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError) as exc:
        raise DatabaseError(f"cannot use database {redact_url(parsed)}: {error_line(exc)}") from exc
    if is_sqlite:
        _install_sqlite_listeners(engine, read_only=read_only)
    elif read_only:
        _install_postgresql_listeners(engine)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        if migrate and not read_only:
            _ensure_head(engine)
    except DatabaseError:
        engine.dispose()
        raise
    except (sa_exc.SQLAlchemyError, sqlite3.Error, OSError) as exc:
        engine.dispose()
        raise DatabaseError(
            f"cannot open database {redact_url(parsed)}: {error_line(exc)}"
        ) from exc
    return engine


#: JSON columns hold UTF-8 text ("Лида", not "\\u041b..."), so LIKE and Datasette see the
#: names as written; PostgreSQL's JSONB stores the same values natively either way.
json_text = functools.partial(json.dumps, ensure_ascii=False)


def _missing_driver(url: URL, exc: ImportError) -> str:
    """One line naming the extra that installs the missing database driver."""
    name = exc.name or str(exc)
    if url.get_backend_name() == "postgresql" and "psycopg" in name:
        return (f"PostgreSQL needs the psycopg driver (No module named {name!r}): "
                "pip install 'cleanwire[postgres]'")
    return f"cannot use database {redact_url(url)}: {error_line(exc)}"


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A Session factory bound to engine; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside one write transaction (BEGIN IMMEDIATE on SQLite), committed on exit."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.execution_options(**{SQLITE_BEGIN_OPTION: "BEGIN IMMEDIATE"})
        with connection.begin():
            yield connection


# --- migrations -------------------------------------------------------------


def alembic_config() -> Config:
    """An Alembic Config for storage/migrations, built in code (no alembic.ini)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest migration revision this code knows."""
    from alembic.script import ScriptDirectory

    with _ALEMBIC_LOCK:
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise DatabaseError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except sa_exc.SQLAlchemyError as exc:
        raise DatabaseError(f"cannot read schema revision: {error_line(exc)}") from exc


def migrate(engine: Engine, revision: str = "head") -> str | None:
    """Upgrade the database behind engine to revision; returns the revision reached.

    A database that has cleanwire's tables but no migration history is refused
    (DatabaseError), never recreated.
    """
    from alembic import command
    from alembic.util import CommandError

    config = alembic_config()
    try:
        with _ALEMBIC_LOCK:
            _refuse_unversioned(engine)
            with engine.connect() as connection:
                if engine.dialect.name == "sqlite":
                    connection.execution_options(**{SQLITE_BEGIN_OPTION: "BEGIN IMMEDIATE"})
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                _restore_analyst_objects(connection)
    except CommandError as exc:
        known = head_revision()
        raise DatabaseError(
            f"cannot migrate database to {revision}: {error_line(exc)} "
            f"(this cleanwire knows revisions up to {known})"
        ) from exc
    except sa_exc.SQLAlchemyError as exc:
        raise DatabaseError(f"cannot migrate database: {error_line(exc)}") from exc
    return current_revision(engine)


def _restore_analyst_objects(connection: Connection) -> None:
    """Recreate FTS triggers / article_view a table rebuild removed (see storage.schema_objects).

    Its own transaction right after the upgrade's; idempotent, so `cleanwire db upgrade`
    also repairs a database where it was interrupted.
    """
    from .schema_objects import ensure_analyst_objects

    if connection.in_transaction():
        connection.commit()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
    ensure_analyst_objects(connection)
    connection.commit()


def upgrade(url: str, revision: str = "head") -> str | None:
    """`cleanwire db upgrade`: migrate the database at url; returns the revision reached."""
    engine = open_engine(url, migrate=False)
    try:
        return migrate(engine, revision)
    finally:
        engine.dispose()


def _ensure_head(engine: Engine) -> None:
    if current_revision(engine) != head_revision():
        migrate(engine)


def _refuse_unversioned(engine: Engine) -> None:
    """cleanwire tables without migration history: not ours to guess at, so refuse."""
    tables = set(inspect(engine).get_table_names())
    if "alembic_version" in tables:
        return
    present = tables & BASELINE_TABLES
    if present:
        raise DatabaseError(
            "database has cleanwire tables (" + ", ".join(sorted(present)) + ") but no "
            "migration history; use a new database file"
        )
