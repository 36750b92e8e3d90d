"""The analysts' commands on PostgreSQL: search, export, sql, stats, docs/schema.md queries.

A throwaway database on 127.0.0.1:5432 is filled by one real crawl of the fixture site;
skipped (with the reason) when the server is not reachable.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import ROOT, assert_one_line_error, cleanwire, cli
from fixture_site import FixtureServer, FixtureSite
from pg_helpers import pg_admin_url, scratch_database

pytestmark = pytest.mark.slow



@dataclass(frozen=True)
class PgCrawl:
    url: str  # SQLAlchemy URL for --db
    site: FixtureSite
    base_url: str

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url.replace("+psycopg", "")) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def pg() -> Iterator[PgCrawl]:
    with scratch_database(pg_admin_url()) as url, FixtureServer(slow_seconds=1) as server:
        proc = cleanwire("crawl", server.url("/"), "--db", url, "--timeout", "2",
                         "--max-page-bytes", "1000000")
        assert proc.returncode == 0, proc.stderr
        yield PgCrawl(url, server.site, server.base_url)


def run_json(*args: str) -> Any:
    ran = cli(*args, "--format", "json")
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout)


def phrase(text: str) -> str:
    return '"' + text.replace('"', " ") + '"'


def checksum(pg: PgCrawl) -> tuple[Any, ...]:
    """Row counts and a digest of every table's content, and the list of tables."""
    tables = [r[0] for r in pg.rows(
        "select table_name from information_schema.tables where table_schema = 'public' "
        "order by 1")]
    digests = tuple(
        pg.rows(f'select count(*), md5(coalesce(string_agg(t::text, \'|\' order by t::text), '
                f'\'\')) from "{t}" as t')[0]
        for t in tables
    )
    return tuple(tables), digests


def test_search(pg: PgCrawl) -> None:
    for article in pg.site.articles[:8]:
        hits = run_json("search", phrase(article.first_sentence), "--db", pg.url)
        assert hits and hits[0]["url"] == article.url(pg.base_url), article.key
        assert hits[0]["published_at"] == article.published_at.astimezone(UTC).isoformat()
        assert "[" in hits[0]["snippet"]
    german = run_json("search", "der or die or und", "--lang", "de", "--db", pg.url)
    assert german and {h["language"] for h in german} == {"de"}
    scores = [h["score"] for h in run_json("search", "economy", "--db", pg.url)]
    assert scores and scores == sorted(scores, reverse=True)
    assert run_json("search", "economy", "--since", "2099-01-01", "--db", pg.url) == []
    assert run_json("search", "economy", "--unique", "--db", pg.url)


@pytest.mark.parametrize("hostile", ["'); DROP TABLE articles; --", '"unbalanced', "AND",
                                     "foo:", "x' OR '1'='1", "\\", "!!!"])
def test_hostile_search_strings(pg: PgCrawl, hostile: str) -> None:
    before = checksum(pg)
    for args in (("search", hostile), ("search", "economy", "--site", hostile)):
        ran = cli(*args, "--db", pg.url)
        assert ran.returncode in (0, 1), ran.stderr
        assert len(ran.stderr.strip().splitlines()) <= 1
    assert checksum(pg) == before


def _expected(pg: PgCrawl) -> list[dict[str, Any]]:
    found = pg.rows("select id, url, title, authors, tags, published_at, text, word_count "
                    "from articles order by id")
    names = ["article_id", "url", "title", "authors", "tags", "published_at", "text",
             "word_count"]
    return [dict(zip(names, r, strict=True)) for r in found]


