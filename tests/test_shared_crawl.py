"""Shared crawls: a seeder and worker processes on one Redis queue (scrapy-redis), storing into
one PostgreSQL database. Real servers: Redis on 127.0.0.1:6379 and PostgreSQL on
127.0.0.1:5432; each test is skipped, saying why, where one is absent.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cli_helpers import ROOT, assert_one_line_error, cleanwire, cleanwire_process, cli_env, rows
from fixture_site import BROKEN_PATH, ROBOTS_PATH, SLOW_PATH, FixtureServer
from pg_helpers import scratch_database
from sqlalchemy import create_engine, text

from crawler.shared.queue import SharedQueue, SiteKeys, dumps, loads

pytestmark = pytest.mark.slow

REDIS_URL = "redis://127.0.0.1:6379/0"
BOUNDS = ["--max-page-bytes", "1000000"]


@dataclass
class SharedRedis:
    client: Any
    prefix: str

    @property
    def env(self) -> dict[str, str]:
        return {"CLEANWIRE_REDIS_PREFIX": self.prefix, "CLEANWIRE_REDIS_HEARTBEAT_TTL": "2",
                "CLEANWIRE_REDIS_POLL": "0.2"}

    def keys(self, site: str) -> SiteKeys:
        return SiteKeys(self.prefix, site)

    def leftovers(self) -> list[str]:
        """Keys of the crawl still in Redis (worker heartbeats expire by themselves)."""
        return sorted(k.decode() for k in self.client.scan_iter(f"{self.prefix}:*")
                      if b":worker:" not in k)


@pytest.fixture
def shared() -> Iterator[SharedRedis]:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at 127.0.0.1:6379: {exc}")
    state = SharedRedis(client, f"cwtest-{uuid.uuid4().hex[:10]}")
    yield state
    for key in client.scan_iter(f"{state.prefix}:*"):
        client.delete(key)


@pytest.fixture
def pg_db(pg_base_url: str) -> Iterator[str]:
    with scratch_database(pg_base_url) as url:
        yield url


def query(db_url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def site_name(server: FixtureServer) -> str:
    return server.base_url.split("://", 1)[1].rstrip("/")


def seed(server: FixtureServer, shared: SharedRedis, *args: str) -> subprocess.CompletedProcess:
    proc = cleanwire("crawl", server.url("/"), "--redis", REDIS_URL, *BOUNDS, *args,
                     env=shared.env)
    assert proc.returncode == 0, proc.stderr
    assert "start requests queued" in proc.stdout, proc.stdout
    return proc


def worker(db: str, shared: SharedRedis, name: str, *args: str,
           env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return cleanwire_process("worker", "--redis", REDIS_URL, "--db", db, "--id", name,
                             "--idle", "3", "--timeout", "10", *BOUNDS, *args,
                             env={**shared.env, **(env or {})})


def finish(proc: subprocess.Popen[str], timeout: float = 150, code: int = 0) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == code, err
    assert "Traceback" not in err, err
    return out


def shared_runs(db: str) -> list[tuple[Any, ...]]:
    return query(db, "select arguments, outcome, pages_fetched, articles_new, non_articles, "
                     "failed, skipped, counts from crawl_runs order by id")


@pytest.fixture
def site(fixture_site: FixtureServer) -> FixtureServer:
    fixture_site.slow_seconds = 0
    return fixture_site


def test_codec_round_trips_requests_without_pickle():
    request = {"url": "http://a.example/x", "headers": {b"If-None-Match": [b"\"e1\""]},
               "body": b"\x00\xff", "meta": {"cw_depth": 2, "redirect_urls": ["http://a/"],
                                             "obj": object()}, "priority": 100}
    data = dumps(request)
    assert b"pickle" not in data and data.startswith(b"{")
    back = loads(data)
    assert back["headers"] == {b"If-None-Match": [b"\"e1\""]} and back["body"] == b"\x00\xff"
    assert back["meta"] == {"cw_depth": 2, "redirect_urls": ["http://a/"]}  # objects dropped


def test_a_workers_run_is_judged_by_itself_not_by_the_pages_the_queue_handed_it():
    """A lone process that stored nothing while pages failed has failed (the site is down
    or blocks us); a shared crawl's worker that drew only the failing page has not."""
    from crawler.pipelines.store import run_outcome
    from storage.repository import RunCounts

    only_a_500 = RunCounts(pages_fetched=1, failed=1, failures_by_reason={"failed: http 500": 1})
    assert run_outcome("finished", only_a_500) == "failed"
    assert run_outcome("finished", only_a_500, shared=True) == "ok"
    assert run_outcome("finished", only_a_500, known=3) == "ok"  # stored ones passed over
    assert run_outcome("finished", RunCounts(articles_new=1, failed=4)) == "ok"
    store_error = RunCounts(failed=2, failures_by_reason={"failed: store error": 2})
    assert run_outcome("finished", store_error, shared=True) == "failed"
    assert run_outcome("shutdown", RunCounts(articles_new=5), shared=True) == (
        "interrupted: shutdown")


