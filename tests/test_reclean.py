"""`cleanwire reclean` and provenance: stored captures cleaned again, only changed articles
updated (a version with the reason "reclean"), idempotent, resumable after a kill, on SQLite
and PostgreSQL; where the cleaner read each field, stored and queryable."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error, cleanwire, cleanwire_process, rows
from pg_helpers import pg_admin_url, scratch_database
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from cleaners import CLEANER_VERSION, CleanOptions, clean_page
from cleaners.minhash import text_signature
from cleaners.model import FIELD_SOURCES
from crawler.cli import main
from storage.captures import CaptureRecord, record_captures
from storage.contract import CaptureSource, FieldSource, VersionReason
from storage.engine import open_engine
from storage.models import Article, ArticleMinHash, ArticleVersion, CrawlRun
from storage.repository import FetchRecord, PageRecord, Repository
from storage.versions import history

NOTE = "fishermen"  # a word only the .xnote blocks hold
SITES = '[sites.news]\nstart_urls = ["https://news.example/"]\nnoise_selectors = [".xnote"]\n'


def story(n: int, note: bool, jsonld: bool = True, day: int = 5) -> bytes:
    """A news story; with note, a block (class xnote) that a noise selector drops."""
    ld = ('<script type="application/ld+json">{"@context":"https://schema.org",'
          f'"@type":"NewsArticle","headline":"Story number {n} about the harbour",'
          f'"datePublished":"2026-03-0{day}T10:00:00Z",'
          '"author":{"@type":"Person","name":"Jane Doe"}}</script>') if jsonld else ""
    paras = [f"<p>Paragraph {i} of story {n}: the harbour board met on Tuesday and agreed "
             "that the old pier, closed since the storm, will be rebuilt with money from the "
             "regional fund over the next two years.</p>" for i in range(6)]
    if note:
        paras.insert(3, f'<div class="xnote"><p>Our reporters visited the pier {n} times this '
                     f"winter and spoke with the {NOTE} who still moor their boats beside it "
                     "every night.</p></div>")
    return (f"<html lang=en><head><title>Story number {n} about the harbour - Example News"
            f"</title>{ld}</head><body><nav><a href='/'>Home</a></nav><article><h1>Story "
            f"number {n} about the harbour</h1>{''.join(paras)}</article><footer>Contact us"
            "</footer></body></html>").encode()


def url_of(n: int, day: int = 5) -> str:
    return f"https://news.example/2026/03/0{day}/story-{n}"


def write_warc(path: Path, pages: list[tuple[str, bytes]]) -> list[CaptureRecord]:
    """One gzip-compressed WARC response record per page, as a crawl's capture writer would."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    records = []
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                               http_headers=headers)
            start = handle.tell()
            writer.write_record(record)
            records.append(CaptureRecord(
                url=url, warc_path=str(path.resolve()), offset=start,
                length=handle.tell() - start, fetched_at=datetime(2026, 3, 5, tzinfo=UTC),
                source=CaptureSource.CRAWL, status=200, content_type="text/html"))
    return records


def build_store(db_url: str, folder: Path, count: int) -> dict[str, int]:
    """count stories (every third with a note) and a copy of story 0 without its note,
    cleaned as a crawl without the site's noise selector did, each pointing at its
    capture. Returns url -> article id."""
    pages = [(url_of(n), story(n, note=n % 3 == 0)) for n in range(count)]
    pages.append(("https://news.example/2026/03/05/story-0-copy", story(0, note=False)))
    captures = write_warc(folder / "captures.warc.gz", pages)
    engine = open_engine(db_url)
    try:
        repository = Repository(engine)
        run_id = repository.start_run("crawl", {})
        repository.store(run_id, [PageRecord(
            page=clean_page(body, url, CleanOptions(listing_text=False)),
            fetch=FetchRecord(url=url, status=200), site_name="news", site_host="news.example")
            for url, body in pages])
        with Session(engine) as session, session.begin():
            for record, capture_id in zip(captures, record_captures(session, captures),
                                          strict=True):
                session.execute(update(Article).where(Article.url == record.url)
                                .values(capture_id=capture_id))
        with Session(engine) as session:
            return dict(session.execute(select(Article.url, Article.id)).all())
    finally:
        engine.dispose()


def reclean_in_process(db_url: str, sites: Path, capsys: pytest.CaptureFixture[str],
                       *extra: str) -> tuple[int, str, dict]:
    code = main(["reclean", "--db", db_url, "--sites", str(sites), "--workers", "2", *extra])
    out = capsys.readouterr().out
    engine = open_engine(db_url)
    try:
        with engine.connect() as connection:
            counts = connection.execute(select(CrawlRun.counts).where(
                CrawlRun.command == "reclean").order_by(CrawlRun.id.desc())).scalars().first()
    finally:
        engine.dispose()
    return code, out, counts


