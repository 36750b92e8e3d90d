"""Alembic environment: run migrations on the connection storage.engine hands over.

storage.engine.migrate() builds the Config in code and passes an open
Connection in config.attributes["connection"]; the whole upgrade runs in one
transaction (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL) so
that concurrent first uses of a new database migrate it once.

Run by hand (developers): `alembic -c storage/migrations/alembic.ini revision -m "..."`;
the URL then comes from $CLEANWIRE_DATABASE_URL (default ./cleanwire.db).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from storage.engine import PG_MIGRATION_LOCK
from storage.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        # SQLite DDL is transactional once pysqlite stops managing transactions
        # (storage.engine does that), so the whole upgrade is all-or-nothing.
        transactional_ddl=True,
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK}
            )
        context.run_migrations()


def _run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from storage.engine import open_engine, resolve_database_url

    url = context.config.get_main_option("sqlalchemy.url") or resolve_database_url(None)
    engine = open_engine(url, migrate=False)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("cleanwire migrations run online only (no --sql)")
_run_online()
