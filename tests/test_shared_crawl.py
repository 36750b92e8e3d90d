"""Shared crawls: a seeder and worker processes on one Redis queue (scrapy-redis), storing into
one PostgreSQL database. Real servers: Redis on 127.0.0.1:6379 and PostgreSQL on
127.0.0.1:5432; each test is skipped, saying why, where one is absent.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cli_helpers import ROOT, assert_one_line_error, cleanwire, cleanwire_process, cli_env, rows
from fixture_site import BROKEN_PATH, ROBOTS_PATH, SLOW_PATH, FixtureServer
from pg_helpers import scratch_database
from sqlalchemy import create_engine, text

from crawler.shared.queue import SharedQueue, SiteKeys, dumps, loads, publish_spec

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


def queued_requests(stdout: str) -> int:
    """The number a seeding crawl's "start requests queued" line gives (0 without one)."""
    for line in stdout.splitlines():
        if "start requests queued" in line:
            return int(line.split(": ")[2].split()[0])
    return 0


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
    assert len(second.held()) == 2  # tokens are pop ids
    assert second.ack(sorted(second.held())) == 2 and not shared.client.zcard(keys.inflight("w2"))
    assert second.finish("any") and not shared.client.exists(keys.seen, keys.workers)


def _spider() -> Any:
    import scrapy

    class Spider(scrapy.Spider):
        name = "s"

        def parse(self, response):  # pragma: no cover - never called
            pass

    return Spider()


def test_a_retried_pop_ack_or_push_does_its_work_once(shared):
    """Each script run twice with the same arguments (the client's retry after a lost reply)
    changes Redis once: the same request comes back, nothing else leaves the queue."""
    import scrapy

    spider = _spider()
    keys = shared.keys("site")
    queue = SharedQueue(shared.client, spider, keys, "w1", ttl=600)
    publish_spec(shared.client, keys, json.dumps({"crawl_id": "c1"}), 600)
    for i in range(3):
        queue.push(scrapy.Request(f"http://site/{i}", priority=i))
    request, token = queue.pop(pop_id="pop-1")
    again, same = queue.pop(pop_id="pop-1")  # the retry
    assert (again.url, same) == (request.url, token) == ("http://site/2", "pop-1")
    assert len(queue) == 2 and shared.client.zcard(keys.inflight("w1")) == 1
    assert queue.held() == {"pop-1"}
    assert queue.pop(pop_id="pop-2")[0].url == "http://site/1"  # a new id pops anew
    assert queue.ack(["pop-1"]) == 1 and queue.ack(["pop-1"]) == 0  # the retried ack: a no-op
    assert queue.held() == {"pop-2"} and shared.client.zcard(keys.inflight("w1")) == 1
    assert queue.pop(pop_id="pop-1") is not None  # (ids are never reused; this one pops anew)
    assert queue.requeue_own(["pop-1", "unknown"]) == 1  # gives back only the pops named
    assert queue.held() == {"pop-2"} and len(queue) == 1

    data = dumps({"url": "http://site/new", "priority": 0})
    assert queue.add(data, 0, "fp-new") == 1
    assert queue.add(data, 0, "fp-new") == 0  # the retry: seen, and queued once
    assert len(queue) == 2 and shared.client.zscore(keys.requests, data) is not None
    # every crawl key expires unless pops, acks and pushes keep renewing it
    for key in (keys.spec, keys.requests, keys.seen, keys.workers, keys.inflight("w1"),
                keys.pops("w1")):
        assert 0 < shared.client.pttl(key) <= 600_000, key
    # a worker never reaps itself, even when its heartbeat lapsed (Redis was paused)
    assert not shared.client.exists(keys.heartbeat("w1"))
    assert queue.reap() == 0 and queue.held()


