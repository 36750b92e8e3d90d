"""UTF-8 JSON columns: new rows are written without \\u escapes, revision 0007 rewrites old
ones, and `LIKE` on names works the same on SQLite and PostgreSQL (skipped when absent).

A real database is taken to revision 0006, rows are written there the old way (ASCII-escaped
JSON, as json.dumps wrote them before), then upgraded: LIKE finds the Cyrillic names.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, text

from cleaners.model import CleanPage
from storage.engine import head_revision, migrate, open_engine
from storage.repository import FetchRecord, PageRecord, Repository, RunCounts

T0 = datetime(2026, 1, 1, tzinfo=UTC)
NAME = "Лида Иванова"
#: the query an analyst writes in `cleanwire sql`, a script or Datasette; works on both dialects
LIKE_AUTHOR = "SELECT url FROM articles WHERE CAST(authors AS TEXT) LIKE :pattern ORDER BY url"


def escaped(value: object) -> str:
    return json.dumps(value)  # ensure_ascii=True: what rows before 0007 hold on SQLite


def like(engine: Engine, pattern: str, sql: str = LIKE_AUTHOR) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), {"pattern": pattern}).scalars())


def json_literal(engine: Engine, name: str) -> str:
    return f"CAST(:{name} AS JSONB)" if engine.dialect.name == "postgresql" else f":{name}"


def test_rows_written_before_0007_are_rewritten(db_url: str) -> None:
    engine = open_engine(db_url, migrate=False)
    try:
        migrate(engine, "0006")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO sites (name, host) VALUES ('site', 'site.example')"))
            for i, authors in enumerate(([NAME], ["Ann"], [NAME, "Петр"])):
                conn.execute(text(
                    "INSERT INTO articles (url, site_id, title, authors, tags, text, word_count, "
                    f"content_hash, first_seen_at, last_fetched_at) VALUES (:u, 1, 'T', "
                    f"{json_literal(engine, 'a')}, {json_literal(engine, 't')}, 'words', 1, "
                    ":h, :at, :at)"),
                    {"u": f"https://site.example/{i}", "a": escaped(authors),
                     "t": escaped(["новости"]), "h": f"h{i}", "at": T0})
            conn.execute(text(
                "INSERT INTO crawl_runs (command, arguments, started_at, outcome, counts, "
                "pages_fetched, articles_new, articles_updated, articles_unchanged, "
                f"non_articles, skipped, failed) VALUES ('crawl', {json_literal(engine, 'a')}, "
                f":at, 'ok', {json_literal(engine, 'c')}, 0, 0, 0, 0, 0, 0, 0)"),
                {"a": escaped({"targets": ["https://сайт.example/"]}),
                 "c": escaped({"сбой": 1}), "at": T0})
        if engine.dialect.name == "sqlite":  # the escapes are really there before
            assert like(engine, "%Лида%") == []
        assert migrate(engine) == head_revision()
        assert like(engine, "%Лида%") == ["https://site.example/0", "https://site.example/2"]
        assert like(engine, "%новости%",
                    "SELECT url FROM articles WHERE CAST(tags AS TEXT) LIKE :pattern") != []
        assert like(engine, "%сайт%", "SELECT command FROM crawl_runs "
                    "WHERE CAST(arguments AS TEXT) LIKE :pattern") == ["crawl"]
        with engine.connect() as conn:  # the values themselves are unchanged
            authors = conn.execute(text("SELECT authors FROM articles ORDER BY id")).scalars()
            assert [json.loads(a) if isinstance(a, str) else a for a in authors] == [
                [NAME], ["Ann"], [NAME, "Петр"]]
    finally:
        engine.dispose()


def page(url: str, authors: list[str]) -> PageRecord:
    clean = CleanPage(
        url=url, canonical_url=None, page_type="article", title="Заголовок", authors=authors,
        published=T0, modified=None, language="ru", section=None, tags=["мир"],
        description=None, image=None, sitename=None, text=f"слова {url}", word_count=2,
        content_hash=url)
    return PageRecord(clean, FetchRecord(url, 200, fetched_at=T0), "site", "site.example")


def test_new_rows_are_utf8_json(db_url: str) -> None:
    engine = open_engine(db_url)
    try:
        repo = Repository(engine)
        run = repo.start_run("crawl", {"targets": ["https://сайт.example/"]}, "site",
                             "site.example")
        repo.store(run, [page("https://site.example/a", [NAME]),
                         page("https://site.example/b", ["Ann"])])
        repo.finish_run(run, "ok", RunCounts())
        assert like(engine, "%Лида%") == ["https://site.example/a"]
        assert like(engine, "%сайт%", "SELECT command FROM crawl_runs "
                    "WHERE CAST(arguments AS TEXT) LIKE :pattern") == ["crawl"]
    finally:
        engine.dispose()


def test_sqlite_file_holds_the_characters(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    engine = open_engine(f"sqlite:///{db}")
    try:
        Repository(engine).store(None, [page("https://site.example/a", [NAME])])
    finally:
        engine.dispose()
    with sqlite3.connect(db) as conn:  # what Datasette and the sqlite3 shell show
        assert conn.execute("SELECT authors, tags FROM articles").fetchone() == (
            f'["{NAME}"]', '["мир"]')
        assert conn.execute("SELECT count(*) FROM articles WHERE authors LIKE '%Лида%'"
                            ).fetchone() == (1,)