def test_queue_moves_requests_through_in_flight_and_back(shared):
    """pop -> in flight; ack removes; a dead worker's requests go back; finish forgets."""
    import scrapy

    class Spider(scrapy.Spider):
        name = "s"

        def parse(self, response):  # pragma: no cover - never called
            pass

    spider = Spider()
    keys = shared.keys("site")
    first, second = (SharedQueue(shared.client, spider, keys, w) for w in ("w1", "w2"))
    for i in range(3):
        first.push(scrapy.Request(f"http://site/{i}", priority=i, callback=spider.parse))
    request, token = first.pop()
    assert request.url == "http://site/2"  # highest priority first
    assert len(first) == 2 and first.pending() == 3
    shared.client.set(keys.heartbeat("w1"), "alive", px=60_000)
    assert second.reap() == 0  # w1 is alive: its in-flight request stays with it
    first.ack([token])
    assert first.pending() == 2
    _, token = first.pop()
    shared.client.delete(keys.heartbeat("w1"))  # w1 dies holding one request
    assert not second.finish("any")
    assert second.reap() == 1 and len(second) == 2
    assert {second.pop()[0].url, second.pop()[0].url} == {"http://site/0", "http://site/1"}
    assert second.requeue_own() == 2 and len(second) == 2  # a graceful close returns them
    while second.pop() is not None:
        pass
    second.ack(list(shared.client.zrange(keys.inflight("w2"), 0, -1)))
    assert second.finish("any") and not shared.client.exists(keys.seen, keys.workers)


def test_seeder_only_queues_then_two_workers_share_the_crawl(site, shared, pg_db, tmp_path):
    reference = tmp_path / "one-process.db"  # the same crawl, one process, no Redis
    proc = cleanwire("crawl", site.url("/"), "--db", str(reference), "--timeout", "10", *BOUNDS)
    assert proc.returncode == 0, proc.stderr
    site.reset_counts()

    seed(site, shared)
    assert sum(site.requests.values()) == 0  # seeding fetches nothing
    crawl_id = json.loads(shared.client.get(shared.keys(site_name(site)).spec))["crawl_id"]

    workers = [worker(pg_db, shared, name) for name in ("w1", "w2")]
    outputs = [finish(w) for w in workers]
    assert all("crawl of" in out for out in outputs)

    expected = {a.url(site.base_url) for a in site.site.articles}
    stored = [u for (u,) in query(pg_db, "select url from articles")]
    assert expected <= set(stored) and len(stored) == len(set(stored))
    assert sorted(stored) == sorted(u for (u,) in rows(reference, "select url from articles"))
    # every URL fetched once within the crawl (retries of the failing page aside; each
    # worker reads robots.txt for itself)
    requested = Counter(path for _, path, _ in site.request_log)
    twice = {p: n for p, n in requested.items() if n > 1 and p not in (ROBOTS_PATH, BROKEN_PATH)}
    assert not twice, twice
    assert requested[ROBOTS_PATH] <= 3
    fetched = query(pg_db, "select url, count(*) from fetches group by url having count(*) > 1")
    assert not fetched, fetched
    # the workers' runs add up to the one-process crawl
    runs = shared_runs(pg_db)
    assert len(runs) == 2 and {r[0]["shared_crawl"] for r in runs} == {crawl_id}
    assert {r[0]["worker"] for r in runs} == {"w1", "w2"} and {r[1] for r in runs} == {"ok"}
    totals = [sum(r[i] for r in runs) for i in (2, 3, 4, 5, 6)]
    one = rows(reference, "select pages_fetched, articles_new, non_articles, failed, skipped "
                          "from crawl_runs")[0]
    assert totals == list(one)
    assert totals[1] == len(stored)
    assert shared.leftovers() == []  # the crawl is over: queue, seen-set and spec are gone

    # the next scheduled crawl, once the articles are due (an hour on, on a clock injected
    # into the workers), is incremental across workers: stored articles are asked for with
    # conditional GETs, nothing is stored anew
    site.reset_counts()
    seed(site, shared)
    due = {"CLEANWIRE_REVISIT_NOW": (datetime.now(UTC) + timedelta(minutes=61)).isoformat()}
    for w in [worker(pg_db, shared, name, env=due) for name in ("w3", "w4")]:
        finish(w)
    again = shared_runs(pg_db)[2:]
    assert len(again) == 2 and sum(r[3] for r in again) == 0
    assert sum(r[7].get("not_modified", 0) for r in again) >= len(expected)
    article_paths = {u.removeprefix(site.base_url) for u in expected}
    asked = [h for _, path, h in site.request_log if path in article_paths]
    assert asked and all("If-None-Match" in h or "If-Modified-Since" in h for h in asked)
    assert query(pg_db, "select count(*) from articles") == [(len(stored),)]


