"""Ctrl-C and SIGTERM on a real crawl of the fixture site: what is said, stored and returned.

The fixture site's /slow/ page is made to take 10 minutes: a crawl that waited for its
downloads in flight would outlive the test's timeout, so these tests also show a stopping
crawl does not wait for them.
"""

from __future__ import annotations

import re
import signal
import subprocess
from pathlib import Path

import pytest
from cli_helpers import cleanwire_process
from fixture_site import FixtureServer
from test_schedule import safe_rows, spawn, wait_for, write_sites

from crawler.commands.base import ABORTING, STOPPING
from storage.contract import Reason

pytestmark = pytest.mark.slow


def start_crawl(site: FixtureServer, db: Path) -> subprocess.Popen[str]:
    site.slow_seconds = 600
    proc = cleanwire_process("crawl", site.url("/"), "--db", str(db), "--timeout", "900",
                             "--max-page-bytes", "1000000")
    wait_for(lambda: safe_rows(db, "select count(*) from articles") not in ([], [(0,)])
             and site.requests["/slow/"] > 0, timeout=180, what="articles stored, /slow/ asked")
    assert proc.poll() is None
    return proc


def stored_summary(stdout: str) -> int:
    return int(re.search(r"articles stored\s+(\d+)", stdout).group(1))


def assert_recorded(db: Path, stdout: str) -> None:
    """The run is recorded as interrupted, with what it stored, and its lock released."""
    [(outcome, new)] = safe_rows(db, "select outcome, articles_new from crawl_runs")
    [(articles,)] = safe_rows(db, "select count(*) from articles")
    assert outcome == "interrupted: shutdown"
    assert new == articles == stored_summary(stdout)
    assert safe_rows(db, "select count(*) from crawl_locks") == [(0,)]


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_the_first_signal_stops_the_crawl_soon_and_stores_what_is_cleaned(
        fixture_site, tmp_path, signum, code):
    db = tmp_path / "news.db"
    proc = start_crawl(fixture_site, db)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == code, err
    assert err.splitlines()[0] == f"cleanwire: {STOPPING}", err
    assert "Traceback" not in err and "[scrapy" not in err
    assert out.splitlines()[0].startswith("interrupted: crawl of 127.0.0.1:")
    assert_recorded(db, out)
    # the downloads in flight were given up, not counted as failures of the site
    failed = {e for (e,) in safe_rows(db, "select error from fetches where outcome = 'failed'")}
    assert not failed & {Reason.CONNECTION_LOST, Reason.DATA_LOSS, "DownloadFailedError"}
    abandoned = safe_rows(db, "select url from fetches where error = ?", Reason.INTERRUPTED)
    assert (fixture_site.url("/slow/"),) in abandoned


def test_a_second_ctrl_c_aborts_at_once_keeping_what_was_committed(fixture_site, tmp_path):
    db = tmp_path / "news.db"
    proc = start_crawl(fixture_site, db)
    proc.send_signal(signal.SIGINT)
    assert proc.stderr.readline().strip() == f"cleanwire: {STOPPING}"
    committed = safe_rows(db, "select url from articles")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 130, err
    assert err.splitlines()[0] == f"cleanwire: {ABORTING}", err
    assert "Traceback" not in err
    assert set(committed) <= set(safe_rows(db, "select url from articles"))
    assert_recorded(db, out)


def test_schedule_stops_on_the_first_ctrl_c_and_aborts_its_crawls_on_the_second(
        fixture_site, tmp_path):
    fixture_site.slow_seconds = 600
    sites = write_sites(tmp_path / "sites.toml", {"fixture": fixture_site.url("/")},
                        politeness="download_timeout = 900\nmax_page_bytes = 1000000")
    db = tmp_path / "news.db"
    scheduler = spawn("schedule", "--sites", str(sites), "--db", str(db), "--once",
                      "--workers", "1")
    try:
        wait_for(lambda: safe_rows(db, "select count(*) from articles") not in ([], [(0,)]),
                 timeout=180, what="articles stored by the scheduled crawl")
        scheduler.send_signal(signal.SIGINT)
        assert scheduler.stderr.readline().strip() == f"cleanwire: {STOPPING}"
        scheduler.send_signal(signal.SIGINT)
        out, err = scheduler.communicate(timeout=240)
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
    assert scheduler.returncode == 130, err
    assert "stopping: waiting for 1 crawl(s)" in out
    assert f"cleanwire: {ABORTING}" in err.splitlines() and "Traceback" not in err
    [(outcome, new)] = safe_rows(db, "select outcome, articles_new from crawl_runs")
    assert outcome == "interrupted: shutdown"
    assert new == safe_rows(db, "select count(*) from articles")[0][0]
    assert safe_rows(db, "select count(*) from crawl_locks") == [(0,)]
