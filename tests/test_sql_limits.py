"""`cleanwire sql` against hostile queries on SQLite and PostgreSQL: escapes and exhaustion.

Every attempt runs with --timeout 1 through crawler.cli.main and must end in one line (a
refusal, the time limit, a size limit, or rows cut at --limit) and leave the database as
it was: the same files and row counts (SQLite), the same tables' digests, no advisory lock
and no backend left running the query (PostgreSQL). pytest-timeout is the liveness bound.
Ctrl-C and SIGTERM are sent to a real `cleanwire sql` process.
"""

from __future__ import annotations

import hashlib
import json
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import Ran, cleanwire_process, cli
from pg_helpers import pg_admin_url, scratch_database

pytestmark = pytest.mark.timeout(60)

FOREVER = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
MARKER = "/tmp/cleanwire_sql_pwned"

# (id, query, what the one line must say): "refused", "time limit", "too big", other text
SQLITE_ATTEMPTS = [
    ("recursive-cte-count", f"{FOREVER} SELECT count(*) FROM c", "time limit"),
    ("recursive-cte-union-grows", "WITH RECURSIVE c(x) AS (SELECT 1 UNION SELECT x + 1 FROM c) "
     "SELECT count(*) FROM c", "time limit"),
    ("recursive-cte-sorted", f"{FOREVER} SELECT x FROM c ORDER BY random()", "time limit"),
    ("recursive-cte-big-rows-unlimited", f"{FOREVER} SELECT max(length(randomblob(100000))) "
     "FROM c", "time limit"),
    ("cross-join", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
     "WHERE x < 100000) SELECT count(*) FROM c a, c b", "time limit"),
    ("randomblob-1e8", "SELECT length(randomblob(1e8))", "too big"),
    ("zeroblob-1e9", "SELECT length(zeroblob(1e9))", "too big"),
    ("printf-padding", "SELECT length(printf('%.*c', 20000000, 'x') || "
     "printf('%.*c', 20000000, 'x'))", "too big"),
    ("hex-of-zeroblob", "SELECT length(hex(zeroblob(20000000)))", "too big"),
    ("group-concat-growth", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
     "WHERE x < 100000) SELECT length(group_concat(hex(randomblob(1000)))) FROM c", "too big"),
    ("fts3-tokenizer-read", "SELECT fts3_tokenizer('simple')", "refused fts3_tokenizer()"),
    ("fts3-tokenizer-register", "SELECT fts3_tokenizer('evil', x'0000000000000000')",
     "refused fts3_tokenizer()"),
    ("load-extension", "SELECT load_extension('/tmp/evil.so')", "refused load_extension()"),
    ("fts5-pointer", "SELECT fts5(NULL)", "refused fts5()"),
    ("sqlite-log", "SELECT sqlite_log(1, 'x')", "refused sqlite_log()"),
    ("refused-call-in-subquery", "SELECT (SELECT load_extension('x')) FROM sites",
     "refused load_extension()"),
    ("writefile", f"SELECT writefile('{MARKER}', 'x')", "no such function"),
    ("attach-via-pragma-table", "SELECT * FROM pragma_database_list WHERE "
     "name = (SELECT load_extension('x'))", "refused load_extension()"),
    ("pragma-write", "PRAGMA query_only = 0", "refused"),
    ("vacuum-into", f"VACUUM INTO '{MARKER}'", "refused"),
    ("two-statements", "SELECT 1; PRAGMA query_only = 0", "one statement"),
    ("deep-expression", "SELECT " + "(" * 3000 + "1" + ")" * 3000, "stack overflow"),
    ("like-pattern", "SELECT 'a' LIKE printf('%.*c', 60000, 'x')", "too complex"),
    ("compound-select", "SELECT " + " UNION ALL SELECT ".join(["1"] * 600), "too many terms"),
]

