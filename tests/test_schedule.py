"""Crawl locks and the schedule loop, with real subprocesses against the fixture site:
an overlapping crawl exits 1 naming the holder, stale locks are taken over, the scheduler
keeps crawling a good site while another fails, and SIGTERM stops it gracefully."""

from __future__ import annotations

import ast
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_helpers import ROOT, TEST_ENV, cleanwire, rows
from sqlalchemy import update

from storage.engine import open_engine
from storage.locks import acquire, release
from storage.models import CrawlLock

pytestmark = pytest.mark.slow


def spawn(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CLEANWIRE_")}
    full_env.update({**TEST_ENV, **(env or {})})
    return subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=full_env)


def wait_for(condition: Callable[[], bool], timeout: float = 120, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def safe_rows(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """rows(), or [] while the database or its tables do not exist yet."""
    import sqlite3

    if not db.exists():
        return []
    try:
        return rows(db, sql, *params)
    except sqlite3.OperationalError:
        return []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_sites(path: Path, sites: dict[str, str], every: str | None = None,
                politeness: str = "download_timeout = 2") -> Path:
    body = []
    for name, url in sites.items():
        body.append(f'[sites.{name}]\nstart_urls = ["{url}"]\n'
                    + (f'every = "{every}"\n' if every else "")
                    + f"[sites.{name}.politeness]\n{politeness}\n")
    path.write_text("\n".join(body))
    return path


def test_overlapping_crawl_of_a_site_exits_1_naming_the_holder(fixture_site, tmp_path):
    fixture_site.slow_seconds = 8  # /slow/ keeps the first crawl busy
    sites = write_sites(tmp_path / "sites.toml", {"fixture": fixture_site.url("/")},
                        politeness="download_timeout = 20")
    db = tmp_path / "news.db"
    first = spawn("crawl", "fixture", "--sites", str(sites), "--db", str(db))
    try:
        wait_for(lambda: safe_rows(db, "select pid from crawl_locks where site = 'fixture'")
                 == [(first.pid,)], what="the first crawl's lock")
        second = cleanwire("crawl", "fixture", "--sites", str(sites), "--db", str(db))
        assert second.returncode == 1
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in second.stderr
        assert f"fixture is being crawled already by pid {first.pid} on" in lines[0]
        assert first.poll() is None  # untouched by the second attempt
    finally:
        _, err = first.communicate(timeout=180)
    assert first.returncode == 0, err
    assert rows(db, "select count(*) from crawl_locks") == [(0,)]  # released at the end
    assert rows(db, "select outcome from crawl_runs") == [("ok",)]  # the refused one: no run


def test_stale_locks_are_taken_over_live_ones_are_not(tmp_path):
    engine = open_engine(f"sqlite:///{tmp_path / 'locks.db'}")
    try:
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        assert acquire(engine, "a", stale_after=600, pid=dead.pid) is None
        assert acquire(engine, "a", stale_after=600) is None  # its pid is gone: taken over
        holder = acquire(engine, "b", stale_after=600, pid=os.getppid(), host="elsewhere")
        assert holder is None
        held = acquire(engine, "b", stale_after=600)
        assert held is not None and held.host == "elsewhere"  # fresh heartbeat, other host
        with engine.begin() as connection:  # the holder's last heartbeat, a minute ago
            connection.execute(update(CrawlLock).where(CrawlLock.site == "b").values(
                heartbeat_at=datetime.now(UTC) - timedelta(minutes=1)))
        assert acquire(engine, "b", stale_after=30) is None  # heartbeat too old
        release(engine, "a")
        release(engine, "b")
        assert acquire(engine, "a", stale_after=600, pid=os.getppid()) is None
    finally:
        engine.dispose()


def test_schedule_keeps_crawling_when_another_site_fails(fixture_site, tmp_path):
    fixture_site.slow_seconds = 1
    sites = write_sites(tmp_path / "sites.toml", {
        "good": fixture_site.url("/"), "broken": f"http://127.0.0.1:{free_port()}/"},
        every="3s", politeness="download_timeout = 1\nmax_page_bytes = 1000000")
    db = tmp_path / "news.db"
    scheduler = spawn("schedule", "--sites", str(sites), "--db", str(db), "--workers", "1")
    try:
        def runs(site: str) -> list[tuple[object, ...]]:
            return safe_rows(db, "select r.outcome from crawl_runs r join sites s on "
                                 "s.id = r.site_id where s.name = ? and r.outcome != 'running'",
                             site)
        wait_for(lambda: len(runs("good")) >= 2 and len(runs("broken")) >= 2, timeout=240,
                 what="two finished runs of each site")
        assert scheduler.poll() is None  # a failing site does not stop the loop
    finally:
        scheduler.send_signal(signal.SIGTERM)
        out, err = scheduler.communicate(timeout=180)
    assert scheduler.returncode == 143, err
    assert set(runs("good")) <= {("ok",), ("interrupted: shutdown",)}
    assert ("ok",) in runs("good")
    assert set(runs("broken")) <= {("failed",), ("interrupted: shutdown",)}
    assert "broken: crawl ended (exit 1)" in out and "good: crawl ended (ok)" in out
    assert rows(db, "select count(*) from crawl_locks") == [(0,)]
    assert rows(db, "select count(*) from crawl_runs where outcome = 'running'") == [(0,)]


def test_sigterm_stops_the_scheduler_and_its_crawl_gracefully(fixture_site, tmp_path):
    fixture_site.slow_seconds = 60
    sites = write_sites(tmp_path / "sites.toml", {"fixture": fixture_site.url("/")},
                        politeness="download_timeout = 90\nmax_page_bytes = 1000000")
    db = tmp_path / "news.db"
    scheduler = spawn("schedule", "--sites", str(sites), "--db", str(db), "--once",
                      "--workers", "1")
    try:
        wait_for(lambda: safe_rows(db, "select count(*) from articles") not in ([], [(0,)]),
                 timeout=180, what="articles stored by the scheduled crawl")
        assert scheduler.poll() is None  # /slow/ keeps the crawl running
        scheduler.send_signal(signal.SIGTERM)
        out, err = scheduler.communicate(timeout=180)
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
    assert scheduler.returncode == 143, err
    assert err.splitlines()[0] == "cleanwire: stopping... (Ctrl-C again to abort)", err
    assert "stopping: waiting for 1 crawl(s)" in out
    run = rows(db, "select outcome, finished_at, articles_new from crawl_runs")
    assert len(run) == 1 and run[0][0] == "interrupted: shutdown" and run[0][1] is not None
    assert run[0][2] == rows(db, "select count(*) from articles")[0][0]  # all flushed, counted
    assert rows(db, "select count(*) from crawl_locks") == [(0,)]


_SIGNAL_WHILE_OPENING = """
import os, signal, sqlite3, sys
from crawler import cli
from crawler.pipelines.store import StorePipeline

opened = []
open_spider = StorePipeline.open_spider

def open_then_signal(self, spider=None):
    open_spider(self, spider)  # the run's row is written; the engine is not running yet
    opened.extend(sqlite3.connect(sys.argv[2]).execute(
        "select outcome from crawl_runs").fetchall())
    os.kill(os.getpid(), signal.SIGTERM)  # what a scheduler stopping sends

StorePipeline.open_spider = open_then_signal
code = cli.main(["crawl", sys.argv[1], "--db", sys.argv[2], "--timeout", "5"])
print("opened", opened)
sys.exit(code)
"""


_TRIGGER_AFTER_CLOSE = """
import sys
from crawler import cli
from crawler.pipelines.store import StorePipeline

kept = []
spider_closed = StorePipeline.spider_closed

def closed_then_look(self, spider, reason):
    spider_closed(self, spider, reason)
    from twisted.internet import reactor  # Scrapy's, installed by now

    triggers = reactor._eventTriggers["shutdown"].before
    kept.append(any(trigger[0] == self._finish_if_open for trigger in triggers))
    kept.append(self.repository.engine.pool.checkedin())  # connections left open

StorePipeline.spider_closed = closed_then_look
code = cli.main(["crawl", sys.argv[1], "--db", sys.argv[2], "--max-pages", "5"])
print("kept", kept)
sys.exit(code)
"""


def test_a_finished_run_leaves_no_shutdown_trigger_nor_connection(fixture_site, tmp_path):
    """A long-lived process (a worker, the scheduler's in-process crawls) runs many crawls:
    each StorePipeline drops its before-shutdown trigger and closes its database
    connections once its run is recorded, so finished pipelines are not kept alive."""
    db = tmp_path / "news.db"
    proc = subprocess.run([sys.executable, "-c", _TRIGGER_AFTER_CLOSE, fixture_site.url("/"),
                           str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **TEST_ENV})
    assert "kept [False, 0]" in proc.stdout, proc.stdout + proc.stderr
    assert rows(db, "select outcome from crawl_runs") == [("ok",)]


_GC_DURING_CRAWL = """
import gc, sys
from crawler import cli
from crawler.pipelines.store import StorePipeline

seen = []
flush = StorePipeline.flush

def flush_and_look(self):
    seen.append((gc.get_threshold()[0], gc.get_freeze_count() > 10_000))
    return flush(self)

StorePipeline.flush = flush_and_look
code = cli.main(["crawl", sys.argv[1], "--db", sys.argv[2], "--max-pages", "5"])
print("gc", sorted(set(seen)))
sys.exit(code)
"""


def test_the_crawl_process_collects_garbage_less_often(fixture_site, tmp_path):
    """While a crawl runs, the objects alive at its start are frozen out of the garbage
    collector's sight and young collections wait for CLEANWIRE_GC_THRESHOLD objects."""
    db = tmp_path / "news.db"
    for threshold, expected in (("10000", "gc [(10000, True)]"), ("0", "gc [(700, False)]")):
        proc = subprocess.run([sys.executable, "-c", _GC_DURING_CRAWL, fixture_site.url("/"),
                               str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                              env={**os.environ, **TEST_ENV, "CLEANWIRE_GC_THRESHOLD": threshold})
        assert expected in proc.stdout, proc.stdout + proc.stderr


def test_a_sigterm_while_the_spider_opens_still_records_the_run(fixture_site, tmp_path):
    """A scheduler's SIGTERM can land while the spider is opening: after the store wrote
    the run's crawl_runs row, before Scrapy's engine runs. Scrapy then stops the reactor
    without closing the spider; the run is recorded as interrupted all the same, not left
    'running' (seen in CI: test_schedule_keeps_crawling_when_another_site_fails)."""
    db = tmp_path / "news.db"
    proc = subprocess.run([sys.executable, "-c", _SIGNAL_WHILE_OPENING, fixture_site.url("/"),
                           str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **TEST_ENV})
    assert "opened [('running',)]" in proc.stdout, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert rows(db, "select outcome from crawl_runs") == [("interrupted: shutdown",)]


_ENGINES_OF_A_CRAWL = """
import sys, traceback
import storage.engine

opened = []
real_open = storage.engine.open_engine

def counting_open(*args, **kwargs):
    caller = traceback.extract_stack(limit=2)[0].filename
    opened.append(caller.split("/crawler/")[-1] if "/crawler/" in caller else caller)
    return real_open(*args, **kwargs)

storage.engine.open_engine = counting_open  # before any crawler module binds the name
from crawler import cli

code = cli.main(["crawl", sys.argv[1], "--db", sys.argv[2], "--max-pages", "8"])
print("opened", sorted(opened))
sys.exit(code)
"""


def test_a_crawl_opens_one_engine_for_all_its_parts(fixture_site, tmp_path):
    """The spider's frontier, the learned boilerplate, the store and the lock heartbeat all
    use the crawl's one engine (crawler/store.py); the CLI opens its own before the crawl
    (schema check, site lock)."""
    db = tmp_path / "news.db"
    for _ in range(2):  # the second crawl reads a frontier and learns boilerplate
        proc = subprocess.run([sys.executable, "-c", _ENGINES_OF_A_CRAWL, fixture_site.url("/"),
                               str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                              env={**os.environ, **TEST_ENV})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("opened"))
        opened = ast.literal_eval(line.removeprefix("opened "))
        assert opened.count("store.py") == 1, opened
        assert {o for o in opened if o != "store.py"} <= {"commands/crawl.py", "scheduler.py"}


_COMMIT_OFF_THE_REACTOR = """
import sys, threading
from twisted.internet.task import LoopingCall
from crawler import cli
from crawler.pipelines.store import StorePipeline
from storage.repository import Repository

blocked, release = threading.Event(), threading.Event()
ticks, let_go = [], []
real_store, real_open = Repository.store, StorePipeline.open_spider

def held_store(self, *args, **kwargs):
    if not blocked.is_set():  # the first batch's commit waits until the reactor let it go
        blocked.set()
        let_go.append(release.wait(60))  # False: nobody let it go (the reactor was stuck)
    return real_store(self, *args, **kwargs)

def tick():
    if blocked.is_set() and not release.is_set():
        ticks.append(threading.current_thread().name)
        if len(ticks) >= 5:
            release.set()

def open_and_tick(self, spider=None):
    real_open(self, spider)
    LoopingCall(tick).start(0.02)

Repository.store, StorePipeline.open_spider = held_store, open_and_tick
code = cli.main(["crawl", sys.argv[1], "--db", sys.argv[2], "--max-pages", "12"])
print("ticks", len(ticks), "let go", let_go)
sys.exit(code)
"""


def test_a_commit_does_not_stall_the_reactor(fixture_site, tmp_path):
    """StorePipeline commits on its writer thread: while a batch's commit is held back, the
    reactor keeps running (it is the reactor that lets the commit go), and every page is
    stored once it is."""
    db = tmp_path / "news.db"
    proc = subprocess.run([sys.executable, "-c", _COMMIT_OFF_THE_REACTOR, fixture_site.url("/"),
                           str(db)], cwd=ROOT, capture_output=True, text=True, timeout=180,
                          env={**os.environ, **TEST_ENV, "CLEANWIRE_BATCH_SIZE": "4"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ticks 5 let go [True]" in proc.stdout, proc.stdout + proc.stderr
    assert rows(db, "select outcome from crawl_runs") == [("ok",)]
    stored = rows(db, "select count(*) from articles")[0][0]
    assert stored == rows(db, "select articles_new from crawl_runs")[0][0] > 0


_TERMINATED_HOLDING_THE_LOCK = """
import os, signal, sys
from crawler.commands.crawl import terminate_as_exit
from crawler.profiles import adhoc_profile
from crawler.scheduler import site_locks

with terminate_as_exit(), site_locks([adhoc_profile(["https://a.example/"])], sys.argv[1], 600,
                                      print) as locked:
    print("locked", [p.name for p in locked], flush=True)
    os.kill(os.getpid(), signal.SIGTERM)  # the scheduler stopping, before Scrapy's handler
    print("not reached")
"""


def test_a_crawl_terminated_before_scrapy_starts_releases_its_lock(tmp_path):
    """The scheduler's SIGTERM can reach a crawl while it holds its site's lock but before
    Scrapy has installed its own handler: the lock is released all the same (exit 143)."""
    db = tmp_path / "locks.db"
    proc = subprocess.run([sys.executable, "-c", _TERMINATED_HOLDING_THE_LOCK,
                           f"sqlite:///{db}"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={**os.environ, **TEST_ENV})
    assert proc.returncode == 143, proc.stderr
    assert "locked ['a.example']" in proc.stdout and "not reached" not in proc.stdout
    assert rows(db, "select count(*) from crawl_locks") == [(0,)]
