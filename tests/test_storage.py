"""Storage tests: engines, the batch repository and its transactions.

Core tests run on a real SQLite file and, when reachable, on PostgreSQL at
127.0.0.1:5432 (a fresh database per test, dropped afterwards).
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from cleaners.model import CleanPage
from storage.engine import open_engine, redact_url, resolve_database_url
from storage.errors import DatabaseError, RunNotFoundError, WriteError
from storage.models import Article, CrawlRun, Fetch, Site
from storage.repository import (
    FetchRecord,
    PageRecord,
    Repository,
    RunCounts,
    parse_timestamp,
)

T0 = datetime(2026, 11, 23, 12, 0, 0, 123456, tzinfo=UTC)


# --- fixtures ---------------------------------------------------------------




def make_page(
    url: str = "https://news.example/a", text: str = "Some words here", **kw
) -> CleanPage:
    values = {
        "url": url,
        "canonical_url": url,
        "page_type": "article",
        "title": "A title",
        "authors": ["Ann Author"],
        "published": "2026-11-20T10:00:00+02:00",
        "modified": None,
        "language": "en",
        "section": "World",
        "tags": ["a", "b"],
        "description": "desc",
        "image": None,
        "sitename": "Example News",
        "text": text,
        "word_count": len(text.split()),
        "content_hash": f"hash-{text}",
    }
    values.update(kw)
    return CleanPage(**values)


def make_record(page: CleanPage, at: datetime = T0, **fetch_kw) -> PageRecord:
    fetch = FetchRecord(page.url, 200, None, None, "text/html", 1234, 56.0, at, **fetch_kw)
    return PageRecord(page, fetch, "example", "news.example", etag='"e1"', last_modified=None)


def count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


# --- URLs and engines -------------------------------------------------------


def test_resolve_database_url() -> None:
    assert resolve_database_url("sqlite:///x.db", {}) == "sqlite:///x.db"
    env = {"CLEANWIRE_DATABASE_URL": "postgresql+psycopg://u@h/db"}
    assert resolve_database_url(None, env) == "postgresql+psycopg://u@h/db"
    assert resolve_database_url("other.db", env) == "sqlite:///other.db"
    assert resolve_database_url(None, {}) == "sqlite:///cleanwire.db"
    assert resolve_database_url("/tmp/x/y.db", {}) == "sqlite:////tmp/x/y.db"
    assert resolve_database_url("~/y.db", {}) == f"sqlite:///{Path.home()}/y.db"


def test_redact_url() -> None:
    assert redact_url("postgresql+psycopg://bob:s3cr%40t@db:5432/news") == (
        "postgresql+psycopg://bob:***@db:5432/news"
    )
    assert redact_url("postgresql://bob@db/news") == "postgresql://bob@db/news"
    assert redact_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_pragmas_and_parent_directory(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "c.db"
    engine = open_engine(f"sqlite:///{path}")
    try:
        assert path.is_file()
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    finally:
        engine.dispose()


def test_not_a_database_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is plain text, not SQLite\n" * 100)
    with pytest.raises(DatabaseError) as info:
        open_engine(resolve_database_url(str(path), {}))
    message = str(info.value)
    assert "\n" not in message and "not a database" in message
    with pytest.raises(DatabaseError):
        open_engine(f"sqlite:///{path}", read_only=True)


@pytest.mark.parametrize(
    "url",
    [
        "nonsense",
        "nosuchdialect://x/y",
        "mysql://u:hunter2@127.0.0.1/db",
        "postgresql+psycopg://u:hunter2@127.0.0.1:1/nodb",
        "sqlite://user:hunter2@host/x.db",
    ],
)
def test_bad_urls_raise_database_error(url: str) -> None:
    with pytest.raises(DatabaseError) as info:
        open_engine(url)
    message = str(info.value)
    assert "\n" not in message
    assert "hunter2" not in message


def test_read_only_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="not found"):
        open_engine(f"sqlite:///{tmp_path}/missing.db", read_only=True)
    assert not (tmp_path / "missing.db").exists()


def test_read_only_engine_refuses_writes(db_url: str) -> None:
    writer = open_engine(db_url)
    Repository(writer).store(None, [make_record(make_page())])
    writer.dispose()
    reader = open_engine(db_url, read_only=True)
    try:
        repo = Repository(reader)
        assert repo.count_articles() == 1
        assert repo.get_article("https://news.example/a") is not None
        with pytest.raises(WriteError):
            repo.start_run("crawl", {})
        with pytest.raises(WriteError):
            repo.store(None, [make_record(make_page("https://news.example/b"))])
        with reader.connect() as conn, pytest.raises(DBAPIError, match=r"(?i)read.?only"):
            conn.execute(text("DELETE FROM articles"))
        assert repo.count_articles() == 1
    finally:
        reader.dispose()


# --- repository -------------------------------------------------------------


def test_new_then_unchanged(repo: Repository, engine: Engine) -> None:
    page = make_page()
    assert repo.store(None, [make_record(page, T0)]) == ["new"]
    first = repo.get_article(page.url)
    assert first is not None
    assert first.last_fetched_at == T0 and first.first_seen_at == T0
    assert first.published_at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert first.authors == ["Ann Author"] and first.tags == ["a", "b"]
    assert first.http_etag == '"e1"'

    later = T0 + timedelta(hours=1)
    assert repo.store(None, [make_record(page, later)]) == ["unchanged"]
    again = repo.get_article(page.url)
    assert again is not None
    assert again.id == first.id
    assert again.last_fetched_at == later
    assert again.first_seen_at == T0
    assert count(engine, Article) == 1
    assert count(engine, Fetch) == 2
    assert count(engine, Site) == 1


def test_changed_text_or_title_is_updated(repo: Repository) -> None:
    page = make_page(text="old words")
    repo.store(None, [make_record(page, T0)])
    changed = make_page(text="new words entirely")
    assert repo.store(None, [make_record(changed, T0 + timedelta(hours=1))]) == ["updated"]
    article = repo.get_article(page.url)
    assert article is not None
    assert article.text == "new words entirely"
    assert article.word_count == 3
    assert article.first_seen_at == T0
    assert article.last_fetched_at == T0 + timedelta(hours=1)
    retitled = make_page(text="new words entirely", title="Another title")
    assert repo.store(None, [make_record(retitled, T0 + timedelta(hours=2))]) == ["updated"]


def test_fetch_rows_written_with_outcomes(repo: Repository) -> None:
    run_id = repo.start_run("crawl", {"site": "example"}, "example", "news.example")
    failures = [
        FetchRecord("https://news.example/404", 404, "http 404", "failed", fetched_at=T0),
        FetchRecord("https://news.example/slow", None, "timeout", "failed", fetched_at=T0),
        FetchRecord("https://news.example/", 200, None, "listing", "text/html", 900, 3.5, T0),
    ]
    assert repo.store(run_id, [make_record(make_page(), T0)], failures) == ["new"]
    fetches = repo.recent_fetches(run_id)
    assert [(f.url, f.status, f.error, f.outcome) for f in fetches] == [
        ("https://news.example/a", 200, None, "new"),
        ("https://news.example/404", 404, "http 404", "failed"),
        ("https://news.example/slow", None, "timeout", "failed"),
        ("https://news.example/", 200, None, "listing"),
    ]
    assert fetches[0].fetched_at == T0 and fetches[0].bytes == 1234
    assert [f.url for f in repo.recent_fetches(run_id, limit=1)] == ["https://news.example/"]
    article = repo.get_article("https://news.example/a")
    assert article is not None and article.crawl_run_id == run_id


def test_run_start_and_finish(repo: Repository) -> None:
    run_id = repo.start_run("crawl", {"site": "example", "max_pages": 10}, "example", "ex.org")
    run = repo.get_run(run_id)
    assert run is not None
    assert run.outcome == "running" and run.finished_at is None and run.site_id is not None
    assert run.arguments == {"site": "example", "max_pages": 10}
    counts = RunCounts()
    for outcome, reason in [
        ("new", None),
        ("new", None),
        ("updated", None),
        ("unchanged", None),
        ("listing", None),
        ("skipped", "robots"),
        ("failed", "timeout"),
        ("failed", "timeout"),
        ("failed", "http 404"),
    ]:
        counts.add(outcome, reason)
    counts.extra["bytes_total"] = 12345
    repo.finish_run(run_id, "ok", counts)
    run = repo.get_run(run_id)
    assert run is not None
    assert run.outcome == "ok" and run.finished_at is not None
    assert run.finished_at >= run.started_at
    assert (run.pages_fetched, run.articles_new, run.articles_updated) == (8, 2, 1)
    assert (run.articles_unchanged, run.non_articles, run.skipped, run.failed) == (1, 1, 1, 3)
    assert run.counts == {"failures_by_reason": {"failed: timeout": 2, "failed: http 404": 1,
                                                "skipped: robots": 1},
                          "bytes_total": 12345}
    with pytest.raises(RunNotFoundError):
        repo.finish_run(run_id + 1000, "ok", RunCounts())


def test_run_arguments_never_hold_a_password(repo: Repository) -> None:
    run_id = repo.start_run(
        "crawl",
        {
            "db": "postgresql+psycopg://bob:hunter2@db.example:5432/news",
            "nested": {"urls": ["postgresql://x:hunter2@h/d"], "dsn": "host=h password=hunter2"},
            "db_password": "hunter2",
            "path": Path("/tmp/out"),
        },
    )
    run = repo.get_run(run_id)
    assert run is not None
    assert "hunter2" not in repr(run.arguments)
    assert run.arguments["db"] == "postgresql+psycopg://bob:***@db.example:5432/news"
    assert run.arguments["path"] == "/tmp/out"


def test_same_batch_twice_is_idempotent(repo: Repository, engine: Engine) -> None:
    pages = [make_record(make_page(f"https://news.example/{i}", f"text {i}")) for i in range(5)]
    extra = [FetchRecord("https://news.example/x", 500, "http 500", "failed", fetched_at=T0)]
    assert repo.store(None, pages, extra) == ["new"] * 5
    assert repo.store(None, pages, extra) == ["unchanged"] * 5
    assert count(engine, Article) == 5
    assert count(engine, Fetch) == 6
    assert count(engine, Site) == 1


def test_duplicate_url_within_one_batch(repo: Repository, engine: Engine) -> None:
    first = make_record(make_page(text="one"), T0)
    second = make_record(make_page(text="two"), T0 + timedelta(minutes=5))
    assert repo.store(None, [first, second]) == ["new", "updated"]
    article = repo.get_article(first.page.url)
    assert article is not None
    assert article.text == "two" and article.first_seen_at == T0
    assert count(engine, Article) == 1 and count(engine, Fetch) == 2


def test_late_batch_does_not_overwrite_newer_copy(repo: Repository) -> None:
    repo.store(None, [make_record(make_page(text="newer"), T0)])
    assert repo.store(None, [make_record(make_page(text="older"), T0 - timedelta(days=1))]) == [
        "unchanged"
    ]
    article = repo.get_article("https://news.example/a")
    assert article is not None and article.text == "newer" and article.last_fetched_at == T0


def test_awkward_values_are_stored(repo: Repository) -> None:
    page = make_page(
        title="Nul\x00title",
        text="text with \x00 nul",
        section="s" * 500,
        language="x" * 40,
        image="https://img.example/" + "i" * 3000,
        published="yesterday-ish",
        modified="2026-11-21",
        tags=["t\x00ag"],
    )
    assert repo.store(None, [make_record(page)]) == ["new"]
    article = repo.get_article(page.url)
    assert article is not None
    assert article.title == "Nultitle" and article.text == "text with  nul"
    assert article.section == "s" * 300 and article.language == "x" * 16
    assert article.image_url is None
    assert article.published_at is None
    assert article.modified_at == datetime(2026, 11, 21, tzinfo=UTC)
    assert article.tags == ["tag"]
    long_url = "https://news.example/" + "p" * 3000
    assert repo.store(None, [make_record(make_page(long_url))]) == ["skipped"]
    assert repo.get_article(long_url) is None


def test_failed_batch_leaves_nothing_half_written(repo: Repository, engine: Engine) -> None:
    run_id = repo.start_run("crawl", {})
    pages = [make_record(make_page(f"https://news.example/{i}", f"t{i}")) for i in range(3)]
    bad_fetch = FetchRecord("https://news.example/bad", 500, "http 500", "failed")
    bad_fetch.fetched_at = None  # type: ignore[assignment]  # NOT NULL violation at the end
    with pytest.raises(WriteError) as info:
        repo.store(run_id, pages, [bad_fetch])
    assert "\n" not in str(info.value)
    assert count(engine, Article) == 0
    assert count(engine, Fetch) == 0
    assert count(engine, Site) == 0
    # the site created (then rolled back) in the failed batch is not cached: next batch works
    assert repo.store(run_id, pages) == ["new"] * 3
    assert count(engine, Site) == 1


def test_crash_mid_batch_rolls_back(
    repo: Repository, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.store(None, [make_record(make_page(text="kept"))])

    def boom(*_args: object) -> None:
        raise RuntimeError("crash after the articles were written")

    monkeypatch.setattr(repo, "_insert_fetches", boom)
    changed = [
        make_record(make_page(text="changed"), T0 + timedelta(hours=1)),
        make_record(make_page("https://news.example/other"), T0 + timedelta(hours=1)),
    ]
    with pytest.raises(RuntimeError):
        repo.store(None, changed)
    article = repo.get_article("https://news.example/a")
    assert article is not None and article.text == "kept"
    assert count(engine, Article) == 1 and count(engine, Fetch) == 1


def test_concurrent_writers_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/shared.db"
    open_engine(url).dispose()
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        engine = open_engine(url)
        try:
            repo = Repository(engine)
            for batch in range(10):
                pages = [
                    make_record(make_page(f"https://news.example/{worker}/{batch}/{i}", f"t{i}"))
                    for i in range(10)
                ]
                repo.store(None, pages)
        except BaseException as exc:  # collected for the main thread
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with sqlite3.connect(tmp_path / "shared.db") as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (400,)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-20T10:00:00+02:00", datetime(2026, 11, 20, 8, tzinfo=UTC)),
        ("2026-11-20T10:00:00Z", datetime(2026, 11, 20, 10, tzinfo=UTC)),
        ("2026-11-20T10:00:00z", datetime(2026, 11, 20, 10, tzinfo=UTC)),
        ("2026-11-20 10:00", datetime(2026, 11, 20, 10, tzinfo=UTC)),
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=UTC)),
        (" 2026-11-20T10:00:00-0500 ", datetime(2026, 11, 20, 15, tzinfo=UTC)),
        ("20 Nov 2026", None),
        ("2026-13-40", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_timestamp(value: str | None, expected: datetime | None) -> None:
    assert parse_timestamp(value) == expected


def test_run_with_unknown_site_host(repo: Repository) -> None:
    run_id = repo.start_run("clean", {}, site_name="solo")
    run = repo.get_run(run_id)
    assert run is not None and run.site_id is not None
    assert repo.get_run(run_id + 999) is None
    assert isinstance(repo.get_run(run_id), CrawlRun)


# --- a run's counters, written with each batch ---------------------------------------------


def _run_row(engine: Engine, run_id: int) -> tuple[object, ...]:
    table = CrawlRun.__table__
    with engine.connect() as conn:
        return tuple(conn.execute(
            select(table.c.pages_fetched, table.c.articles_new, table.c.non_articles,
                   table.c.failed, table.c.counts, table.c.outcome)
            .where(table.c.id == run_id)).one())


def test_each_batch_writes_the_runs_counters_in_its_transaction(
        repo: Repository, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    run_id = repo.start_run("crawl", {}, "example", "news.example")
    totals = RunCounts(extra={"known_skipped": 2})
    fetches = [FetchRecord("https://news.example/x", 404, "http 404", "failed", fetched_at=T0),
               FetchRecord("https://news.example/l", 200, None, "listing", fetched_at=T0)]
    assert repo.store(run_id, [make_record(make_page())], fetches, counts=totals) == ["new"]
    assert (totals.pages_fetched, totals.articles_new, totals.failed) == (3, 1, 1)
    assert _run_row(engine, run_id) == (3, 1, 1, 1, {"known_skipped": 2, "failures_by_reason": {
        "failed: http 404": 1}}, "running")

    second = [make_record(make_page("https://news.example/b"), T0 + timedelta(seconds=1))]
    repo.store(run_id, second, [], counts=totals)
    assert _run_row(engine, run_id)[:2] == (4, 2)

    def boom(*_args: object) -> None:
        raise RuntimeError("crash in the batch")

    monkeypatch.setattr(repo, "_insert_fetches", boom)
    third = [make_record(make_page("https://news.example/c"), T0 + timedelta(seconds=2))]
    with pytest.raises(RuntimeError):
        repo.store(run_id, third, [], counts=totals)
    # rolled back: neither the row nor the counters moved, in the database or in memory
    assert _run_row(engine, run_id)[:2] == (4, 2) and totals.pages_fetched == 4
    assert count(engine, Fetch) == 4