PG_ATTEMPTS = [
    ("pg-sleep", "SELECT pg_sleep(20)", "time limit"),
    ("pg-sleep-per-row", "SELECT pg_sleep(0.1) FROM generate_series(1, 100)", "time limit"),
    ("recursive-cte-count", f"{FOREVER} SELECT count(*) FROM c", "time limit"),
    ("cross-join", "SELECT count(*) FROM generate_series(1, 100000) a, "
     "generate_series(1, 100000) b", "time limit"),
    ("string-agg-growth", "SELECT length(string_agg(md5(x::text), '')) FROM "
     "generate_series(1, 1000000000) x", "time limit"),
    ("advisory-lock-and-sleep", "SELECT pg_advisory_xact_lock(1668050551), pg_sleep(25)",
     "refused pg_advisory_xact_lock()"),
    ("advisory-lock-session", "SELECT pg_advisory_lock(1)", "refused pg_advisory_lock()"),
    ("advisory-lock-quoted", 'SELECT "pg_try_advisory_lock_shared"(1)',
     "refused pg_try_advisory_lock_shared()"),
    ("advisory-lock-qualified", "SELECT pg_catalog . /* x */ pg_advisory_lock -- y\n(1)",
     "refused pg_advisory_lock()"),
    ("read-file", "SELECT pg_read_file('/etc/passwd')", "refused pg_read_file()"),
    ("read-binary-file", "SELECT pg_read_binary_file('/etc/passwd')",
     "refused pg_read_binary_file()"),
    ("ls-dir", "SELECT * FROM pg_ls_dir('.')", "refused pg_ls_dir()"),
    ("stat-file", "SELECT pg_stat_file('postgresql.conf')", "refused pg_stat_file()"),
    ("lo-import", "SELECT lo_import('/etc/passwd')", "refused lo_import()"),
    ("lo-export", f"SELECT lo_export(lo_from_bytea(0, 'x'), '{MARKER}')",
     "refused lo_export()"),
    ("terminate-backend", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity",
     "refused pg_terminate_backend()"),
    ("cancel-backend", "SELECT pg_cancel_backend(pg_backend_pid())",
     "refused pg_cancel_backend()"),
    ("dblink", "SELECT * FROM dblink('dbname=test', 'select 1') AS t(a int)",
     "refused dblink()"),
    ("set-config-timeout", "SELECT set_config('statement_timeout', '0', false), pg_sleep(20)",
     "refused set_config()"),
    ("reload-conf", "SELECT pg_reload_conf()", "refused pg_reload_conf()"),
    ("rotate-logfile", "SELECT pg_rotate_logfile()", "refused pg_rotate_logfile()"),
    ("sql-in-a-string", "SELECT query_to_xml('select pg_read_file(''/etc/passwd'')', true, "
     "true, '')", "refused query_to_xml()"),
    ("e-string-hides-call", "SELECT E'\\'', pg_ls_dir('.')", "refused pg_ls_dir()"),
    ("dollar-quote-hides-call", "SELECT $a$ $$ $a$, pg_read_file('/etc/passwd')",
     "refused pg_read_file()"),
    ("unicode-identifier", 'SELECT U&"\\0070g_read_file"(\'/etc/passwd\')',
     'refused U&"..." identifiers'),
    ("hba-file", "SELECT * FROM pg_hba_file_rules", "refused pg_hba_file_rules"),
    ("password-hashes", "SELECT rolpassword FROM pg_authid", "refused pg_authid"),
    ("copy-program", f"COPY (SELECT 1) TO PROGRAM 'touch {MARKER}'", "refused COPY"),
    ("set-timeout", "SET statement_timeout = 0", "refused SET"),
    ("row-lock", "SELECT * FROM sites FOR SHARE", "read-only transaction"),
    ("notify", "SELECT pg_notify('cleanwire', 'x')", "refused pg_notify()"),
]


def assert_one_line(ran: Ran, expected: str) -> None:
    assert ran.returncode == 1, (ran.stdout[:200], ran.stderr)
    lines = [line for line in ran.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, ran.stderr
    assert "Traceback" not in ran.stderr
    text = {"time limit": "ran past the time limit of 1 s"}.get(expected, expected)
    assert text in lines[0], lines[0]


# --- SQLite -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from storage.engine import open_engine

    db = tmp_path_factory.mktemp("sql_limits") / "news.db"
    open_engine(f"sqlite:///{db}").dispose()
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO sites (name, host) VALUES ('a', 'a.example')")
    sqlite3.connect(db).close()
    return db


def sqlite_state(db: Path) -> tuple[Any, ...]:
    """The database's files (with their digests, -shm aside) and its row counts."""
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(db.parent.iterdir()) if not p.name.endswith("-shm")}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        counts = conn.execute("SELECT (SELECT count(*) FROM sites), (SELECT count(*) FROM "
                              "articles), (SELECT count(*) FROM sqlite_master)").fetchone()
    return files, counts, Path(MARKER).exists()


@pytest.mark.parametrize(("query", "expected"), [a[1:] for a in SQLITE_ATTEMPTS],
                         ids=[a[0] for a in SQLITE_ATTEMPTS])
def test_sqlite_attempt(sqlite_db: Path, query: str, expected: str) -> None:
    before = sqlite_state(sqlite_db)
    ran = cli("sql", query, "--db", str(sqlite_db), "--timeout", "1")
    assert_one_line(ran, expected)
    assert sqlite_state(sqlite_db) == before


