"""A crawl killed with SIGKILL midway resumes from the database: the stored articles are
the frontier. The test profile uses refresh_after = "0s" ("never re-fetch a stored
article"), so no article stored by the killed run may be requested again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_helpers import cleanwire, count_articles, kill_when, rows
from fixture_site import FixtureServer

pytestmark = pytest.mark.slow

SLOW_PROFILE = """[sites.fixture]
start_urls = ["{start}"]
refresh_after = "0s"
[sites.fixture.politeness]
download_timeout = 2
max_page_bytes = 1000000
autothrottle = false
concurrent_requests_per_domain = 1
download_delay = 0.4
"""


def test_sigkilled_crawl_resumes_without_refetching_stored_articles(
        fixture_site: FixtureServer, tmp_path: Path) -> None:
    fixture_site.slow_seconds = 5  # longer than download_timeout: /slow/ fails, as usual
    sites = tmp_path / "sites.toml"
    sites.write_text(SLOW_PROFILE.format(start=fixture_site.url("/")))
    db = tmp_path / "news.db"
    killed = kill_when(lambda: count_articles(db) >= 5, "crawl", "fixture", "--sites",
                       str(sites), "--db", str(db), "--workers", "1",
                       env={"CLEANWIRE_BATCH_SECONDS": "0.3"})

    articles = fixture_site.site.articles
    stored_first = {u for (u,) in rows(db, "select url from articles")}
    assert 5 <= len(stored_first) < len(articles)
    assert rows(db, "select outcome from crawl_runs") == [("running",)]  # left as it was
    assert rows(db, "select pid from crawl_locks") == [(killed,)]  # a dead holder's lock
    first_requests = dict(fixture_site.requests)
    fixture_site.reset_counts()

    proc = cleanwire("crawl", "fixture", "--sites", str(sites), "--db", str(db),
                     "--workers", "1", env={"CLEANWIRE_BATCH_SECONDS": "0.3"}, timeout=300)
    assert proc.returncode == 0, proc.stderr

    assert rows(db, "pragma integrity_check") == [("ok",)]
    urls = [u for (u,) in rows(db, "select url from articles")]
    assert len(urls) == len(set(urls)) == len(articles)  # the site is finished, each once
    assert {a.url(fixture_site.base_url) for a in articles} == set(urls)
    # nothing stored by the killed run was fetched again (the /moved/ redirect lands on one
    # article: that one is reached through the redirect, which is not an article URL)
    moved_target = fixture_site.site.moved_target
    refetched = {a.path for a in articles if a.url(fixture_site.base_url) in stored_first
                 and fixture_site.requested(a.path) and a.path != moved_target}
    assert not refetched, refetched
    twice = [a.path for a in articles if a.path != moved_target
             and first_requests.get(a.path, 0) + fixture_site.requested(a.path) > 1
             and a.url(fixture_site.base_url) in stored_first]
    assert not twice
    runs = rows(db, "select outcome from crawl_runs order by id")
    assert runs == [("killed",), ("ok",)]  # the dead pid's run is marked, the resume is ok
    assert rows(db, "select count(*) from crawl_locks") == [(0,)]
    known = re.search(r"known, not fetched\s+(\d+)", proc.stdout)
    assert known and int(known[1]) == len(stored_first), proc.stdout