@pytest.fixture
def sites(tmp_path: Path) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(SITES)
    return path


# --- provenance -------------------------------------------------------------------------

def test_every_cleaner_source_is_a_stored_field_source():
    assert set(FIELD_SOURCES) <= {str(source) for source in FieldSource}


def test_date_from_json_ld_and_date_from_the_url_are_told_apart(tmp_path: Path):
    with_ld = clean_page(story(1, note=False), url_of(1))
    url_only = clean_page(story(2, note=False, jsonld=False), url_of(2, day=4))
    assert (with_ld.published[:10], with_ld.date_source) == ("2026-03-05", "json-ld")
    assert (url_only.published[:10], url_only.date_source) == ("2026-03-04", "url")
    assert (with_ld.author_source, with_ld.authors) == ("json-ld", ["Jane Doe"])
    assert (url_only.author_source, url_only.authors) == (None, [])
    assert with_ld.title_source == url_only.title_source == "heading"
    engine = open_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        Repository(engine).store(None, [
            PageRecord(page=page, fetch=FetchRecord(url=page.url), site_name="news",
                       site_host="news.example") for page in (with_ld, url_only)])
    finally:
        engine.dispose()
    found = rows(tmp_path / "db.sqlite", "SELECT url, cleaner_version, title_source, "
                 "author_source FROM articles WHERE date_source = 'url'")
    assert found == [(url_of(2, day=4), CLEANER_VERSION, "heading", None)]


# --- reclean ----------------------------------------------------------------------------

def test_reclean_changes_exactly_the_affected_articles_once(tmp_path: Path, sites: Path,
                                                            capsys: pytest.CaptureFixture[str]):
    db = tmp_path / "db.sqlite"
    ids = build_store(f"sqlite:///{db}", tmp_path, 9)
    noted = {url_of(n) for n in (0, 3, 6)}
    # a capture whose file is gone and one whose offset lands mid-record: counted, not fatal
    lost = write_warc(tmp_path / "lost.warc.gz", [(url_of(1), story(1, note=False))])[0]
    (tmp_path / "lost.warc.gz").unlink()
    with sqlite3.connect(db) as conn:
        before_fts = {r[0] for r in conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", (NOTE,))}
        conn.execute("INSERT INTO captures (url, warc_path, \"offset\", length, fetched_at, "
                     "source) VALUES (?, ?, 0, ?, '2026-03-05 00:00:00', 'crawl')",
                     (lost.url, lost.warc_path, lost.length))
        conn.execute("UPDATE articles SET capture_id = last_insert_rowid() WHERE url = ?",
                     (url_of(1),))
        conn.execute("UPDATE captures SET \"offset\" = \"offset\" + 7 WHERE url = ?",
                     (url_of(2),))
    assert before_fts == {ids[u] for u in noted}

    code, out, counts = reclean_in_process(f"sqlite:///{db}", sites, capsys)
    assert code == 0
    assert (counts["read"], counts["changed"], counts["unchanged"], counts["failed"]) == (
        10, 3, 5, 2), counts
    assert counts["by_field"] == {"text": 3}
    assert counts["failures_by_reason"] == {"capture: unreadable": 2}
    assert "10 pages read, 3 changed, 5 unchanged" in out and "text 3" in out
    versions = rows(db, "SELECT a.url, v.version, v.reason, v.cleaner_version, "
                    "instr(v.text, ?) > 0 FROM article_versions v "
                    "JOIN articles a ON a.id = v.article_id", NOTE)
    assert sorted(versions) == sorted((u, 1, "reclean", CLEANER_VERSION, 1) for u in noted)
    current = dict(rows(db, "SELECT url, version FROM articles"))
    assert {u for u, v in current.items() if v == 2} == noted
    # the search index and the duplicates follow the new texts
    assert rows(db, "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", NOTE) == []
    copy = ids["https://news.example/2026/03/05/story-0-copy"]
    assert rows(db, "SELECT duplicate_of FROM articles WHERE id = ?", copy) == [(ids[url_of(0)],)]
    engine = open_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as connection:
            for url in noted:
                body = connection.scalar(select(Article.text).where(Article.url == url))
                assert NOTE not in body
                stored = connection.scalar(select(ArticleMinHash.signature).where(
                    ArticleMinHash.article_id == ids[url]))
                assert stored == text_signature(body)
        assert [v.reason for v in history(engine, url_of(0))] == [VersionReason.RECLEAN, None]
    finally:
        engine.dispose()

    code, out, again = reclean_in_process(f"sqlite:///{db}", sites, capsys)
    assert (code, again["read"], again["changed"], again["failed"]) == (0, 10, 0, 2), again
    assert rows(db, "SELECT count(*) FROM article_versions") == [(3,)]
    assert rows(db, "SELECT count(*), sum(outcome = 'ok') FROM crawl_runs "
                "WHERE command = 'reclean'") == [(2, 2)]


def test_only_changed_cleaner_reads_only_articles_of_another_cleaner(
        tmp_path: Path, sites: Path, capsys: pytest.CaptureFixture[str]):
    db = tmp_path / "db.sqlite"
    build_store(f"sqlite:///{db}", tmp_path, 6)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET cleaner_version = 'old' WHERE url IN (?, ?)",
                     (url_of(0), url_of(1)))
    code, _out, counts = reclean_in_process(f"sqlite:///{db}", sites, capsys,
                                            "--only-changed-cleaner")
    assert (code, counts["read"], counts["changed"], counts["unchanged"]) == (0, 2, 1, 1)
    assert counts["provenance_only"] == 1
    assert rows(db, "SELECT count(*) FROM articles WHERE cleaner_version = ?",
                CLEANER_VERSION) == [(7,)]
    assert rows(db, "SELECT cleaner_version FROM article_versions") == [("old",)]
    code, _out, again = reclean_in_process(f"sqlite:///{db}", sites, capsys,
                                           "--only-changed-cleaner")
    assert (code, again["read"], again["changed"]) == (0, 0, 0)