def test_sqlite_rows_are_cut_at_the_default_limit(sqlite_db: Path) -> None:
    before = sqlite_state(sqlite_db)
    ran = cli("sql", f"{FOREVER} SELECT x FROM c", "--db", str(sqlite_db), "--timeout", "5",
              "--format", "json")
    assert ran.returncode == 0, ran.stderr
    assert [r["x"] for r in json.loads(ran.stdout)] == list(range(1, 10_001))
    assert ran.stderr.strip() == ("cleanwire: sql: showing the first 10,000 rows; the query "
                                  "has more (--limit N for more, --limit 0 for all)")
    table = cli("sql", f"{FOREVER} SELECT x FROM c", "--db", str(sqlite_db), "--limit", "3")
    assert table.stdout.splitlines() == ["x", "-", "1", "2", "3"]
    assert "first 3 rows" in table.stderr
    assert sqlite_state(sqlite_db) == before


def test_sqlite_limit_zero_means_all_and_a_short_result_is_not_cut(sqlite_db: Path) -> None:
    query = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) "
    ran = cli("sql", query + "SELECT x FROM c", "--db", str(sqlite_db), "--limit", "0",
              "--format", "csv")
    assert ran.returncode == 0 and ran.stderr == ""
    assert ran.stdout.splitlines() == ["x", *map(str, range(1, 20_001))]
    exact = cli("sql", query + "SELECT x FROM c WHERE x <= 5", "--db", str(sqlite_db),
                "--limit", "5")
    assert exact.returncode == 0 and exact.stderr == ""


