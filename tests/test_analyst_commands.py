"""The analysts' commands end to end on SQLite: search, export, sql, stats, docs/schema.md.

One real crawl of the local fixture site per module fills the database. Commands run
through crawler.cli.main in this process (`cli`), the same path as the console script
minus the start-up; a few run as `python -m crawler.cli` subprocesses (`cleanwire`).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import ROOT, TEST_ENV, Ran, assert_one_line_error, cleanwire, cli, rows
from fixture_site import ArticleSpec, FixtureServer, FixtureSite

pytestmark = pytest.mark.slow

HOSTILE = [
    "'); DROP TABLE articles; --",
    '"; DELETE FROM articles; --',
    "x' OR '1'='1",
    "articles_fts MATCH '*'",
    "\x00",
    "%' UNION SELECT sql FROM sqlite_master --",
]


class Crawled:
    """The crawled database and what the fixture site says is in it."""

    def __init__(self, db: Path, site: FixtureSite, base_url: str) -> None:
        self.db, self.site, self.base_url = db, site, base_url

    def article(self, key: str) -> ArticleSpec:
        return self.site.by_key(key)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    db = tmp_path_factory.mktemp("analyst") / "news.db"
    with FixtureServer(slow_seconds=1) as server:
        proc = cleanwire("crawl", server.url("/"), "--db", str(db), "--timeout", "2",
                         "--max-page-bytes", "1000000")
        assert proc.returncode == 0, proc.stderr
        return Crawled(db, server.site, server.base_url)


def fingerprint(db: Path) -> dict[str, str]:
    """sha256 of every file of the database (main file, -wal, -shm excluded: readers map it)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(db.parent.iterdir())
        if p.name.startswith(db.name) and not p.name.endswith("-shm")
    }


