"""No open doors: no listening sockets, only public http(s) destinations, no leaked passwords.

The crawls run `python -m crawler.cli` against the hostile site (tests/bad_inputs/server.py),
whose traps redirect to file:, ftp:, data:, private and metadata addresses and serve gzip
bombs; the crawl's process tree is watched through /proc while it runs.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from bad_inputs.server import ARTICLE_PATH, TRAPS, HostileServer, gzip_bomb
from cli_helpers import ROOT, TEST_ENV, rows
from proc_probe import descendants, tree_pss_kib
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings

from crawler import settings as cw_settings
from crawler.failures import RefusedRequest
from crawler.middlewares.destinations import SafeDestinationMiddleware, is_private_host, refusal
from crawler.spiders.discovery import TooLarge, maybe_gunzip

SECRET = "SECRETPW"
PG_HOST = "127.0.0.1:5432"
TRUSTED = frozenset({"127.0.0.1:8000", "news.example"})


def _resolver(table: dict[str, list[str]]):
    return lambda host: table.get(host, [])


# ---- destination rules -----------------------------------------------------------------

@pytest.mark.parametrize("url, reason", [
    ("file:///etc/passwd", "refused: scheme"),
    ("ftp://news.example/pub/", "refused: scheme"),
    ("data:text/html,<h1>x</h1>", "refused: scheme"),
    ("javascript:alert(1)", "refused: scheme"),
    ("gopher://news.example/", "refused: scheme"),
    ("http:///no-host", "refused: scheme"),
    ("http://10.0.0.5/", "refused: private address"),
    ("http://192.168.1.1:8080/admin", "refused: private address"),
    ("http://169.254.169.254/latest/meta-data/", "refused: private address"),
    ("http://127.0.0.1:9999/", "refused: private address"),  # not the profile's port
    ("http://localhost:8000/", "refused: private address"),
    ("http://[::1]/", "refused: private address"),
    ("http://[::ffff:127.0.0.1]/", "refused: private address"),
    ("http://0.0.0.0/", "refused: private address"),
    ("http://internal.corp.example/", "refused: private address"),  # resolves to 10.x
    ("http://127.0.0.1:8000/article/", None),  # the profile names this host
    ("https://news.example/a", None),
    ("https://public.example/a", None),
    ("https://unresolvable.example/a", None),  # left to the downloader: "dns"
])
def test_refusal_rules(url: str, reason: str | None):
    resolve = _resolver({"internal.corp.example": ["10.1.1.1"],
                         "public.example": ["93.184.216.34", "2606:2800:220:1::1"]})
    assert refusal(url, TRUSTED, resolve) == reason


def test_hostnames_are_resolved_only_outside_the_profile():
    looked_up: list[str] = []

    def resolve(host: str) -> list[str]:
        looked_up.append(host)
        return ["10.0.0.1"]

    assert refusal("https://news.example/x", TRUSTED, resolve) is None
    assert looked_up == []
    assert is_private_host("other.example", resolve) and looked_up == ["other.example"]


def _middleware(hosts: frozenset[str] = TRUSTED) -> SafeDestinationMiddleware:
    crawler = SimpleNamespace(spider=SimpleNamespace(hosts=hosts), settings=Settings())
    return SafeDestinationMiddleware(crawler, resolve=_resolver({}))


@pytest.mark.parametrize("location, reason", [
    (b"file:///etc/passwd", "refused: scheme"),
    (b"http://10.1.2.3/", "refused: private address"),
    (b"//169.254.169.254/latest/", "refused: private address"),
])
def test_redirects_are_checked_before_they_are_followed(location: bytes, reason: str):
    request = Request("http://127.0.0.1:8000/moved/")
    response = HtmlResponse(request.url, status=302, headers={"Location": location},
                            request=request)
    with pytest.raises(RefusedRequest) as refused:
        _middleware().process_response(request, response)
    assert refused.value.reason == reason
    ok = HtmlResponse(request.url, status=302, headers={"Location": b"/elsewhere/"},
                      request=request)
    assert _middleware().process_response(request, ok) is ok


def test_settings_close_the_doors():
    base = Settings().getdict("DOWNLOADER_MIDDLEWARES_BASE")
    safe = "crawler.middlewares.destinations.SafeDestinationMiddleware"
    order = cw_settings.DOWNLOADER_MIDDLEWARES[safe]
    # process_response runs from high to low: above RedirectMiddleware sees the 3xx first
    assert order > base["scrapy.downloadermiddlewares.redirect.RedirectMiddleware"]
    assert order > base["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"]
    assert not cw_settings.TELNETCONSOLE_ENABLED
    assert cw_settings.EXTENSIONS["scrapy.extensions.telnet.TelnetConsole"] is None
    assert all(cw_settings.DOWNLOAD_HANDLERS[s] is None for s in ("file", "ftp", "s3", "data"))
    assert cw_settings.REDIRECT_MAX_TIMES == 5


def test_sitemap_gunzip_stops_at_the_cap():
    with pytest.raises(TooLarge):
        maybe_gunzip(gzip_bomb(1), 5 * 1024 * 1024)  # 1 MB inflating to 1 GB
    assert maybe_gunzip(gzip.compress(b"<urlset/>"), 1000) == b"<urlset/>"


# ---- sockets of a running crawl --------------------------------------------------------

def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return inodes
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def _tcp_inodes(pid: int) -> tuple[set[int], set[int]]:
    """(listening, all) TCP socket inodes of pid's network namespace."""
    listening, every = set(), set()
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            every.add(int(fields[9]))
            if fields[3] == "0A":  # TCP_LISTEN
                listening.add(int(fields[9]))
    return listening, every