def test_timeout_setting_and_bad_values(sqlite_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEANWIRE_SQL_TIMEOUT", "1")
    ran = cli("sql", f"{FOREVER} SELECT count(*) FROM c", "--db", str(sqlite_db))
    assert_one_line(ran, "time limit")
    for args in (("--timeout", "0"), ("--timeout", "-1"), ("--timeout", "nan"),
                 ("--timeout", "inf"), ("--limit", "-1"), ("--limit", "x")):
        bad = cli("sql", "SELECT 1", "--db", str(sqlite_db), *args)
        assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1, bad.stderr
    monkeypatch.setenv("CLEANWIRE_SQL_TIMEOUT", "soon")
    bad = cli("sql", "SELECT 1", "--db", str(sqlite_db))
    assert bad.returncode == 2 and "CLEANWIRE_SQL_TIMEOUT" in bad.stderr


def _signalled(args: list[str], signum: int, ready: Callable[[], bool] | None = None) -> str:
    """Start `cleanwire sql -v`, wait for its 'running' line (and ready()), send signum;
    the process must end with 128 + signum and one more line; returns that line."""
    proc = cleanwire_process("sql", *args, "-v", "--timeout", "600")
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        assert first.startswith("sql: running the query"), first
        if ready is not None:
            _eventually(ready)
        proc.send_signal(signum)
        _, rest = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signum, rest
    lines = [line for line in rest.splitlines() if line.strip()]
    assert lines == ["cleanwire: interrupted: the query was cancelled"], rest
    return lines[0]


def _eventually(condition: Callable[[], bool], bound: float = 20.0) -> None:
    """Poll condition until it holds (a liveness bound, not a timing)."""
    deadline = time.monotonic() + bound
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_sqlite_signal_cancels_the_query(sqlite_db: Path, signum: int) -> None:
    before = sqlite_state(sqlite_db)
    _signalled([f"{FOREVER} SELECT count(*) FROM c", "--db", str(sqlite_db)], signum)
    assert sqlite_state(sqlite_db) == before


# --- PostgreSQL ---------------------------------------------------------------------------


class Pg:
    """A scratch cleanwire database and a way to look at it from outside."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = url.rsplit("/", 1)[1]

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url.replace("+psycopg", ""), autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def state(self) -> tuple[Any, ...]:
        """Every table's row count and digest, the advisory locks, the settings file."""
        tables = [r[0] for r in self.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' ORDER BY 1")]
        digests = [self.rows(f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER '
                             f'BY t::text), \'\')) FROM "{t}" AS t')[0] for t in tables]
        return tables, digests, self.advisory_locks(), Path(MARKER).exists()

    def advisory_locks(self) -> int:
        return self.rows("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")[0][0]

    def running(self, marker: str) -> list[tuple[Any, ...]]:
        """Backends of other sessions whose query holds marker, with their state."""
        return self.rows("SELECT pid, state FROM pg_stat_activity WHERE query LIKE %s "
                         "AND pid <> pg_backend_pid()", f"%{marker}%")


@pytest.fixture(scope="module")
def pg() -> Iterator[Pg]:
    from storage.engine import open_engine

    with scratch_database(pg_admin_url()) as url:
        open_engine(url).dispose()
        database = Pg(url)
        database.rows("INSERT INTO sites (name, host) VALUES ('a', 'a.example')")
        yield database


@pytest.mark.parametrize(("query", "expected"), [a[1:] for a in PG_ATTEMPTS],
                         ids=[a[0] for a in PG_ATTEMPTS])
def test_postgresql_attempt(pg: Pg, query: str, expected: str) -> None:
    before = pg.state()
    ran = cli("sql", query, "--db", pg.url, "--timeout", "1")
    assert_one_line(ran, expected)
    assert pg.state() == before
    assert pg.advisory_locks() == 0
    assert [r for r in pg.running(query[:40]) if r[1] == "active"] == []


def test_postgresql_session_limits_and_reads(pg: Pg) -> None:
    ran = cli("sql", "SELECT current_setting('statement_timeout') AS s, "
              "current_setting('lock_timeout') AS l, current_setting('transaction_read_only') "
              "AS r", "--db", pg.url, "--timeout", "2", "--format", "json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == [{"s": "2s", "l": "2s", "r": "on"}]
    empty = cli("sql", "SELECT 1 AS one, '%s' AS two WHERE false", "--db", pg.url,
                "--format", "csv")
    assert empty.returncode == 0 and empty.stdout.strip() == "one,two"


def test_postgresql_lock_wait_ends_at_the_limit(pg: Pg) -> None:
    import psycopg

    before = pg.state()
    with psycopg.connect(pg.url.replace("+psycopg", "")) as holder:
        holder.execute("LOCK TABLE sites IN ACCESS EXCLUSIVE MODE")
        ran = cli("sql", "SELECT count(*) FROM sites", "--db", pg.url, "--timeout", "1")
        holder.rollback()
    assert_one_line(ran, "time limit")
    assert pg.state() == before


def test_postgresql_rows_are_cut_and_the_rest_cancelled(pg: Pg) -> None:
    query = "SELECT x, 'cut-marker' AS m FROM generate_series(1, 3000000) x"
    ran = cli("sql", query, "--db", pg.url, "--format", "json", "--timeout", "30")
    assert ran.returncode == 0, ran.stderr
    assert [r["x"] for r in json.loads(ran.stdout)] == list(range(1, 10_001))
    assert "first 10,000 rows" in ran.stderr
    assert [r for r in pg.running("cut-marker") if r[1] == "active"] == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_postgresql_signal_cancels_the_query_server_side(pg: Pg, signum: int) -> None:
    marker = f"pg_sleep(60.{signum})"
    query = f"SELECT {marker}"

    def active() -> bool:
        return any(state == "active" for _, state in pg.running(marker))

    _signalled([query, "--db", pg.url], signum, ready=active)
    assert not active()  # cancelled before the process ended
    _eventually(lambda: pg.running(marker) == [])  # and its connection closed


def test_postgresql_query_of_a_killed_client_does_not_run_on(pg: Pg) -> None:
    """SIGKILL leaves no chance to cancel: client_connection_check_interval ends the query
    (without it pg_sleep(60) would outlive the 20 s bound)."""
    marker = "pg_sleep(60.9)"
    proc = cleanwire_process("sql", f"SELECT {marker}", "--db", pg.url, "--timeout", "600")
    try:
        _eventually(lambda: any(state == "active" for _, state in pg.running(marker)))
    finally:
        proc.kill()
        proc.communicate(timeout=30)
    _eventually(lambda: pg.running(marker) == [])


# --- memory -------------------------------------------------------------------------------

# proc_probe.run_with_peak_rss reads VmHWM, the high-water mark of this process image:
# ru_maxrss would carry over the RSS of the forked test process across exec (a long pytest
# run holds over a gigabyte)
MILLIONS = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) "
            "SELECT x, 'some forty characters of text in each row' AS t FROM c")
PEAK_RSS_BOUND_KB = 150 * 1024  # buffered, these 2,000,000 rows alone take more


def _peak_rss_kb(db: str, out: Path) -> int:
    """Peak RSS of a `cleanwire sql` process writing 2,000,000 rows as CSV to out."""
    import subprocess

    from cli_helpers import ROOT, cli_env
    from proc_probe import run_with_peak_rss

    with out.open("w") as stdout:
        proc, peak = run_with_peak_rss("sql", MILLIONS, "--db", db, "--limit", "0",
                                       "--format", "csv", cwd=ROOT, env=cli_env(),
                                       stdout=stdout, stderr=subprocess.PIPE, timeout=120)
    assert proc.returncode == 0, proc.stderr
    with out.open("rb") as written:
        assert sum(1 for _ in written) == 2_000_001
    return peak


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_sqlite_unlimited_rows_stream_in_bounded_memory(sqlite_db: Path, tmp_path: Path) -> None:
    assert _peak_rss_kb(str(sqlite_db), tmp_path / "rows.csv") < PEAK_RSS_BOUND_KB


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_postgresql_unlimited_rows_stream_in_bounded_memory(pg: Pg, tmp_path: Path) -> None:
    assert _peak_rss_kb(pg.url, tmp_path / "rows.csv") < PEAK_RSS_BOUND_KB
