"""Revision 0002 (full-text index, article_view) on SQLite and, when reachable, PostgreSQL.

From an empty database and from revision 0001 with rows already stored (the old rows
must become searchable); through later revisions that rebuild the articles table
(the FTS triggers must survive); downgrade and upgrade again; repair of a database
that reached head while 0002 was still empty.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from cleaners.model import CleanPage
from storage.engine import alembic_config, head_revision, migrate, open_engine, upgrade
from storage.filters import ArticleFilter
from storage.repository import FetchRecord, PageRecord, Repository
from storage.schema_objects import ARTICLE_VIEW, FTS_TABLE, FTS_TRIGGERS, PG_SEARCH_COLUMN
from storage.search import search

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def record(url: str, title: str, body: str, at: datetime = T0) -> PageRecord:
    page = CleanPage(
        url=url, canonical_url=None, page_type="article", title=title, authors=["Ann"],
        published=None, modified=None, language="en", section=None, tags=[], description=None,
        image=None, sitename=None, text=body, word_count=len(body.split()),
        content_hash=f"h-{body}",
    )
    return PageRecord(page, FetchRecord(url, 200, fetched_at=at), "site", "site.example")


def found(engine: Engine, query: str) -> list[str]:
    return [hit.url for hit in search(engine, query, ArticleFilter())]


def test_empty_database_gets_search_and_view(db_url: str) -> None:
    engine = open_engine(db_url)
    try:
        inspector = inspect(engine)
        assert ARTICLE_VIEW in inspector.get_view_names()
        if engine.dialect.name == "sqlite":
            assert FTS_TABLE in inspector.get_table_names()
            with engine.connect() as conn:
                triggers = conn.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                ).scalars()
                assert set(FTS_TRIGGERS) <= set(triggers)  # survived 0004's table rebuild
        else:
            assert PG_SEARCH_COLUMN in {c["name"] for c in inspector.get_columns("articles")}
        assert found(engine, "anything") == []
    finally:
        engine.dispose()


def test_rows_stored_before_0002_become_searchable(db_url: str) -> None:
    engine = open_engine(db_url, migrate=False)
    try:
        migrate(engine, "0001")
        with engine.begin() as conn:  # 0001's schema: no duplicate_of / cluster_id yet
            conn.execute(text("INSERT INTO sites (name, host) VALUES ('old', 'old.example')"))
            conn.execute(
                text(
                    "INSERT INTO articles (url, site_id, title, authors, tags, text, word_count,"
                    " first_seen_at, last_fetched_at) VALUES (:url, 1, :title, '[]', '[]',"
                    " :body, 4, :at, :at)"
                ),
                {"url": "https://old.example/1", "title": "Archived platypus story",
                 "body": "a story from before full text search", "at": T0},
            )
        assert migrate(engine) == head_revision()
        assert found(engine, "platypus") == ["https://old.example/1"]
        assert found(engine, "before") == ["https://old.example/1"]
        with engine.connect() as conn:
            view = conn.execute(text(f"SELECT site, title FROM {ARTICLE_VIEW}")).all()
        assert view == [("old", "Archived platypus story")]
    finally:
        engine.dispose()


def test_index_follows_repository_upserts(db_url: str) -> None:
    engine = open_engine(db_url)
    try:
        repo = Repository(engine)
        url = "https://site.example/a"
        repo.store(None, [record(url, "First echidna", "original wording here")])
        assert found(engine, "echidna") == [url] and found(engine, "original") == [url]
        repo.store(None, [record(url, "Second title", "rewritten numbat text", T0.replace(hour=1))])
        assert found(engine, "echidna") == [] and found(engine, "original") == []
        assert found(engine, "numbat") == [url] and found(engine, "second") == [url]
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO articles (url, title, authors, tags, text, word_count, "
                     "first_seen_at, last_fetched_at) VALUES ('https://x.example/d', 'Dingo', "
                     "'[]', '[]', 'a dingo', 2, :at, :at)"),
                {"at": T0},
            )
        assert found(engine, "dingo") == ["https://x.example/d"]
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM articles WHERE url = 'https://x.example/d'"))
        assert found(engine, "dingo") == []
        if engine.dialect.name == "sqlite":
            with engine.begin() as conn:
                conn.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) "
                                  "VALUES ('integrity-check', 1)"))
    finally:
        engine.dispose()


def test_downgrade_removes_and_upgrade_restores(db_url: str) -> None:
    engine = open_engine(db_url)
    try:
        Repository(engine).store(None, [record("https://site.example/k", "Kiwi", "kiwi bird")])
        with engine.connect() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "0001")
        inspector = inspect(engine)
        assert ARTICLE_VIEW not in inspector.get_view_names()
        assert FTS_TABLE not in inspector.get_table_names()
        assert PG_SEARCH_COLUMN not in {c["name"] for c in inspector.get_columns("articles")}
    finally:
        engine.dispose()
    assert upgrade(db_url) == head_revision()
    engine = open_engine(db_url, read_only=True)
    try:
        assert found(engine, "kiwi") == ["https://site.example/k"]
    finally:
        engine.dispose()


def test_db_upgrade_repairs_a_database_without_the_index(db_url: str) -> None:
    """A database that reached head while 0002 was an empty stub: `db upgrade` fixes it."""
    engine = open_engine(db_url)
    try:
        Repository(engine).store(None, [record("https://site.example/w", "Wallaby", "hop")])
        with engine.begin() as conn:
            conn.execute(text(f"DROP VIEW {ARTICLE_VIEW}"))
            if engine.dialect.name == "sqlite":
                for trigger in FTS_TRIGGERS:
                    conn.execute(text(f"DROP TRIGGER {trigger}"))
                conn.execute(text(f"DROP TABLE {FTS_TABLE}"))
            else:
                conn.execute(text(f"ALTER TABLE articles DROP COLUMN {PG_SEARCH_COLUMN}"))
    finally:
        engine.dispose()
    reader = open_engine(db_url, read_only=True)
    try:
        with pytest.raises(Exception, match="cleanwire db upgrade"):
            found(reader, "wallaby")
    finally:
        reader.dispose()
    assert upgrade(db_url) == head_revision()
    engine = open_engine(db_url, read_only=True)
    try:
        assert found(engine, "wallaby") == ["https://site.example/w"]
        assert ARTICLE_VIEW in inspect(engine).get_view_names()
    finally:
        engine.dispose()
