"""The local PostgreSQL server for tests: find it (or skip, saying why); scratch databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

PG_HOST = "127.0.0.1:5432"
PG_USERS = ("postgres", "root")


def pg_admin_url() -> str:
    """postgresql+psycopg://USER@HOST of a role that can create databases, or pytest.skip."""
    import psycopg

    errors = []
    for user in PG_USERS:
        try:
            with psycopg.connect(f"postgresql://{user}@{PG_HOST}/test", connect_timeout=3):
                return f"postgresql+psycopg://{user}@{PG_HOST}"
        except psycopg.Error as exc:
            errors.append(f"{user}: {str(exc).strip().splitlines()[0]}")
    pytest.skip(f"PostgreSQL not reachable at {PG_HOST}: {'; '.join(errors)}")


@contextmanager
def scratch_database(base_url: str) -> Iterator[str]:
    """A new, uniquely named database under base_url, dropped afterwards."""
    import psycopg

    name = f"cleanwire_test_{uuid.uuid4().hex[:12]}"
    admin = base_url.replace("postgresql+psycopg://", "postgresql://") + "/test"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base_url}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
