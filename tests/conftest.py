"""Shared pytest fixtures: the local "Fixture Times" news site on a real HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fixture_site import FixtureServer
from pg_helpers import pg_admin_url, scratch_database
from sqlalchemy import Engine

from storage.engine import open_engine
from storage.repository import Repository


@pytest.fixture
def fixture_site() -> Iterator[FixtureServer]:
    """The fixture site on http://127.0.0.1:<ephemeral port>, started for one test and stopped
    after it. The /slow/ delay is read per request: set ``fixture_site.slow_seconds`` to change
    it (default 5 s)."""
    with FixtureServer() as server:
        yield server


@pytest.fixture(scope="session")
def pg_base_url() -> str:
    """The local PostgreSQL server's admin URL; the test is skipped when none answers."""
    return pg_admin_url()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database on each backend: a SQLite file, then a scratch PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/cleanwire.db"
        return
    with scratch_database(request.getfixturevalue("pg_base_url")) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on db_url, migrated to head, disposed afterwards."""
    engine = open_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def repo(engine: Engine) -> Repository:
    return Repository(engine)
