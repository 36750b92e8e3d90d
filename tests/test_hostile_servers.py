"""Crawls of servers that never run out (tests/bad_inputs/endless.py): endless response
headers, sitemap indexes that never bottom out, a 20 MB sitemap, an answer that never comes.

Each crawl is a real `cleanwire crawl` process against a server on 127.0.0.1; it must end
(a liveness bound, not a timing), record what happened in fetches and crawl_runs, and keep
its whole process tree under 500 MB of memory (PSS summed over the tree, read from /proc
while it runs).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from bad_inputs.endless import (
    BIG_SITEMAP_LAST,
    ENDLESS_HEADERS,
    LIVENESS_BYTES,
    SILENT,
    EndlessServer,
    big_sitemap,
)
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
    started = time.monotonic()
    watched = watch(proc, LIVENESS_S)
    test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
    print(f"\n{test}: {time.monotonic() - started:.1f} s, "
          f"peak tree PSS {watched.peak_pss_mib:.0f} MB")  # the closing note's figures
    assert watched.returncode is not None, f"the crawl did not end in {LIVENESS_S} s"
    assert "Traceback" not in watched.stdout + watched.stderr, watched.stderr[-3000:]
    fetched = {url: (outcome, error) for url, outcome, error in rows(
        db, "select url, outcome, error from fetches")}
    counts = json.loads(rows(db, "select counts from crawl_runs")[0][0])
    return watched, fetched, counts


def _with_reason(fetched: dict[str, tuple[str, str | None]], reason: str) -> list[str]:
    return [url for url, (_, error) in fetched.items() if error == reason]


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


def test_sitemap_indexes_nested_too_deep_stop_at_the_depth_cap(tmp_path: Path):
    # every index lists 3 more: 1 + 3 + 9 + 27 fetched (depth 0-3), then 81 too deep
    with EndlessServer(robots_sitemaps=("/sitemaps/index-3/r.xml",),
                       home_links=(ARTICLE_PATH,)) as server:
        watched, fetched, counts = _crawl(server, tmp_path, "--max-pages", "50",
                                          "--max-depth", "1")
    assert watched.returncode == 0, watched.stderr[-2000:]
    assert server.requested("/sitemaps/") == 40
    assert sum(outcome == "sitemap" for outcome, _ in fetched.values()) == 40
    too_deep = _with_reason(fetched, "sitemap depth")
    assert len(too_deep) == 1  # recorded once, under the first URL at depth 4
    assert too_deep[0].rsplit("/", 1)[1].count("-") == 4
    assert fetched[too_deep[0]] == ("skipped", "sitemap depth")
    assert counts["sitemaps_too_deep"] == 81
    assert "sitemaps_over_cap" not in counts
    assert counts["failures_by_reason"]["skipped: sitemap depth"] == 1
    assert watched.peak_pss_mib < MEMORY_BOUND_MIB, watched.peak_pss_mib


def test_a_recursive_sitemap_index_stops_at_the_sitemap_cap(tmp_path: Path):
    """Every entry another index of 1,000 entries: the issue's case (760 sitemaps and 2.2 GB
    after 150 s, with these --max-pages and --max-depth). The cap is lowered to 50 here to
    keep the test short; at the default (1,000) the same crawl fetches 1,000."""
    with EndlessServer(home_links=(ARTICLE_PATH,)) as server:
        watched, fetched, counts = _crawl(server, tmp_path, "--max-pages", "50",
                                          "--max-depth", "1",
                                          sitemaps=("/sitemaps/index-1000/r.xml",),
                                          env={"CLEANWIRE_MAX_SITEMAPS": "50"})
    assert watched.returncode == 0, watched.stderr[-2000:]
    assert server.requested("/sitemaps/") == 50
    assert sum(outcome == "sitemap" for outcome, _ in fetched.values()) == 50
    over = _with_reason(fetched, "too many sitemaps")
    assert len(over) == 1 and fetched[over[0]] == ("skipped", "too many sitemaps")
    # each of the 50 indexes read listed 1,000: 49 of those entries were fetched, every
    # other one was counted as not fetched (past the cap, or too deep if any got that far)
    not_fetched = counts["sitemaps_over_cap"] + counts.get("sitemaps_too_deep", 0)
    assert not_fetched == 50 * 1000 - 49
    assert counts["failures_by_reason"]["skipped: too many sitemaps"] == 1
    assert fetched[server.url(ARTICLE_PATH)] == ("new", None)
    assert watched.peak_pss_mib < MEMORY_BOUND_MIB, watched.peak_pss_mib


@pytest.mark.parametrize("path, how", [("/sitemaps/big.xml", "robots"),
                                       ("/sitemaps/big.xml.gz", "start")])
def test_a_20_mb_sitemap_is_read_to_its_end(tmp_path: Path, path: str, how: str):
    with EndlessServer(robots_sitemaps=(path,) if how == "robots" else (),
                       home_links=(ARTICLE_PATH,)) as server:
        start = ("/",) if how == "robots" else (path,)
        watched, fetched, _ = _crawl(server, tmp_path, "--max-pages", "3", start=start)
        size = len(big_sitemap(server.base_url))
    assert size > 20_000_000  # 4 x the page cap (DOWNLOAD_MAXSIZE)
    assert fetched[server.url(path)] == ("sitemap", None)
    # its last entry, an ftp: URL, was read and refused: the 50,000 entries were all read
    assert fetched[BIG_SITEMAP_LAST] == ("skipped", "refused: scheme")
    assert server.requested("/news/") <= 3  # --max-pages
    assert watched.peak_pss_mib < MEMORY_BOUND_MIB, watched.peak_pss_mib


def test_a_sitemap_past_the_sitemap_cap_fails_too_large(tmp_path: Path):
    with EndlessServer(robots_sitemaps=("/sitemaps/big.xml",),
                       home_links=(ARTICLE_PATH,)) as server:
        watched, fetched, _ = _crawl(server, tmp_path, "--max-pages", "3",
                                     env={"CLEANWIRE_SITEMAP_MAXSIZE": "10000000"})
    assert watched.returncode == 0, watched.stderr[-2000:]
    assert fetched[server.url("/sitemaps/big.xml")] == ("failed", "too large")
    assert BIG_SITEMAP_LAST not in fetched
    assert server.requested("/news/") == 0
    assert watched.peak_pss_mib < MEMORY_BOUND_MIB, watched.peak_pss_mib


def test_a_url_that_never_answers_costs_two_timeouts_not_three(tmp_path: Path):
    with EndlessServer(home_links=(ARTICLE_PATH, SILENT)) as server:
        watched, fetched, _ = _crawl(server, tmp_path, "--timeout", "3")
    assert watched.returncode == 0, watched.stderr[-2000:]
    assert fetched[server.url(SILENT)] == ("failed", "timeout")
    assert server.requests[SILENT] == 2  # retried once (CLEANWIRE_TIMEOUT_RETRIES), not twice
    assert fetched[server.url(ARTICLE_PATH)] == ("new", None)
    assert watched.peak_pss_mib < MEMORY_BOUND_MIB, watched.peak_pss_mib
