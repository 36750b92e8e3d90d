"""The cleanwire command as a user runs it: output, one-line errors, exit codes."""

import json
import socket
import sqlite3
import subprocess
import sys

import pytest
from cli_helpers import ROOT, assert_one_line_error, cleanwire

FIXTURES = ROOT.parent / "shared" / "fixtures" / "pages"

ARTICLE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour cranes return to service | Port Gazette</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2025-03-04T08:00:00Z">
<meta name="author" content="Ada Lovelace"></head>
<body><nav><a href="/">Home</a> <a href="/port">Port</a></nav>
<article><h1>Harbour cranes return to service</h1>
<p>The three container cranes at the north quay returned to service on Tuesday after a
month of repairs, the port authority said, ending a backlog that had kept ships waiting
for up to four days at anchor outside the breakwater.</p>
<p>Engineers replaced the hoist motors and the control cabins of all three cranes, and the
authority said the quay would now handle about forty moves an hour, close to its usual
rate before the breakdown in February.</p>
<p>Shipping lines welcomed the news but asked for a plan to keep spare motors on site, so that
a single failure would not again stop a third of the port's container traffic.</p>
</article><footer>© 2025 Port Gazette</footer></body></html>"""


def test_clean_json_has_every_field(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(ARTICLE, encoding="utf-8")
    proc = cleanwire("clean", str(page), "--url", "https://gazette.example/port/cranes")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    for key in ("url", "canonical_url", "page_type", "title", "authors", "published", "modified",
                "language", "section", "tags", "description", "image", "sitename", "text",
                "word_count"):
        assert key in data
    assert data["page_type"] == "article"
    assert data["language"] == "en"
    assert data["published"].startswith("2025-03-04")
    assert "north quay returned to service" in data["text"]
    assert "Port Gazette" not in data["text"]
    assert data["word_count"] == len(data["text"].split())


def test_clean_reads_stdin_and_text_format():
    proc = cleanwire("clean", "-", "--format", "text", stdin=ARTICLE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Harbour cranes return to service")
    assert "forty moves an hour" in proc.stdout


def test_clean_honours_declared_charset():
    page = FIXTURES / "ukrainian_cp1251.html"
    if not page.exists():
        pytest.skip(f"shared fixtures absent: {FIXTURES}")
    proc = cleanwire("clean", str(page))
    data = json.loads(proc.stdout)
    assert "Президент України Володимир Зеленський" in data["text"]
    assert data["language"] == "uk"


def test_clean_errors_are_one_line(tmp_path):
    assert_one_line_error(cleanwire("clean", str(tmp_path / "missing.html")), 2, "no such file")
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    assert_one_line_error(cleanwire("clean", str(empty)), 1, "empty document")
    assert_one_line_error(cleanwire("clean"), 2, "cleanwire:")


def test_crawl_usage_errors(tmp_path):
    assert_one_line_error(cleanwire("crawl"), 2, "needs a URL")
    assert_one_line_error(cleanwire("crawl", "file:///etc/passwd"), 2, "not an http(s) URL")
    sites = tmp_path / "sites.toml"
    sites.write_text('[sites.a]\nstart_urls = ["https://a.example/"]\n', encoding="utf-8")
    assert_one_line_error(cleanwire("crawl", "nosuch", "--sites", str(sites)), 2,
                          "no site named 'nosuch'")
    assert_one_line_error(cleanwire("crawl", "a", "--sites", str(tmp_path / "none.toml")), 2,
                          "sites file not found")
    assert_one_line_error(cleanwire("crawl", "https://a.example/", "--max-pages", "-1"), 2,
                          "must not be negative")
    assert_one_line_error(cleanwire("bogus"), 2, "invalid choice")


def test_database_errors_are_one_line(tmp_path):
    not_db = tmp_path / "notes.db"
    not_db.write_bytes(b"this is not a database file at all" * 100)
    proc = cleanwire("db", "upgrade", "--db", str(not_db))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    proc = cleanwire("scrape", "https://a.example/", "--db", "nosuchdialect://x/y")
    assert proc.returncode in (1, 2) and "Traceback" not in proc.stderr


def test_db_upgrade_creates_schema(tmp_path):
    db = tmp_path / "fresh.db"
    proc = cleanwire("db", "upgrade", "--db", f"sqlite:///{db}")
    assert proc.returncode == 0, proc.stderr
    assert "revision" in proc.stdout
    tables = {r[0] for r in sqlite3.connect(db).execute(
        "select name from sqlite_master where type='table'")}
    assert {"sites", "articles", "fetches", "crawl_runs"} <= tables


@pytest.mark.parametrize(("argv", "expected"), [
    (["crawl", "https://a.example/"], True),
    (["--verbose", "scrape", "https://a.example/x"], True),
    (["--db", "news.db", "crawl", "https://a.example/"], True),
    (["--db", "crawl.db", "stats"], False),
    (["worker", "--redis", "redis://127.0.0.1:6379/0"], True),
    (["crawl", "--redis", "redis://127.0.0.1:6379/0", "--work", "bbc"], True),
    (["crawl", "--redis", "redis://127.0.0.1:6379/0", "bbc"], False),  # seeds only
    (["crawl", "--help"], False),
    (["import-warc", "cc-news.warc.gz"], True),
    (["clean", "page.html"], False),
    (["sql", "select 1"], False),
    ([], False),
])
def test_console_script_starts_the_pool_only_for_commands_that_clean(argv, expected):
    """`cleanwire` starts the cleaning forkserver before its imports for crawl, scrape,
    worker and import-warc (crawler/__main__.py); other commands do not pay for it."""
    from crawler.__main__ import cleans_in_pool

    assert cleans_in_pool(argv) is expected


def test_version_and_did_you_mean():
    version = cleanwire("--version")
    assert version.returncode == 0 and version.stdout.startswith("cleanwire "), version
    typo = cleanwire("serach", "rate")
    assert_one_line_error(typo, 2, "'serach' is not a command (did you mean 'search'?)")
    flag = cleanwire("stats", "--format", "jsn")
    assert_one_line_error(flag, 2, "invalid choice: 'jsn' (did you mean 'json'?)")


def test_global_flags_before_or_after_the_command(tmp_path):
    db = tmp_path / "news.db"
    assert cleanwire("--db", str(db), "db", "upgrade").returncode == 0
    for argv in (["--db", str(db), "-v", "sql", "select 7 as n"],
                 ["sql", "select 7 as n", "-v", "--db", str(db)],
                 ["-v", "sql", "--db", str(db), "select 7 as n"]):
        proc = cleanwire(*argv)
        assert proc.returncode == 0 and proc.stdout.splitlines()[-1] == "7", (argv, proc)
    # after the command's name wins over before it
    other = tmp_path / "other.db"
    proc = cleanwire("--db", str(other), "sql", "select 1", "--db", str(db))
    assert proc.returncode == 0 and not other.exists(), proc.stderr


def test_empty_results_are_one_line_and_exit_0_everywhere(tmp_path):
    db = tmp_path / "empty.db"
    assert cleanwire("db", "upgrade", "--db", str(db)).returncode == 0
    for argv in (["search", "rate cut"], ["search", "rate", "--site", "nosuch"],
                 ["stats"], ["stats", "--site", "nosuch"], ["duplicates"],
                 ["duplicates", "--site", "nosuch"], ["sql", "select 1 where 0"]):
        proc = cleanwire(*argv, "--db", str(db))
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "(no rows)\n"), argv
    assert cleanwire("stats", "--format", "json", "--db", str(db)).stdout.strip() == "[]"


def test_a_busy_port_for_the_demo_server_is_one_line():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "fixture_site", "--port", str(port)],
                              cwd=ROOT / "tests", capture_output=True, text=True, timeout=60)
    assert_one_line_error(proc, 1, f"cannot listen on 127.0.0.1:{port}")