def test_a_pop_retried_after_a_timeout_leaves_nothing_in_flight_unfetched():
    """The cause of a wedged crawl, reproduced: Redis paused past the socket timeout, the
    client retries the pop while the first attempt waits in Redis's buffer; both run once
    Redis resumes. Only the request the worker received is in flight."""
    import threading

    import scrapy
    from scrapy.settings import Settings

    from crawler.shared.crawl import connect

    with private_redis() as (redis_proc, url):
        server = connect(url, Settings({"CLEANWIRE_REDIS_SOCKET_TIMEOUT": 0.3,
                                        "CLEANWIRE_REDIS_RETRY_FOR": 120.0}))
        keys = SiteKeys("stall", "site")
        queue = SharedQueue(server, _spider(), keys, "w1")
        for i in range(5):
            queue.push(scrapy.Request(f"http://site/{i}", priority=i))
        queue.ack([queue.pop()[1]])  # the pop script is loaded (else the stalled one gets NOSCRIPT)
        retried = threading.Event()

        class Watch(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if "Redis did not answer" in record.getMessage():
                    retried.set()

        watch = Watch()
        logging.getLogger("crawler.shared.crawl").addHandler(watch)
        popped: list[Any] = []
        try:
            redis_proc.send_signal(signal.SIGSTOP)
            popper = threading.Thread(target=lambda: popped.append(queue.pop()))
            popper.start()
            assert retried.wait(60)  # the first attempt timed out: it waits in Redis's buffer
            redis_proc.send_signal(signal.SIGCONT)
            popper.join(60)
        finally:
            logging.getLogger("crawler.shared.crawl").removeHandler(watch)
        assert popped and popped[0] is not None
        request, token = popped[0]
        assert request.url == "http://site/3"
        assert server.zcard(keys.inflight("w1")) == 1 and queue.held() == {token}
        assert len(queue) == 3


def test_seeding_anew_a_crawl_that_finished_unnoticed_or_expired(shared):
    """The next seed of a site queues requests unless its crawl has work left: a crawl whose
    last worker died after its work was done starts afresh, and so does an expired one."""
    from crawler.profiles import SiteProfile
    from crawler.shared.crawl import active_specs, publish

    profile = SiteProfile(name="site", start_urls=("http://site/",))
    keys = shared.keys("site")
    first = publish(shared.client, shared.prefix, profile, ttl=600)
    assert publish(shared.client, shared.prefix, profile, ttl=600).crawl_id != first.crawl_id
    # work queued: a second seeder joins
    queue = SharedQueue(shared.client, _spider(), keys, "dead", ttl=600)
    current = json.loads(shared.client.get(keys.spec))["crawl_id"]
    assert queue.add(dumps({"url": "http://site/a", "priority": 0}), 0, "fp-a") == 1
    assert publish(shared.client, shared.prefix, profile, ttl=600).crawl_id == current
    # in flight of a worker that died: given back, and joined
    queue.pop(pop_id="p")
    assert publish(shared.client, shared.prefix, profile, ttl=600).crawl_id == current
    assert len(queue) == 1 and not shared.client.exists(keys.inflight("dead"))
    # all done, but nobody cleared it (the last worker died first): a fresh crawl, fresh seen-set
    queue.pop(pop_id="q")
    queue.ack(["q"])
    fresh = publish(shared.client, shared.prefix, profile, ttl=600)
    assert fresh.crawl_id != current and not shared.client.exists(keys.seen)
    # expired: forgotten by the workers, and the next seed starts afresh
    shared.client.delete(keys.spec)
    assert active_specs(shared.client, shared.prefix) == {}
    assert not shared.client.sismember(keys.sites, "site")
    assert publish(shared.client, shared.prefix, profile, ttl=600).crawl_id != fresh.crawl_id


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


@contextmanager
def private_redis() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A redis-server of the test's own (it may be stopped, paused, resumed): (process, URL)."""
    import shutil
    import socket

    redis = pytest.importorskip("redis")
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
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        client.close()
        yield redis_proc, url
    finally:
        redis_proc.send_signal(signal.SIGCONT)
        redis_proc.terminate()
        redis_proc.wait(timeout=10)


def test_redis_going_away_ends_the_worker_in_one_line(site, tmp_path):
    """A private Redis, shut down mid-crawl: the worker stops, says why in one line, exits 1,
    and what it stored is intact."""
    db = tmp_path / "news.db"
    with private_redis() as (_, url):
        site.slow_seconds = 2
        proc = cleanwire("crawl", site.url("/"), "--redis", url)
        assert proc.returncode == 0, proc.stderr
        # (retrying a refused connection for 2 s, not the default 60 s)
        work = cleanwire_process("worker", "--redis", url, "--db", str(db), "--idle", "30",
                                 env={"CLEANWIRE_REDIS_RETRY_FOR": "2"})
        deadline = time.monotonic() + 60
        while len(site.request_log) < 8:
            assert time.monotonic() < deadline and work.poll() is None
            time.sleep(0.05)
    out, err = work.communicate(timeout=120)
    assert_one_line_error(subprocess.CompletedProcess(work.args, work.returncode, out, err), 1,
                          "shared queue unreachable")
    assert rows(db, "pragma integrity_check") == [("ok",)]
    assert rows(db, "select count(*) from fetches")[0][0] >= 1


class _Lines:
    """A background process's stderr, read as it comes, with an event per awaited text."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        import threading

        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._reader.start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self.lines.append("")  # EOF
            self._changed.notify_all()

    def wait_for(self, text: str, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(
                lambda: any(text in line for line in self.lines) or "" in self.lines, timeout
            ) and any(text in line for line in self.lines)

    def text(self) -> str:
        self._reader.join(60)
        return "".join(self.lines)


def test_a_request_in_a_live_workers_set_that_it_never_received_is_given_back(site, shared,
                                                                              tmp_path):
    """The wedge of issue 21: a request sits in a live worker's in-flight set, but the worker
    never received it (a pop whose reply was lost). Its heartbeat keeps it from being
    reaped; once idle, the worker gives it back and fetches it, and the crawl ends."""
    seed(site, shared)
    keys = shared.keys(site_name(site))
    queue = SharedQueue(shared.client, _spider(), keys, "w1")
    # the pop script ran, its reply never reached the worker
    lost = queue._pop(keys=queue._own_keys(), args=["w1", "lost-reply", queue.ttl_ms])
    assert lost and shared.client.zcard(keys.inflight("w1")) == 1
    db = tmp_path / "news.db"
    out = finish(cleanwire_process("worker", "--redis", REDIS_URL, "--db", str(db), "--id", "w1",
                                   "--idle", "3", "--timeout", "10", *BOUNDS, env=shared.env))
    assert "crawl of" in out
    assert loads(lost)["url"] in {u for (u,) in rows(db, "select url from fetches")}
    counts = json.loads(rows(db, "select counts from crawl_runs")[0][0])
    assert counts["orphans_returned"] == 1
    assert shared.leftovers() == []


def test_a_redis_stall_longer_than_the_socket_timeout_wedges_nothing(site, tmp_path):
    """Redis paused (SIGSTOP) past the workers' socket timeout, then resumed: the workers
    retry their (idempotent) calls, every page is stored, the workers end, the crawl's keys
    are gone and the next seed of the site queues requests."""
    env = {"CLEANWIRE_REDIS_SOCKET_TIMEOUT": "1", "CLEANWIRE_REDIS_RETRY_FOR": "240",
           "CLEANWIRE_REDIS_HEARTBEAT_TTL": "2", "CLEANWIRE_REDIS_POLL": "0.2",
           "CLEANWIRE_REDIS_PREFIX": "stall"}
    with private_redis() as (redis_proc, url):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        client = redis.Redis.from_url(url)
        first = cleanwire("crawl", site.url("/"), "--redis", url, *BOUNDS, env=env)
        assert first.returncode == 0 and "start requests queued" in first.stdout, first.stderr
        dbs = [tmp_path / f"w{i}.db" for i in (1, 2)]
        workers = [cleanwire_process("worker", "--redis", url, "--db", str(db), "--id", f"w{i}",
                                     "--idle", "3", "--timeout", "10", "-v", *BOUNDS, env=env)
                   for i, db in enumerate(dbs, 1)]
        logs = [_Lines(w) for w in workers]
        deadline = time.monotonic() + 60
        while len(site.request_log) < 8:  # mid-crawl
            assert time.monotonic() < deadline and all(w.poll() is None for w in workers)
            time.sleep(0.05)
        redis_proc.send_signal(signal.SIGSTOP)
        try:
            # paused until every worker has had a call time out (a heartbeat, at least), then
            # for five more socket timeouts of a probe: past the heartbeats' TTL too
            for log in logs:
                assert log.wait_for("Redis did not answer", 120), log.lines[-20:]
            probe = redis.Redis.from_url(url, socket_timeout=1, retry=Retry(NoBackoff(), 0))
            for _ in range(5):
                with pytest.raises(redis.TimeoutError):
                    probe.ping()
        finally:
            redis_proc.send_signal(signal.SIGCONT)
        codes = [w.wait(timeout=200) for w in workers]
        errs = [log.text() for log in logs]
        outs = [w.stdout.read() for w in workers if w.stdout is not None]
        assert codes == [0, 0], errs
        assert not any("Traceback" in e for e in errs), errs
        assert all("crawl of" in out for out in outs), outs

        expected = {a.url(site.base_url) for a in site.site.articles}
        stored = set().union(*({u for (u,) in rows(db, "select url from articles")}
                               for db in dbs if db.exists()))
        assert expected <= stored, sorted(expected - stored)
        # the crawl ended: its keys are gone (worker heartbeats expire by themselves)
        left = sorted(k.decode() for k in client.scan_iter("stall:*") if b":worker:" not in k)
        assert left == [], left

        site.reset_counts()
        again = cleanwire("crawl", site.url("/"), "--redis", url, *BOUNDS, env=env)
        assert again.returncode == 0, again.stderr
        assert queued_requests(again.stdout) > 0, again.stdout
        client.close()


def test_a_redis_stall_longer_than_the_retry_budget_ends_the_worker_in_one_line(site, tmp_path):
    """Redis paused past CLEANWIRE_REDIS_RETRY_FOR: the worker gives up and exits 1 with one
    line; once Redis is back, the next seed gives back what the dead worker held, a new
    worker finishes the crawl (every page stored) and the seed after queues requests."""
    env = {"CLEANWIRE_REDIS_SOCKET_TIMEOUT": "0.5", "CLEANWIRE_REDIS_RETRY_FOR": "2",
           "CLEANWIRE_REDIS_HEARTBEAT_TTL": "2", "CLEANWIRE_REDIS_POLL": "0.2",
           "CLEANWIRE_REDIS_PREFIX": "giveup"}
    db = tmp_path / "news.db"
    with private_redis() as (redis_proc, url):
        import redis

        client = redis.Redis.from_url(url)
        seeded = cleanwire("crawl", site.url("/"), "--redis", url, *BOUNDS, env=env)
        assert seeded.returncode == 0, seeded.stderr
        keys = SiteKeys("giveup", site_name(site))
        work = cleanwire_process("worker", "--redis", url, "--db", str(db), "--id", "stalled",
                                 "--idle", "3", "--timeout", "10", *BOUNDS, env=env)
        deadline = time.monotonic() + 60
        while len(site.request_log) < 8:  # mid-crawl
            assert time.monotonic() < deadline and work.poll() is None
            time.sleep(0.05)
        redis_proc.send_signal(signal.SIGSTOP)
        try:
            out, err = work.communicate(timeout=120)  # paused until the worker has given up
        finally:
            redis_proc.send_signal(signal.SIGCONT)
        assert_one_line_error(subprocess.CompletedProcess(work.args, work.returncode, out, err),
                              1, "shared queue unreachable")
        deadline = time.monotonic() + 60
        while client.exists(keys.heartbeat("stalled")):  # its heartbeat runs out
            assert time.monotonic() < deadline
            time.sleep(0.05)

        again = cleanwire("crawl", site.url("/"), "--redis", url, *BOUNDS, env=env)
        assert again.returncode == 0, again.stderr
        assert not client.exists(keys.inflight("stalled"))  # given back by the seeder
        assert client.zcard(keys.requests) > 0
        finish(cleanwire_process("worker", "--redis", url, "--db", str(db), "--id", "next",
                                 "--idle", "3", "--timeout", "10", *BOUNDS, env=env))
        expected = {a.url(site.base_url) for a in site.site.articles}
        stored = {u for (u,) in rows(db, "select url from articles")}
        assert expected <= stored, sorted(expected - stored)
        assert sorted(k.decode() for k in client.scan_iter("giveup:*")
                      if b":worker:" not in k) == []

        last = cleanwire("crawl", site.url("/"), "--redis", url, *BOUNDS, env=env)
        assert last.returncode == 0, last.stderr
        assert queued_requests(last.stdout) > 0, last.stdout
        client.close()


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
