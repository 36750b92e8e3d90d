"""Crawls of servers that never run out (tests/bad_inputs/endless.py): endless response
headers, sitemap indexes that never bottom out, a 20 MB sitemap.

Each crawl is a real `cleanwire crawl` process against a server on 127.0.0.1; it must end
(a liveness bound, not a timing), record what happened in fetches and crawl_runs, and keep
its whole process tree under 500 MB of memory (PSS summed over the tree, read from /proc
while it runs).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bad_inputs.endless import ENDLESS_HEADERS, LIVENESS_BYTES, EndlessServer
from bad_inputs.server import ARTICLE_PATH
from cli_helpers import cleanwire_process, rows
from proc_probe import Watched, watch

pytestmark = pytest.mark.slow

MEMORY_BOUND_MIB = 500
LIVENESS_S = 240  # a crawl still running after this is a hang


def _crawl(server: EndlessServer, tmp_path: Path, *args: str, start: tuple[str, ...] = ("/",),
           sitemaps: tuple[str, ...] = (), env: dict[str, str] | None = None
           ) -> tuple[Watched, dict[str, tuple[str, str | None]], dict[str, object]]:
    """(what the crawl did, url -> (outcome, error) of its fetches, its crawl_runs.counts)."""
    db = tmp_path / "endless.db"
    sites = tmp_path / "sites.toml"
    listed = lambda paths: ", ".join(f'"{server.url(p)}"' for p in paths)  # noqa: E731
    sites.write_text(f"[sites.endless]\nstart_urls = [{listed(start)}]\n"
                     f"sitemaps = [{listed(sitemaps)}]\n"
                     "[sites.endless.politeness]\nautothrottle = false\n"
                     "concurrent_requests_per_domain = 8\n", encoding="utf-8")
    proc = cleanwire_process("crawl", "endless", "--sites", str(sites), "--db", str(db),
                             "--timeout", "20", *args, env=env)
    watched = watch(proc, LIVENESS_S)
    assert watched.returncode is not None, f"the crawl did not end in {LIVENESS_S} s"
    assert "Traceback" not in watched.stdout + watched.stderr, watched.stderr[-3000:]
    fetched = {url: (outcome, error) for url, outcome, error in rows(
        db, "select url, outcome, error from fetches")}
    counts = json.loads(rows(db, "select counts from crawl_runs")[0][0])
    return watched, fetched, counts


def test_endless_response_headers_fail_once_and_the_connection_is_dropped(tmp_path: Path):
    with EndlessServer() as server:
        watched, fetched, counts = _crawl(server, tmp_path)
    assert watched.returncode == 0, watched.stderr[-2000:]
    assert fetched[server.url(ENDLESS_HEADERS)] == ("failed", "too large headers")
    assert server.requests[ENDLESS_HEADERS] == 1  # not retried
    # the crawler hung up: the server's writes failed after the cap (256 KB) plus what
    # the sockets' buffers held, far from what it would have sent
    assert server.hung_up[ENDLESS_HEADERS] == 1
    assert server.sent[ENDLESS_HEADERS] < 64 << 20 < LIVENESS_BYTES
    assert fetched[server.url(ARTICLE_PATH)] == ("new", None)  # the crawl went on
    assert counts["failures_by_reason"]["failed: too large headers"] == 1
    assert watched.peak_pss_mib < MEMORY_BOUND_MIB, watched.peak_pss_mib
