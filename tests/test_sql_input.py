"""`cleanwire sql` input and output: the query from an argument, stdin (`-`) or -f FILE;
--no-trunc for whole table cells (csv and json never cut); a syntax error worded by the
database (SQLite and, when reachable, PostgreSQL), while statements that write stay refused.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error, cleanwire

from cleaners.model import CleanPage
from storage.engine import open_engine
from storage.repository import FetchRecord, PageRecord, Repository

T0 = datetime(2026, 1, 1, tzinfo=UTC)
LONG_URL = "https://site.example/news/" + "a-very-long-article-slug-" * 6 + "end"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sql") / "news.db"
    page = CleanPage(
        url=LONG_URL, canonical_url=None, page_type="article", title="T", authors=[],
        published=T0, modified=None, language="en", section=None, tags=[], description=None,
        image=None, sitename=None, text="some words here", word_count=3, content_hash="h")
    engine = open_engine(f"sqlite:///{path}")
    try:
        Repository(engine).store(None, [PageRecord(page, FetchRecord(LONG_URL, 200, fetched_at=T0),
                                                   "site", "site.example")])
    finally:
        engine.dispose()
    return path


QUERY = "SELECT url FROM articles"


def test_query_from_stdin(db: Path) -> None:
    proc = cleanwire("sql", "-", "--db", str(db), "--format", "json", stdin=QUERY + "\n")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [{"url": LONG_URL}]


def test_query_from_a_file(db: Path, tmp_path: Path) -> None:
    script = tmp_path / "q.sql"
    script.write_text("-- the long one\n" + QUERY + ";\n")
    proc = cleanwire("sql", "-f", str(script), "--db", str(db), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert list(csv.reader(io.StringIO(proc.stdout))) == [["url"], [LONG_URL]]


@pytest.mark.parametrize(("args", "text"), [
    ((), "sql needs one query"),
    (("SELECT 1", "-f", "q.sql"), "sql needs one query"),
    (("-f", "missing.sql"), "-f missing.sql: no such file"),
    (("-f", "."), "-f .: is a directory"),
])
def test_query_source_mistakes_are_usage_errors(db: Path, args: tuple[str, ...],
                                                 text: str) -> None:
    assert_one_line_error(cleanwire("sql", *args, "--db", str(db)), 2, text)


def test_table_cuts_long_values_unless_no_trunc(db: Path) -> None:
    cut = cleanwire("sql", QUERY, "--db", str(db))
    assert cut.returncode == 0 and "…" in cut.stdout and LONG_URL not in cut.stdout
    whole = cleanwire("sql", QUERY, "--db", str(db), "--no-trunc")
    assert whole.returncode == 0, whole.stderr
    assert whole.stdout.splitlines()[2] == LONG_URL and "…" not in whole.stdout
    for fmt in ("csv", "json"):
        assert LONG_URL in cleanwire("sql", QUERY, "--db", str(db), "--format", fmt).stdout


def test_syntax_error_is_worded_by_sqlite(db: Path) -> None:
    assert_one_line_error(cleanwire("sql", "SELEC 1", "--db", str(db)), 1,
                          'sql: near "SELEC": syntax error')
    assert_one_line_error(cleanwire("sql", "selec 1; DROP TABLE articles", "--db", str(db)), 1,
                          'near "selec": syntax error')
    # what is refused today stays refused, by name
    for sql, word in (("INSERT INTO sites (name) VALUES ('x')", "INSERT"),
                      ("DELETE FROM articles", "DELETE"), ("VACUUM", "VACUUM"),
                      ("ATTACH 'x.db' AS x", "ATTACH"), ("  (select 1", None)):
        proc = cleanwire("sql", sql, "--db", str(db))
        assert proc.returncode == 1
        if word:
            assert f"refused {word}" in proc.stderr
    assert cleanwire("sql", "SELECT count(*) FROM articles", "--db", str(db),
                     "--format", "csv").stdout.split() == ["count(*)", "1"]


def test_syntax_error_is_worded_by_postgresql(pg_base_url: str) -> None:
    from pg_helpers import scratch_database

    with scratch_database(pg_base_url) as url:
        open_engine(url).dispose()
        assert_one_line_error(cleanwire("sql", "SELEC 1", "--db", url), 1,
                              'sql: syntax error at or near "SELEC"')
        for sql, word in (("COPY sites TO STDOUT", "COPY"), ("SET statement_timeout = 0", "SET"),
                          ("DO $$ BEGIN END $$", "DO"), ("CALL x()", "CALL")):
            assert_one_line_error(cleanwire("sql", sql, "--db", url), 1, f"refused {word}")