def run_json(*args: str) -> Any:
    proc = cli(*args, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def search(crawled: Crawled, query: str, *args: str) -> list[dict[str, Any]]:
    return run_json("search", query, "--db", str(crawled.db), *args)


def phrase(text: str) -> str:
    """An FTS5 / websearch phrase for text (double quotes doubled)."""
    return '"' + text.replace('"', '""') + '"'


# --- search -----------------------------------------------------------------------------


def test_search_finds_each_article_by_its_first_sentence(crawled: Crawled) -> None:
    for article in crawled.site.articles:
        hits = search(crawled, phrase(article.first_sentence), "--limit", "3")
        assert hits, article.key
        assert hits[0]["url"] == article.url(crawled.base_url), article.key
        assert hits[0]["title"] == article.title
        assert hits[0]["language"] == article.language
        assert hits[0]["published_at"] == article.published_at.astimezone(UTC).isoformat()
        assert "[" in hits[0]["snippet"] and "]" in hits[0]["snippet"]


def test_search_snippet_highlights_the_match(crawled: Crawled) -> None:
    article = crawled.site.articles[0]
    word = max(re.findall(r"[A-Za-z]{6,}", article.first_sentence), key=len)
    hits = search(crawled, word)
    assert f"[{word}]".lower() in hits[0]["snippet"].lower()
    assert "\n" not in hits[0]["snippet"]


def _title_word(site: FixtureSite) -> tuple[str, ArticleSpec]:
    """A word in exactly one title that also occurs in the text of other articles."""
    def words(text: str) -> set[str]:
        return {w.lower() for w in re.findall(r"[A-Za-z]{5,}", text)}

    for article in site.articles:
        for word in sorted(words(article.title)):
            in_titles = [a for a in site.articles if word in words(a.title)]
            in_texts = [a for a in site.articles if a is not article and word in words(a.text)]
            if len(in_titles) == 1 and len(in_texts) >= 2:
                return word, article
    pytest.skip("the corpus has no word in one title and in other texts")


def test_search_ranks_title_matches_first(crawled: Crawled) -> None:
    word, article = _title_word(crawled.site)
    hits = search(crawled, word)
    assert len(hits) >= 3
    assert hits[0]["url"] == article.url(crawled.base_url), (word, hits[0]["title"])
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_search_filters_and_limit(crawled: Crawled) -> None:
    german = [a for a in crawled.site.articles if a.language == "de"]
    assert german
    everything = search(crawled, "der OR die OR und OR the", "--limit", "100")
    only_de = search(crawled, "der OR die OR und OR the", "--lang", "de", "--limit", "100")
    assert only_de and {h["language"] for h in only_de} == {"de"}
    assert len(only_de) < len(everything)
    assert len(search(crawled, "the", "--limit", "1")) == 1
    article = crawled.site.articles[0]
    day = article.published_at.date().isoformat()
    same_day = search(crawled, phrase(article.first_sentence), "--since", day, "--until", day)
    assert [h["url"] for h in same_day] == [article.url(crawled.base_url)]
    later = search(crawled, phrase(article.first_sentence), "--since", "2099-01-01")
    assert later == []
    host = crawled.base_url.split("//")[1]
    assert search(crawled, "the", "--site", host, "--limit", "1")
    assert search(crawled, "the", "--site", "no-such-site") == []
    assert search(crawled, "the", "--unique", "--limit", "100")


@pytest.mark.parametrize("query", ['"unbalanced', "AND", "foo:", "NEAR(", "*"])
def test_search_syntax_errors_are_one_line(crawled: Crawled, query: str) -> None:
    proc = cleanwire("search", query, "--db", str(crawled.db))
    assert_one_line_error(proc, 1, "cannot parse query")


def test_search_output_formats(crawled: Crawled) -> None:
    table = cleanwire("search", "economy", "--db", str(crawled.db), "--limit", "2")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].split()[:3] == ["score", "title", "snippet"]
    as_csv = cleanwire("search", "economy", "--db", str(crawled.db), "--format", "csv")
    header = next(csv.reader(as_csv.stdout.splitlines()))
    assert header[:3] == ["article_id", "score", "title"]
    bad = cleanwire("search", "economy", "--db", str(crawled.db), "--since", "last week")
    assert_one_line_error(bad, 2, "invalid date")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_change_nothing(crawled: Crawled, hostile: str) -> None:
    before = fingerprint(crawled.db)
    count = rows(crawled.db, "select count(*) from articles")
    for args in (
        ("search", hostile),
        ("search", phrase(hostile)),
        ("search", "economy", "--site", hostile),
        ("search", "economy", "--lang", hostile),
        ("stats", "--site", hostile),
    ):
        proc = cli(*args, "--db", str(crawled.db))
        assert "Traceback" not in proc.stderr, args
        assert proc.returncode in (0, 1), (args, proc.stderr)
        if proc.returncode:
            assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert rows(crawled.db, "select count(*) from articles") == count
    assert fingerprint(crawled.db) == before


