"""The least-privilege PostgreSQL role for analysts (`cleanwire db create-reader`): SELECT only."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc

from .engine import error_line
from .errors import DatabaseError

DEFAULT_ROLE = "cleanwire_reader"
# Role-level defaults: every session of the role is read only and bounded, whatever client.
ROLE_SETTINGS = {
    "default_transaction_read_only": "on",
    "statement_timeout": "30s",
    "lock_timeout": "5s",
    "idle_in_transaction_session_timeout": "60s",
}


def reader_role_sql(role: str, database: str, owner: str, password: str | None = None,
                    exists: bool = False) -> list[str]:
    """The statements that make role a SELECT-only reader of database's public schema.

    owner is the role that owns cleanwire's tables (ALTER DEFAULT PRIVILEGES: tables that
    later migrations add are readable too). Names are quoted; password is a literal.
    """
    r, d, o = _ident(role), _ident(database), _ident(owner)
    login = "LOGIN" + (f" PASSWORD {_literal(password)}" if password is not None else "")
    statements = [] if exists else [
        f"CREATE ROLE {r} {login} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
        "NOBYPASSRLS NOINHERIT CONNECTION LIMIT 10"
    ]
    if exists and password is not None:
        statements.append(f"ALTER ROLE {r} {login}")
    statements += [
        f"GRANT CONNECT ON DATABASE {d} TO {r}",
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public GRANT SELECT ON TABLES TO {r}",
    ]
    statements += [f"ALTER ROLE {r} SET {name} = {_literal(value)}"
                    for name, value in ROLE_SETTINGS.items()]
    return statements


def create_reader(engine: Engine, role: str = DEFAULT_ROLE, password: str | None = None) -> bool:
    """Create (or bring up to date) the reader role on engine's PostgreSQL database, as a
    role allowed to create roles; True when the role was created. DatabaseError otherwise."""
    if engine.dialect.name != "postgresql":
        raise DatabaseError("create-reader is for PostgreSQL: a SQLite file is opened "
                            "read-only by cleanwire's analyst commands")
    try:
        with engine.begin() as connection:
            database, owner = connection.exec_driver_sql(
                "SELECT current_database(), coalesce((SELECT tableowner FROM pg_tables WHERE "
                "schemaname = 'public' AND tablename = 'articles'), current_user)"
            ).one()
            exists = connection.exec_driver_sql(
                "SELECT 1 FROM pg_roles WHERE rolname = %(role)s", {"role": role}
            ).first() is not None
            for statement in reader_role_sql(role, database, owner, password, exists):
                connection.exec_driver_sql(statement)
    except sa_exc.SQLAlchemyError as exc:
        raise DatabaseError(f"cannot create role {role}: {error_line(exc)}") from exc
    return not exists


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