@pytest.mark.slow
def test_a_killed_reclean_is_taken_up_without_doubling_a_version(tmp_path: Path, sites: Path):
    db = tmp_path / "db.sqlite"
    build_store(f"sqlite:///{db}", tmp_path, 45)
    noted, total = 15, 46
    args = ("reclean", "--db", f"sqlite:///{db}", "--sites", str(sites), "--batch", "1",
            "--workers", "1")
    proc = cleanwire_process(*args)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        found = rows(db, "SELECT counts FROM crawl_runs WHERE command = 'reclean'")
        done = json.loads(found[0][0]).get("last_article_id", 0) if found else 0
        if done >= 4:
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, "the reclean ended before it could be killed"
    (run_id, outcome), = rows(db, "SELECT id, outcome FROM crawl_runs WHERE command = 'reclean'")
    assert outcome == "running"
    assert 4 <= done < total

    resumed = cleanwire(*args)
    assert resumed.returncode == 0, resumed.stderr
    assert f"taking up run {run_id}" in resumed.stderr
    assert rows(db, "SELECT id, outcome FROM crawl_runs WHERE command = 'reclean'") == [
        (run_id, "ok")]
    counts = json.loads(rows(db, "SELECT counts FROM crawl_runs WHERE id = ?", run_id)[0][0])
    assert (counts["read"], counts["changed"], counts["resumed"]) == (total, noted, 1), counts
    assert rows(db, "SELECT count(*), count(DISTINCT article_id), max(version) "
                "FROM article_versions") == [(noted, noted, 1)]
    assert rows(db, "SELECT version, count(*) FROM articles GROUP BY version") == [
        (1, total - noted), (2, noted)]


def test_reclean_on_postgresql(tmp_path: Path, sites: Path, capsys: pytest.CaptureFixture[str]):
    with scratch_database(pg_admin_url()) as url:
        build_store(url, tmp_path, 6)
        code, _out, counts = reclean_in_process(url, sites, capsys)
        assert (code, counts["read"], counts["changed"], counts["unchanged"]) == (0, 7, 2, 5)
        code, _out, again = reclean_in_process(url, sites, capsys)
        assert (code, again["changed"], again["unchanged"]) == (0, 0, 7)
        engine = open_engine(url)
        try:
            with engine.connect() as connection:
                reasons = connection.execute(select(ArticleVersion.reason)).scalars().all()
                found = connection.execute(text(
                    "SELECT count(*) FROM articles WHERE search_vector @@ "
                    "plainto_tsquery('simple', :word)"), {"word": NOTE}).scalar()
        finally:
            engine.dispose()
        assert reasons == ["reclean", "reclean"]
        assert found == 0


def test_bad_dates_are_one_line_usage_errors(tmp_path: Path):
    proc = cleanwire("reclean", "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "--since",
                     "yesterday")
    assert_one_line_error(proc, 2, "invalid date 'yesterday'")


def test_site_and_capture_dates_choose_the_articles(tmp_path: Path, sites: Path,
                                                    capsys: pytest.CaptureFixture[str]):
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    build_store(db, tmp_path, 3)  # captured on 2026-03-05
    for extra, read in ((("--site", "elsewhere"), 0), (("--since", "2026-03-06"), 0),
                        (("--until", "2026-03-04"), 0), (("--site", "news.example", "--since",
                                                          "2026-03-05", "--until",
                                                          "2026-03-05"), 4)):
        code, _out, counts = reclean_in_process(db, sites, capsys, *extra)
        assert (code, counts["read"]) == (0, read), extra