def test_fts_follows_inserts_updates_and_deletes(crawled: Crawled, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(crawled.db, db)
    article = crawled.site.articles[0]
    url = article.url(crawled.base_url)
    with sqlite3.connect(db) as conn:
        conn.execute("update articles set text = 'zebracrossing quokka' where url = ?", (url,))
    assert [h["url"] for h in search_db(db, "quokka")] == [url]
    assert search_db(db, phrase(article.first_sentence)) == []
    with sqlite3.connect(db) as conn:
        conn.execute("update articles set title = 'Wombat news' where url = ?", (url,))
        conn.execute(
            "insert into articles (url, title, authors, tags, text, word_count, first_seen_at, "
            "last_fetched_at) values ('https://x.example/new', 'Fresh', '[]', '[]', "
            "'a quokka again', 3, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    assert [h["title"] for h in search_db(db, "wombat")] == ["Wombat news"]
    assert len(search_db(db, "quokka")) == 2
    with sqlite3.connect(db) as conn:
        conn.execute("delete from articles where url = ?", (url,))
        conn.execute("insert into articles_fts(articles_fts, rank) values ('integrity-check', 1)")
    assert [h["title"] for h in search_db(db, "quokka")] == ["Fresh"]


def search_db(db: Path, query: str) -> list[dict[str, Any]]:
    return run_json("search", query, "--db", str(db), "--limit", "100")


# --- export -----------------------------------------------------------------------------

DB_COLUMNS = ("id, url, title, authors, tags, published_at, modified_at, language, text, "
              "word_count, first_seen_at")


def db_articles(db: Path, where: str = "1 = 1") -> list[dict[str, Any]]:
    names = [c.strip() for c in DB_COLUMNS.split(",")]
    found = rows(db, f"select {DB_COLUMNS} from articles where {where} order by id")
    return [dict(zip(names, r, strict=True)) for r in found]


def sqlite_time(value: str | None) -> str | None:
    """'2025-01-02 06:00:00.000000' (SQLite, naive UTC) -> '2025-01-02T06:00:00+00:00'."""
    if value is None:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=UTC).isoformat()


def assert_same_articles(exported: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    assert len(exported) == len(expected) > 0
    for got, want in zip(exported, expected, strict=True):
        assert got["article_id"] == want["id"]
        assert got["url"] == want["url"] and got["title"] == want["title"]
        assert got["text"] == want["text"] and got["word_count"] == want["word_count"]
        assert got["authors"] == json.loads(want["authors"])
        assert got["tags"] == json.loads(want["tags"])
        assert got["language"] == want["language"]
        for name in ("published_at", "modified_at", "first_seen_at"):
            assert got[name] == sqlite_time(want[name]), name


def export(crawled: Crawled, out: Path, fmt: str, *args: str) -> Ran:
    return cli("export", "--format", fmt, "-o", str(out), "--db", str(crawled.db), *args)


def test_export_jsonl(crawled: Crawled, tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    proc = export(crawled, out, "jsonl")
    assert proc.returncode == 0, proc.stderr
    expected = db_articles(crawled.db)
    assert proc.stdout.startswith(f"{len(expected)} rows written to {out}")
    assert proc.stderr == ""  # no progress line when stderr is not a terminal
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert_same_articles(lines, expected)


def test_export_csv(crawled: Crawled, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    assert export(crawled, out, "csv").returncode == 0
    with out.open(newline="", encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    for record in records:
        record["article_id"] = int(record["article_id"])
        record["word_count"] = int(record["word_count"])
        record["authors"] = json.loads(record["authors"])
        record["tags"] = json.loads(record["tags"])
        for name in ("published_at", "modified_at", "first_seen_at"):
            record[name] = record[name] or None
    assert_same_articles(records, db_articles(crawled.db))


def test_export_parquet_types_and_values(crawled: Crawled, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    out = tmp_path / "a.parquet"
    assert export(crawled, out, "parquet").returncode == 0
    table = pq.read_table(out)
    schema = table.schema
    assert schema.field("authors").type == pa.list_(pa.string())
    assert schema.field("tags").type == pa.list_(pa.string())
    assert schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("article_id").type == pa.int64()
    records = table.to_pylist()
    for record in records:
        for name in ("published_at", "modified_at", "first_seen_at"):
            if record[name] is not None:
                record[name] = record[name].isoformat()
    assert_same_articles(records, db_articles(crawled.db))


def test_export_fields_filters_and_force(crawled: Crawled, tmp_path: Path) -> None:
    out = tmp_path / "de.jsonl"
    proc = export(crawled, out, "jsonl", "--fields", "article_id,title,language", "--lang", "de")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = db_articles(crawled.db, "language = 'de'")
    assert [line["article_id"] for line in lines] == [a["id"] for a in expected]
    assert all(set(line) == {"article_id", "title", "language"} for line in lines)
    before = out.read_bytes()
    again = export(crawled, out, "jsonl")
    assert_one_line_error(again, 1, "use --force")
    assert out.read_bytes() == before
    forced = export(crawled, out, "jsonl", "--force")
    assert forced.returncode == 0 and len(out.read_text().splitlines()) == len(
        db_articles(crawled.db)
    )
    unique = export(crawled, tmp_path / "u.jsonl", "jsonl", "--unique", "--since", "2025-01-10")
    assert unique.returncode == 0, unique.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_export_unknown_field_is_a_usage_error(crawled: Crawled, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    proc = export(crawled, out, "csv", "--fields", "title,bogus")
    assert_one_line_error(proc, 2, "unknown field(s) bogus; valid fields: article_id, site")
    assert not out.exists()


def test_failed_export_leaves_no_file(crawled: Crawled, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    db = tmp_path / "bad.db"
    shutil.copy(crawled.db, db)
    with sqlite3.connect(db) as conn:  # authors that are not a list of strings
        conn.execute("update articles set authors = '{\"not\": \"a list\"}' "
                     "where id = (select max(id) from articles)")
    out = tmp_path / "out" / "a.parquet"
    out.parent.mkdir()
    proc = cleanwire("export", "--format", "parquet", "-o", str(out), "--db", str(db))
    assert_one_line_error(proc, 1, "export failed")
    assert list(out.parent.iterdir()) == []


def _big_database(path: Path, n: int) -> None:
    """n synthetic articles (after the real migrations), for an export that takes a while."""
    code = (
        "import sys; from storage.engine import open_engine; "
        "open_engine('sqlite:///' + sys.argv[1]).dispose()"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, check=True)
    text = " ".join(["interrupted export words"] * 100)
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "insert into articles (url, title, authors, tags, text, word_count, first_seen_at, "
            "last_fetched_at) values (?, 't', '[\"A\"]', '[]', ?, 300, '2026-01-01 00:00:00', "
            "'2026-01-01 00:00:00')",
            ((f"https://big.example/{i}", text) for i in range(n)),
        )


def test_interrupted_export_leaves_no_file(tmp_path: Path) -> None:
    db = tmp_path / "big.db"
    _big_database(db, 60_000)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "big.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLEANWIRE_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler", "export", "--format", "csv", "-o", str(out),
         "--db", str(db)],
        cwd=ROOT, env={**env, **TEST_ENV}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".part") for p in out_dir.iterdir()):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert list(out_dir.iterdir()) == []


# --- sql ----------------------------------------------------------------------------------


REFUSED = [
    "INSERT INTO sites (name, host) VALUES ('x', 'x.example')",
    "UPDATE articles SET title = 'x'",
    "DELETE FROM articles",
    "DROP TABLE articles",
    "DROP VIEW article_view",
    "CREATE TABLE evil (a)",
    "CREATE TEMP TABLE evil (a)",
    "ALTER TABLE articles ADD COLUMN evil",
    "ATTACH DATABASE '{dir}/attached.db' AS other",
    "DETACH DATABASE main",
    "PRAGMA journal_mode = delete",
    "PRAGMA journal_mode=delete",
    "PRAGMA user_version = 7",
    "PRAGMA query_only = 0",
    "PRAGMA writable_schema = 1",
    "PRAGMA wal_checkpoint(TRUNCATE)",
    "VACUUM",
    "VACUUM INTO '{dir}/copy.db'",
    "REINDEX",
    "ANALYZE",
    "BEGIN IMMEDIATE",
    "WITH x AS (SELECT 1) DELETE FROM articles",
    "WITH x AS (SELECT 1) INSERT INTO sites (name, host) SELECT 'x', 'y' FROM x",
    "SELECT 1; DELETE FROM articles",
    "/* comment */ DELETE FROM articles",
    "-- comment\nDROP TABLE articles",
    "INSERT INTO articles_fts(articles_fts) VALUES ('delete-all')",
    "REPLACE INTO sites (id, name, host) VALUES (1, 'x', 'y')",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_sql_refuses_writes_and_changes_nothing(crawled: Crawled, statement: str) -> None:
    directory = crawled.db.parent
    statement = statement.format(dir=directory)
    before_files = sorted(p.name for p in directory.iterdir())
    before = fingerprint(crawled.db)
    counts = rows(crawled.db, "select (select count(*) from articles), (select count(*) from "
                  "sites), (select count(*) from articles_fts)")
    proc = cli("sql", statement, "--db", str(crawled.db))
    assert proc.returncode == 1, proc.stdout
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "refused" in proc.stderr or "one statement" in proc.stderr, proc.stderr
    assert fingerprint(crawled.db) == before
    assert sorted(p.name for p in directory.iterdir() if not p.name.endswith("-shm")) == [
        n for n in before_files if not n.endswith("-shm")
    ]
    assert rows(crawled.db, "select (select count(*) from articles), (select count(*) from "
                "sites), (select count(*) from articles_fts)") == counts
    assert rows(crawled.db, "pragma journal_mode") == [("wal",)]


def test_sql_reads(crawled: Crawled) -> None:
    count = rows(crawled.db, "select count(*) from articles")[0][0]
    assert run_json("sql", "select count(*) as n from articles", "--db", str(crawled.db)) == [
        {"n": count}
    ]
    info = run_json("sql", "PRAGMA table_info(articles)", "--db", str(crawled.db))
    assert "title" in {c["name"] for c in info}
    authors = run_json("sql", "select value as author, count(*) as n from articles, "
                       "json_each(articles.authors) group by 1 order by 2 desc",
                       "--db", str(crawled.db))
    assert authors and authors[0]["n"] >= 1
    hits = run_json("sql", "select rowid, snippet(articles_fts, -1, '<', '>', '…', 8) as s "
                    "from articles_fts where articles_fts match 'economy' order by rank",
                    "--db", str(crawled.db))
    assert hits and "<" in hits[0]["s"]
    view = run_json("sql", "select * from article_view limit 1", "--db", str(crawled.db))
    assert {"article_id", "site", "url", "title", "published_at"} <= set(view[0])
    table = cli("sql", "select 1 as one", "--db", str(crawled.db))
    assert table.stdout.splitlines() == ["one", "---", "1"]
    bad = cli("sql", "select * from no_such_table", "--db", str(crawled.db))
    assert_one_line_error(bad, 1, "no such table")


def test_commands_on_a_missing_database(tmp_path: Path) -> None:
    for args in (("search", "x"), ("sql", "select 1"), ("stats",),
                 ("export", "--format", "csv", "-o", str(tmp_path / "o.csv"))):
        proc = cleanwire(*args, "--db", str(tmp_path / "missing.db"))
        assert_one_line_error(proc, 1, "not found")
    assert not (tmp_path / "missing.db").exists()


# --- stats --------------------------------------------------------------------------------


def test_stats(crawled: Crawled) -> None:
    [site] = run_json("stats", "--db", str(crawled.db))
    articles = crawled.site.articles
    assert site["articles"] == rows(crawled.db, "select count(*) from articles")[0][0]
    assert site["articles"] >= len(articles)
    english = sum(a.language == "en" for a in articles) / len(articles)
    assert next(iter(site["languages"])) == "en"
    assert site["languages"]["en"] == pytest.approx(english, abs=0.1)
    assert site["last_outcome"] == "ok" and site["last_crawl"]
    assert {"http 404", "http 500"} <= set(site["failures_by_reason"])
    fetches = rows(crawled.db, "select count(*), sum(outcome = 'failed') from fetches")[0]
    assert site["fetch_failure_rate"] == pytest.approx(fetches[1] / fetches[0], abs=1e-3)
    word_counts = sorted(r[0] for r in rows(crawled.db, "select word_count from articles"))
    n = len(word_counts)
    assert site["median_words"] == (word_counts[(n - 1) // 2] + word_counts[n // 2]) / 2
    assert site["no_date"] == 0 and site["under_150_words"] < 0.5
    assert site["first_published"] == min(a.published_at for a in articles).astimezone(
        UTC
    ).isoformat()
    assert site["flags"] == []
    table = cleanwire("stats", "--db", str(crawled.db))
    assert table.returncode == 0 and "median_words" in table.stdout.splitlines()[0]
    missing = cleanwire("stats", "--site", "nowhere.example", "--db", str(crawled.db))
    assert (missing.returncode, missing.stdout, missing.stderr) == (0, "", "(no rows)\n")


def test_stats_flags_a_broken_template(crawled: Crawled, tmp_path: Path) -> None:
    db = tmp_path / "broken.db"
    shutil.copy(crawled.db, db)
    with sqlite3.connect(db) as conn:  # as if the site's template changed: short, no dates
        conn.execute("update articles set word_count = 12, published_at = null, authors = '[]'")
    [site] = run_json("stats", "--db", str(db))
    assert site["median_words"] == 12 and site["no_date"] == 1 and site["no_author"] == 1
    assert {"short-text", "no-dates", "no-authors"} <= set(site["flags"])


# --- docs/schema.md -------------------------------------------------------------------------

DOCS = ROOT / "docs" / "schema.md"


def doc_queries(dialect: str) -> list[str]:
    """Every ```sql block of docs/schema.md for dialect (```sql is portable)."""
    blocks = re.findall(r"```sql([^\n]*)\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    return [body.strip() for tag, body in blocks if tag.strip() in ("", dialect)]


def test_docs_have_enough_queries() -> None:
    assert len(doc_queries("sqlite")) >= 8
    assert len(doc_queries("postgresql")) >= 8


def test_docs_queries_run_on_sqlite(crawled: Crawled) -> None:
    failures = []
    for query in doc_queries("sqlite"):
        proc = cli("sql", query, "--db", str(crawled.db), "--format", "json")
        if proc.returncode != 0 or not json.loads(proc.stdout or "[]"):
            failures.append((query.splitlines()[0], proc.stderr.strip() or "no rows"))
    assert failures == []


# --- Datasette (metadata.yml) -----------------------------------------------------------------


def test_datasette_metadata_canned_queries_and_search(crawled: Crawled, tmp_path: Path) -> None:
    pytest.importorskip("datasette")
    yaml = pytest.importorskip("yaml")
    db = tmp_path / "cleanwire.db"  # the metadata is keyed by the file's stem
    shutil.copy(crawled.db, db)
    metadata = ROOT / "metadata.yml"
    queries = yaml.safe_load(metadata.read_text(encoding="utf-8"))["databases"]["cleanwire"][
        "queries"
    ]
    assert {"search", "articles_per_day", "failures_by_reason"} <= set(queries)
    datasette = Path(sys.executable).parent / "datasette"
    paths = [f"/cleanwire/{name}.json?_shape=array&q=economy" for name in queries]
    paths.append("/cleanwire/article_view.json?_shape=array&_search=economy")
    for path in paths:
        proc = subprocess.run([str(datasette), str(db), "-m", str(metadata), "--get", path],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, (path, proc.stderr)
        assert json.loads(proc.stdout), path


def test_read_only_engine_cannot_create_files(crawled: Crawled, tmp_path: Path) -> None:
    """mode=ro + query_only alone let ATTACH and VACUUM INTO create files; the engine denies."""
    from sqlalchemy.exc import DBAPIError

    from storage.engine import open_engine

    engine = open_engine(f"sqlite:///{crawled.db}", read_only=True)
    try:
        for statement in (f"ATTACH DATABASE '{tmp_path}/a.db' AS a",
                          f"VACUUM INTO '{tmp_path}/v.db'", "PRAGMA user_version = 3",
                          "DELETE FROM sites"):
            with engine.connect() as conn, pytest.raises(DBAPIError):
                conn.exec_driver_sql(statement)
        for statement in (f"ATTACH DATABASE '{tmp_path}/b.db' AS b",
                          f"VACUUM INTO '{tmp_path}/w.db'"):  # outside any transaction
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn, \
                    pytest.raises(DBAPIError):
                conn.exec_driver_sql(statement)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM sites").scalar() == 1
    finally:
        engine.dispose()
    assert list(tmp_path.iterdir()) == []


def test_unique_leaves_out_duplicates(crawled: Crawled, tmp_path: Path) -> None:
    db = tmp_path / "dups.db"
    shutil.copy(crawled.db, db)
    ids = [r[0] for r in rows(db, "select id from articles order by id")]
    exact, near, representative = ids[1], ids[2], ids[3]
    with sqlite3.connect(db) as conn:  # as storage/dedup.py would mark them
        conn.execute("update articles set duplicate_of = ? where id = ?", (ids[0], exact))
        conn.execute("update articles set cluster_id = ? where id in (?, ?)",
                     (representative, near, representative))
    out = tmp_path / "u.jsonl"
    assert cli("export", "--format", "jsonl", "-o", str(out), "--unique", "--fields",
               "article_id", "--db", str(db)).returncode == 0
    exported = [json.loads(line)["article_id"] for line in out.read_text().splitlines()]
    assert exported == [i for i in ids if i not in (exact, near)]
    everything = {h["article_id"] for h in search_db(db, "the OR der OR le")}
    unique = {h["article_id"] for h in run_json("search", "the OR der OR le", "--unique",
                                                "--limit", "100", "--db", str(db))}
    assert {exact, near} & everything
    assert not {exact, near} & unique