def _compare(records: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    assert len(records) == len(expected) > 0
    for got, want in zip(records, expected, strict=True):
        for name in ("article_id", "url", "title", "authors", "tags", "text", "word_count"):
            assert got[name] == want[name], name
        published = want["published_at"]
        assert got["published_at"] == (None if published is None else
                                        published.astimezone(UTC).isoformat())


def test_export_formats(pg: PgCrawl, tmp_path: Path) -> None:
    expected = _expected(pg)
    out = tmp_path / "a.jsonl"
    assert cli("export", "--format", "jsonl", "-o", str(out), "--db", pg.url).returncode == 0
    _compare([json.loads(line) for line in out.read_text().splitlines()], expected)

    out = tmp_path / "a.csv"
    assert cli("export", "--format", "csv", "-o", str(out), "--db", pg.url).returncode == 0
    records = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    for r in records:
        r.update(article_id=int(r["article_id"]), word_count=int(r["word_count"]),
                 authors=json.loads(r["authors"]), tags=json.loads(r["tags"]),
                 published_at=r["published_at"] or None)
    _compare(records, expected)

    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "a.parquet"
    assert cli("export", "--format", "parquet", "-o", str(out), "--db", pg.url).returncode == 0
    records = pq.read_table(out).to_pylist()
    for r in records:
        r["published_at"] = r["published_at"] and r["published_at"].isoformat()
    _compare(records, expected)


PG_REFUSED = [
    "INSERT INTO sites (name, host) VALUES ('x', 'y')",
    "UPDATE articles SET title = 'x'",
    "DELETE FROM articles",
    "DROP TABLE articles CASCADE",
    "CREATE TABLE evil (a int)",
    "TRUNCATE articles CASCADE",
    "COPY articles TO PROGRAM 'touch /tmp/cleanwire_pwned'",
    "SET TRANSACTION READ WRITE",
    "COMMIT",
    "VACUUM",
    "ANALYZE",
    "SELECT 1; DELETE FROM articles",
    "WITH gone AS (DELETE FROM articles RETURNING id) SELECT count(*) FROM gone",
    "SELECT nextval('articles_id_seq')",
    "SELECT * FROM articles FOR UPDATE",
    "EXPLAIN ANALYZE DELETE FROM articles",
    "DO $$ BEGIN DELETE FROM articles; END $$",
    "CALL nothing()",
    "LOCK TABLE articles",
    "REFRESH MATERIALIZED VIEW article_view",
]


def test_sql_refuses_writes_and_changes_nothing(pg: PgCrawl) -> None:
    before = checksum(pg)
    for statement in PG_REFUSED:
        ran = cli("sql", statement, "--db", pg.url)
        assert ran.returncode == 1, (statement, ran.stdout)
        assert len(ran.stderr.strip().splitlines()) == 1, (statement, ran.stderr)
        assert checksum(pg) == before, statement
    assert not Path("/tmp/cleanwire_pwned").exists()


def test_sql_reads(pg: PgCrawl) -> None:
    count = pg.rows("select count(*) from articles")[0][0]
    assert run_json("sql", "select count(*) as n from articles", "--db", pg.url) == [{"n": count}]
    assert run_json("sql", "SHOW transaction_read_only", "--db", pg.url) == [
        {"transaction_read_only": "on"}
    ]
    assert run_json("sql", "select 100 % 7 as r, '%s' as s", "--db", pg.url) == [
        {"r": 2, "s": "%s"}
    ]
    bad = cli("sql", "select * from nowhere", "--db", pg.url)
    assert_one_line_error(bad, 1, "does not exist")


def test_stats(pg: PgCrawl) -> None:
    [site] = run_json("stats", "--db", pg.url)
    assert site["articles"] == pg.rows("select count(*) from articles")[0][0]
    assert next(iter(site["languages"])) == "en"
    assert {"http 404", "http 500"} <= set(site["failures_by_reason"])
    counts = sorted(r[0] for r in pg.rows("select word_count from articles"))
    n = len(counts)
    assert site["median_words"] == (counts[(n - 1) // 2] + counts[n // 2]) / 2
    assert site["last_outcome"] == "ok" and site["flags"] == []


def test_docs_queries_run_on_postgresql(pg: PgCrawl) -> None:
    text = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql([^\n]*)\n(.*?)```", text, re.S)
    queries = [body.strip() for tag, body in blocks if tag.strip() in ("", "postgresql")]
    assert len(queries) >= 8
    failures = []
    for query in queries:
        ran = cli("sql", query, "--db", pg.url, "--format", "json")
        if ran.returncode != 0 or not json.loads(ran.stdout or "[]"):
            failures.append((query.splitlines()[0], ran.stderr.strip() or "no rows"))
    assert failures == []