def test_a_killed_worker_loses_no_request(site, shared, pg_db):
    site.slow_seconds = 4  # the slow page keeps the first worker's request in flight
    seed(site, shared)
    keys = shared.keys(site_name(site))
    first = worker(pg_db, shared, "doomed")
    deadline = time.monotonic() + 60
    while site.requests[SLOW_PATH] == 0:
        assert time.monotonic() < deadline and first.poll() is None, first.poll()
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)  # reaped: its cleaning processes see it gone and exit too
    first.communicate(timeout=30)
    in_flight = shared.client.zcard(keys.inflight("doomed"))
    assert in_flight >= 1  # it died holding work

    survivor = worker(pg_db, shared, "survivor")
    finish(survivor)

    expected = {a.url(site.base_url) for a in site.site.articles} | {site.url(SLOW_PATH)}
    stored = [u for (u,) in query(pg_db, "select url from articles")]
    assert expected <= set(stored), sorted(expected - set(stored))
    assert len(stored) == len(set(stored))
    runs = {r[0]["worker"]: r for r in shared_runs(pg_db)}
    assert runs["doomed"][1] == "running"  # killed: its run never finished
    assert runs["survivor"][1] == "ok"
    assert runs["survivor"][7]["requeued_from_dead_workers"] >= in_flight
    assert shared.leftovers() == []


def test_worker_and_seeder_errors_are_one_line(shared, tmp_path):
    proc = cleanwire("worker", "--db", str(tmp_path / "x.db"))
    assert_one_line_error(proc, 2, "worker needs --redis URL")
    proc = cleanwire("worker", "--redis", "redis://127.0.0.1:1/0", "--db", str(tmp_path / "x.db"))
    assert_one_line_error(proc, 1, "Redis at redis://127.0.0.1:1/0")
    proc = cleanwire("crawl", "http://127.0.0.1:1/", "--work")
    assert_one_line_error(proc, 2, "--work needs --redis")
    proc = cleanwire("crawl", "http://127.0.0.1:1/", "--redis", "redis://:s3cret@127.0.0.1:1/0")
    assert_one_line_error(proc, 1, "redis://:***@127.0.0.1:1/0")
    assert "s3cret" not in proc.stderr


def test_a_plain_crawl_imports_nothing_of_the_shared_queue(site, tmp_path):
    # (the redis client library itself may be loaded: datasketch imports it, optionally)
    script = (
        "import sys\n"
        "from crawler.cli import main\n"
        f"code = main(['crawl', {site.url('/')!r}, '--db', {str(tmp_path / 'n.db')!r}])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'scrapy_redis'"
        " or m.startswith('crawler.shared'))\n"
        "print(code, loaded)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=cli_env())
    assert proc.stdout.strip().splitlines()[-1] == "0 []", proc.stdout + proc.stderr


def test_redis_going_away_ends_the_worker_in_one_line(site, tmp_path):
    """A private Redis, shut down mid-crawl: the worker stops, says why in one line, exits 1,
    and what it stored is intact."""
    import shutil
    import socket

    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server not installed (needed to start a Redis of this test's own)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    redis_proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    db = tmp_path / "news.db"
    try:
        import redis

        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        site.slow_seconds = 2
        proc = cleanwire("crawl", site.url("/"), "--redis", url)
        assert proc.returncode == 0, proc.stderr
        work = cleanwire_process("worker", "--redis", url, "--db", str(db), "--idle", "30")
        deadline = time.monotonic() + 60
        while len(site.request_log) < 8:
            assert time.monotonic() < deadline and work.poll() is None
            time.sleep(0.05)
    finally:
        redis_proc.terminate()
        redis_proc.wait(timeout=10)
    out, err = work.communicate(timeout=120)
    assert_one_line_error(subprocess.CompletedProcess(work.args, work.returncode, out, err), 1,
                          "shared queue unreachable")
    assert rows(db, "pragma integrity_check") == [("ok",)]
    assert rows(db, "select count(*) from fetches")[0][0] >= 1


def test_a_stopped_worker_leaves_the_rest_of_the_crawl_to_others(site, shared, pg_db):
    seed(site, shared)
    keys = shared.keys(site_name(site))
    first = worker(pg_db, shared, "stopped")
    deadline = time.monotonic() + 60
    while len(site.request_log) < 6:
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.05)
    first.send_signal(signal.SIGTERM)
    out = finish(first, code=143)  # a graceful stop: exit 143, its summary printed
    assert "interrupted: crawl of" in out
    assert shared.client.zcard(keys.requests) > 0  # the rest is still queued
    assert not shared.client.exists(keys.inflight("stopped"))  # it kept nothing

    finish(worker(pg_db, shared, "other"))
    expected = {a.url(site.base_url) for a in site.site.articles}
    stored = {u for (u,) in query(pg_db, "select url from articles")}
    assert expected <= stored, sorted(expected - stored)
    runs = {r[0]["worker"]: r[1] for r in shared_runs(pg_db)}
    assert runs == {"stopped": "interrupted: shutdown", "other": "ok"}