def _listeners(pid: int) -> tuple[set[int], set[int]]:
    """(listening TCP sockets owned by pid's process tree, all its TCP sockets)."""
    listening, every = _tcp_inodes(pid)
    owned = set().union(*(_socket_inodes(p) for p in descendants(pid)))
    return owned & listening, owned & every


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CLEANWIRE_")}
    full_env.update({**TEST_ENV, **(env or {})})
    return subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=ROOT, env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_probe_sees_a_listening_socket():
    with HostileServer(names=()):
        listening, _ = _listeners(os.getpid())
        assert listening  # the server's socket, owned by this test process


@pytest.mark.slow
def test_crawl_opens_no_listening_socket_and_refuses_traps(tmp_path: Path):
    db = tmp_path / "sec.db"
    env = {"CLEANWIRE_DATABASE_URL": f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:1/x"}
    with HostileServer(names=()) as server:
        proc = _cli("crawl", server.url("/"), "--db", f"sqlite:///{db}", "-v", env=env)
        samples, seen, listening, peak_kib = 0, set(), set(), 0
        deadline = time.monotonic() + 180
        while proc.poll() is None and time.monotonic() < deadline:
            peak_kib = max(peak_kib, tree_pss_kib(proc.pid))
            found, tcp = _listeners(proc.pid)
            listening |= found
            seen |= tcp
            samples += 1
            time.sleep(0.1)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    assert samples >= 3 and seen, "the crawl was not observed with a TCP connection"
    assert not listening, f"listening sockets in the crawl's process tree: {listening}"
    # every trap refused with its reason, the article stored, nobody else contacted
    errors = dict(rows(db, "select url, error from fetches where error is not null"))
    for path, (_, reason) in TRAPS.items():
        url = server.url("/trap/loop-b/" if path == "/trap/redirect-loop/" else path)
        assert errors.get(url) == reason, (path, errors.get(url))
    assert rows(db, "select url from articles") == [(server.url(ARTICLE_PATH),)]
    assert server.requests[ARTICLE_PATH] == 1  # not again through the localhost redirect
    loop = server.requests["/trap/redirect-loop/"] + server.requests["/trap/loop-b/"]
    assert loop <= 6  # REDIRECT_MAX_TIMES = 5
    # the 2 GB gzip bomb (2 MB on the wire, under DOWNLOAD_MAXSIZE) was never inflated: the
    # crawl's process tree, sampled with the listeners (RUSAGE_CHILDREN's ru_maxrss would also
    # count the test process's own RSS, which a fork carries over to the child)
    assert peak_kib < 1_500_000
    # the password in the environment appears nowhere, even with Scrapy's verbose log
    assert SECRET not in out + err
    assert not [r for r in rows(db, "select command, arguments from crawl_runs")
                if SECRET in str(r)]


# ---- passwords in database URLs --------------------------------------------------------

@pytest.fixture
def pg_database() -> str:
    """A scratch PostgreSQL database, addressed with a password in its URL."""
    psycopg = pytest.importorskip("psycopg")
    admin = f"postgresql://postgres:{SECRET}@{PG_HOST}/postgres"
    name = f"cleanwire_sec_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_HOST} as postgres: "
                    f"{str(exc).strip().splitlines()[0]}")
    try:
        yield f"postgresql+psycopg://postgres:{SECRET}@{PG_HOST}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_unreachable_database_error_hides_the_password():
    proc = _cli("crawl", "http://127.0.0.1:9/", "--db",
                f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:1/nope")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode != 0 and err.strip()
    assert SECRET not in out + err and "Traceback" not in err


@pytest.mark.slow
def test_postgresql_crawl_never_shows_the_password(pg_database: str):
    import psycopg

    with HostileServer(names=()) as server:
        proc = _cli("crawl", server.url(ARTICLE_PATH), "--max-depth", "1", "-v",
                    env={"CLEANWIRE_DATABASE_URL": pg_database})
        out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err[-2000:]
    assert SECRET not in out + err
    assert "***" in out  # the summary names the database, redacted
    plain = pg_database.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        runs = conn.execute("select command, arguments::text from crawl_runs").fetchall()
        stored = conn.execute("select count(*) from articles").fetchone()
    assert runs and not [r for r in runs if SECRET in str(r)]
    assert stored == (1,)
