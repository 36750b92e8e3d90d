"""Migration tests: Alembic upgrades on empty, current, old and too-new databases.

Run on a real SQLite file and, when reachable, on PostgreSQL at 127.0.0.1:5432
(a fresh database per test, dropped afterwards).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from cleaners.model import CleanPage
from storage.engine import (
    MIGRATIONS_DIR,
    alembic_config,
    current_revision,
    head_revision,
    open_engine,
    upgrade,
)
from storage.errors import DatabaseError
from storage.models import Base
from storage.repository import FetchRecord, PageRecord, Repository
from storage.schema_objects import include_object

TABLES = {"sites", "crawl_runs", "articles", "fetches", "alembic_version"}


def _record(url: str) -> PageRecord:
    page = CleanPage(
        url=url,
        canonical_url=None,
        page_type="article",
        title="T",
        authors=[],
        published=None,
        modified=None,
        language="en",
        section=None,
        tags=[],
        description=None,
        image=None,
        sitename=None,
        text="some text",
        word_count=2,
        content_hash="h",
    )
    fetch = FetchRecord(url, 200, fetched_at=datetime(2026, 1, 1, tzinfo=UTC))
    return PageRecord(page, fetch, "site", "site.example")


def _version_rows(url: str) -> list[str]:
    engine = open_engine(url, migrate=False)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    finally:
        engine.dispose()


def test_migration_files_are_where_the_package_looks() -> None:
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()
    assert (MIGRATIONS_DIR / "versions" / "0001_initial.py").is_file()
    revisions = sorted(p.name[:4] for p in (MIGRATIONS_DIR / "versions").glob("0*.py"))
    assert head_revision() == revisions[-1]


def test_upgrade_empty_database_reaches_head(db_url: str) -> None:
    assert upgrade(db_url) == head_revision()
    engine = open_engine(db_url, migrate=False)
    try:
        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_schema_matches_models(db_url: str) -> None:
    engine = open_engine(db_url)
    try:
        with engine.connect() as conn:
            # FTS tables, article_view and the tsvector column are not ORM objects
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_object}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_upgrade_twice_is_a_no_op(db_url: str) -> None:
    assert upgrade(db_url) == head_revision()
    assert upgrade(db_url) == head_revision()
    open_engine(db_url).dispose()
    assert _version_rows(db_url) == [head_revision()]


def test_existing_rows_survive_upgrade(db_url: str) -> None:
    engine = open_engine(db_url)
    Repository(engine).store(None, [_record("https://site.example/1")])
    engine.dispose()
    assert upgrade(db_url) == head_revision()
    engine = open_engine(db_url)
    try:
        repo = Repository(engine)
        assert repo.count_articles() == 1
        assert repo.get_article("https://site.example/1") is not None
    finally:
        engine.dispose()


def test_database_without_history_is_refused_not_recreated(db_url: str) -> None:
    # tables made outside the migrations (create_all): refused, and the rows stay
    raw = create_engine(db_url)
    Base.metadata.create_all(raw)
    with raw.begin() as conn:
        conn.execute(text("INSERT INTO sites (name, host) VALUES ('old', 'old.example')"))
    with pytest.raises(DatabaseError, match="no migration history"):
        open_engine(db_url)
    with raw.connect() as conn:
        assert conn.execute(text("SELECT name FROM sites")).scalars().all() == ["old"]
    raw.dispose()


def test_partial_schema_without_history_is_refused(db_url: str) -> None:
    raw = create_engine(db_url)
    Base.metadata.tables["sites"].create(raw)
    raw.dispose()
    with pytest.raises(DatabaseError, match="no migration history"):
        open_engine(db_url)


def test_newer_database_is_refused(db_url: str) -> None:
    open_engine(db_url).dispose()
    raw = create_engine(db_url)
    with raw.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    raw.dispose()
    with pytest.raises(DatabaseError) as info:
        open_engine(db_url)
    assert "9999" in str(info.value) and "\n" not in str(info.value)


def test_downgrade_and_upgrade_again(db_url: str) -> None:
    engine = open_engine(db_url)
    try:
        with engine.connect() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        assert current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    assert upgrade(db_url) == head_revision()


def test_concurrent_first_use_migrates_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/race.db"
    errors: list[BaseException] = []

    def first_use() -> None:
        try:
            open_engine(url).dispose()
        except BaseException as exc:  # collected for the main thread
            errors.append(exc)

    threads = [threading.Thread(target=first_use) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _version_rows(url) == [head_revision()]


@pytest.mark.slow
def test_concurrent_first_use_from_processes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/race.db"
    code = "import sys; from storage.engine import open_engine; open_engine(sys.argv[1]).dispose()"
    root = Path(__file__).resolve().parent.parent
    procs = [
        subprocess.Popen([sys.executable, "-c", code, url], cwd=root, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    results = [(proc.wait(timeout=60), proc.stderr.read()) for proc in procs if proc.stderr]
    assert [rc for rc, _ in results] == [0] * 4, results
    assert _version_rows(url) == [head_revision()]
