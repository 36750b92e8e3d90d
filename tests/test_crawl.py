"""End-to-end crawls of the local fixture site: real HTTP on 127.0.0.1, a real SQLite file.

Each crawl runs `python -m crawler.cli` in a subprocess (Twisted's reactor starts once per
process), then the tests read what landed in the database and what the server saw.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
from cli_helpers import cleanwire, rows
from fixture_site import (
    BROKEN_PATH,
    FEED_PATH,
    FOOTER_TEXT,
    HUGE_PATH,
    LISTING_PATHS,
    MISSING_PATH,
    MOVED_PATH,
    PAYWALL_PATH,
    PDF_PATH,
    PRIVATE_PATH,
    SECTION_PATHS,
    SITEMAP_INDEX_PATH,
    SLOW_PATH,
    FixtureServer,
    FixtureSite,
)

pytestmark = pytest.mark.slow

BOUNDS = ["--timeout", "1", "--max-page-bytes", "1000000"]


def crawl(server: FixtureServer, db: Path, *args: str, start: str = "/"):
    return cleanwire("crawl", server.url(start), "--db", str(db), *BOUNDS, *args)


@pytest.fixture
def site(fixture_site: FixtureServer) -> FixtureServer:
    fixture_site.slow_seconds = 3
    return fixture_site


def test_full_crawl_stores_every_article_once(site, tmp_path):
    db = tmp_path / "news.db"
    proc = crawl(site, db)
    assert proc.returncode == 0, proc.stderr
    articles = site.site.articles
    stored = dict(rows(db, "select url, text from articles"))
    base = site.base_url
    # every article, linked or sitemap-only, exactly once, under its clean URL
    expected = {a.url(base) for a in articles}
    assert expected <= set(stored), sorted(expected - set(stored))
    assert not [u for u in stored if "utm_" in u or "fbclid" in u]
    assert len(stored) == len({u.rstrip("/") for u in stored})
    for article in articles:
        text = stored[article.url(base)]
        assert article.first_sentence in text
        assert FOOTER_TEXT not in text
    # sitemap-only articles prove the sitemaps (found through robots.txt) were read
    assert site.site.sitemap_only_articles
    assert site.requests[SITEMAP_INDEX_PATH] >= 1 and site.requests[FEED_PATH] >= 1
    # robots.txt is fetched once: its rules and its Sitemap: lines come from one download
    assert site.requests["/robots.txt"] == 1
    assert rows(db, "select outcome from fetches where url = ?", site.url("/robots.txt")) == [
        ("robots",)]


def test_the_database_file_alone_holds_the_crawl(site, tmp_path):
    """The crawl ends with its connections closed, so SQLite folds the write-ahead log into
    the file: a copy of news.db alone (what an analyst takes away) has every article."""
    db = tmp_path / "news.db"
    assert crawl(site, db, "--max-pages", "12").returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.db"]  # no -wal, no -shm
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    stored = rows(db, "select url, content_hash from articles order by url")
    assert stored and rows(copy, "select url, content_hash from articles order by url") == stored


def test_listings_are_followed_but_not_stored(site, tmp_path):
    db = tmp_path / "news.db"
    assert crawl(site, db).returncode == 0
    stored = {u for (u,) in rows(db, "select url from articles")}
    for path in LISTING_PATHS:
        assert site.url(path) not in stored, path
        assert site.requests[path.split("?")[0]] >= 1, path
    outcomes = dict(rows(db, "select url, outcome from fetches where outcome = 'listing'"))
    assert site.url("/") in outcomes


def test_requests_waiting_for_robots_txt_obey_it_too(site, tmp_path):
    """Pages asked for together (a scrape of several URLs, a shared crawl's worker popping
    its queue) wait for robots.txt; every one of them obeys it, not only the first.
    (Scrapy 2.19's own middleware hands the parser to the first waiter only.)"""
    site.robots_seconds = 1.0  # the other requests arrive while robots.txt is on its way
    private = site.url(PRIVATE_PATH)
    articles = [a.url(site.base_url) for a in site.site.articles[:3]]
    urls = [articles[0], private, articles[1], private + "?page=2", articles[2]]
    db = tmp_path / "news.db"
    proc = cleanwire("scrape", *urls, "--db", str(db), "--max-page-bytes", "1000000",
                     "--timeout", "10")
    assert proc.returncode == 0, proc.stderr
    assert site.requests[PRIVATE_PATH] == 0
    assert site.requests["/robots.txt"] == 1
    skipped = rows(db, "select url, error from fetches where outcome = 'skipped'")
    assert sorted(skipped) == [(private, "robots"), (private + "?page=2", "robots")]
    assert {u for (u,) in rows(db, "select url from articles")} == set(articles)


def test_robots_failures_and_limits_are_recorded(site, tmp_path):
    db = tmp_path / "news.db"
    proc = crawl(site, db)
    assert proc.returncode == 0, proc.stderr
    assert site.requests[PRIVATE_PATH] == 0  # Disallow obeyed
    errors = {url: (status, error) for url, status, error in
              rows(db, "select url, status, error from fetches where error is not null")}
    assert errors[site.url(MISSING_PATH)] == (404, "http 404")
    assert errors[site.url(BROKEN_PATH)] == (500, "http 500")
    assert errors[site.url(HUGE_PATH)][1] == "too large"
    assert errors[site.url(SLOW_PATH)][1] == "timeout"
    assert errors[site.url(PRIVATE_PATH)][1] == "robots"
    stored = {u for (u,) in rows(db, "select url from articles")}
    assert site.url(PDF_PATH) not in stored and site.url(MOVED_PATH) not in stored
    assert not any("example.invalid" in u for (u,) in rows(db, "select url from fetches"))
    # the summary a person reads: each reason once, with its count and an example URL;
    # without -v nothing else reaches the terminal (no Scrapy log line)
    assert "articles stored" in proc.stdout and proc.stderr == ""
    reasons = rows(db, "select error, count(*), group_concat(url, ' ') from fetches "
                       "where outcome in ('failed', 'skipped') group by error")
    assert {"http 404", "http 500", "robots", "too large", "timeout"} <= {r[0] for r in reasons}
    for reason, n, urls in reasons:
        shown = re.findall(rf"^    {re.escape(reason)}\s+(\d+)  e\.g\. (\S+)$", proc.stdout,
                           re.MULTILINE)
        assert len(shown) == 1 and int(shown[0][0]) == n and shown[0][1] in urls.split(), reason
    run = rows(db, "select outcome, articles_new, failed, skipped, pages_fetched, counts "
                   "from crawl_runs")
    assert len(run) == 1
    outcome, new, failed, skipped, fetched, counts = run[0]
    assert outcome == "ok" and new == len(site.site.articles)
    assert failed >= 4 and skipped >= 1 and fetched > new
    assert json.loads(counts)["failures_by_reason"]["failed: http 404"] == 1


def test_recrawl_is_idempotent(site, tmp_path):
    db = tmp_path / "news.db"
    assert crawl(site, db).returncode == 0
    first = rows(db, "select id, url, content_hash, first_seen_at from articles order by id")
    proc = crawl(site, db, "--revisit", "all")  # every stored article asked for again
    assert proc.returncode == 0, proc.stderr
    second = rows(db, "select id, url, content_hash, first_seen_at from articles order by id")
    assert first == second
    assert f"unchanged {len(first)}" in proc.stdout
    assert rows(db, "select count(*) from crawl_runs") == [(2,)]
    assert rows(db, "pragma integrity_check") == [("ok",)]


def test_max_pages_caps_page_requests(site, tmp_path):
    db = tmp_path / "news.db"
    proc = crawl(site, db, "--max-pages", "5")
    assert proc.returncode == 0, proc.stderr
    pages = [p for p in site.requests if p not in ("/robots.txt",) and not p.endswith(
        (".xml", ".xml.gz"))]
    assert sum(site.requests[p] for p in pages if p != "/") <= 5 + 2  # + retries of one 500


def test_crawl_from_feed_only_and_from_sitemap_only(site, tmp_path):
    db = tmp_path / "feed.db"
    proc = crawl(site, db, "--max-depth", "1", start=FEED_PATH)
    assert proc.returncode == 0, proc.stderr
    stored = {u for (u,) in rows(db, "select url from articles")}
    assert {a.url(site.base_url) for a in site.site.feed_articles} <= stored
    db2 = tmp_path / "sitemap.db"
    proc = crawl(site, db2, "--max-depth", "1", start=SITEMAP_INDEX_PATH)
    assert proc.returncode == 0, proc.stderr
    stored = {u for (u,) in rows(db2, "select url from articles")}
    assert {a.url(site.base_url) for a in site.site.sitemap_only_articles} <= stored


def test_nothing_stored_exits_1_with_one_line(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    db = tmp_path / "none.db"
    proc = cleanwire("crawl", f"http://127.0.0.1:{port}/", "--db", str(db), *BOUNDS)
    assert proc.returncode == 1
    assert "nothing could be stored" in proc.stderr and "Traceback" not in proc.stderr
    assert "connection refused" in proc.stdout
    assert set(rows(db, "select error from fetches")) == {("connection refused",)}
    assert rows(db, "select outcome from crawl_runs") == [("failed",)]
    assert proc.stderr.splitlines() == [
        f"cleanwire: cannot reach 127.0.0.1:{port}: connection refused. Is the server up, and "
        "the port right?",
        "cleanwire: nothing could be stored (see the failures in the summary)"]
    assert re.search(rf"^    connection refused\s+\d+  e\.g\. http://127\.0\.0\.1:{port}/",
                     proc.stdout, re.MULTILINE)


def test_an_unresolvable_host_is_one_line_that_says_so(tmp_path):
    db = tmp_path / "none.db"
    proc = cleanwire("crawl", "http://cleanwire-test.invalid/", "--db", str(db), *BOUNDS)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "cleanwire: cannot reach cleanwire-test.invalid: DNS lookup failed. Offline?",
        "cleanwire: nothing could be stored (see the failures in the summary)"]
    assert re.search(r"^    dns\s+\d+  e\.g\. http://cleanwire-test\.invalid/", proc.stdout,
                     re.MULTILINE)
    assert set(rows(db, "select error from fetches")) == {("dns",)}


def test_scrape_prints_and_stores_exactly_the_given_pages(site, tmp_path):
    db = tmp_path / "scrape.db"
    a, b = site.site.linked_articles[:2]
    proc = cleanwire("scrape", a.url(site.base_url), b.url(site.base_url) + "?utm_source=x",
                     "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    printed = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [p["url"] for p in printed] == [a.url(site.base_url), b.url(site.base_url)]
    assert printed[0]["title"] == a.title
    assert rows(db, "select count(*) from articles") == [(2,)]
    assert site.requests["/"] == 0 and site.requests[FEED_PATH] == 0  # no discovery
    proc = cleanwire("scrape", a.url(site.base_url), "--no-store", "--format", "text",
                     "--db", str(tmp_path / "unused.db"))
    assert proc.returncode == 0 and a.first_sentence in proc.stdout
    assert not (tmp_path / "unused.db").exists()


def test_scrapy_native_crawl_command(site, tmp_path):
    import subprocess
    import sys

    from cli_helpers import ROOT

    db = tmp_path / "native.db"
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"start={site.url('/')}",
         "-s", f"CLEANWIRE_DATABASE_URL=sqlite:///{db}", "-s", "DOWNLOAD_TIMEOUT=1",
         "-s", "DOWNLOAD_MAXSIZE=1000000", "-s", "LOG_LEVEL=WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert rows(db, "select count(*) from articles")[0][0] == len(site.site.articles)


def test_crawl_by_site_profile_applies_filters_and_noise_selectors(site, tmp_path):
    sport = [a for a in site.site.linked_articles if a.section == "sport"]
    assert sport, "the fixture site has sport articles"
    sites = tmp_path / "sites.toml"
    sites.write_text(f"""
[sites.fixture]
start_urls = ["{site.url('/')}"]
deny = ['^/sport/', '/2025/01/\\\\d+/.*match']
noise_selectors = ["p.byline", "figure"]
[sites.fixture.politeness]
download_timeout = 1
max_page_bytes = 1000000
""", encoding="utf-8")
    db = tmp_path / "profile.db"
    proc = cleanwire("crawl", "fixture", "--sites", str(sites), "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("crawl of fixture")
    assert site.requests["/sport/"] == 0
    assert rows(db, "select name from sites") == [("fixture",)]
    stored = {u for (u,) in rows(db, "select url from articles")}
    assert site.site.linked_articles[0].url(site.base_url) in stored
    env_proc = cleanwire("crawl", "fixture", "--db", str(tmp_path / "env.db"),
                         env={"CLEANWIRE_SITES": str(sites)})
    assert env_proc.returncode == 0, env_proc.stderr


def test_portal_articles_under_opaque_urls_are_all_stored(tmp_path):
    """Issue 18: a portal serving its stories under opaque addresses (/news/0000-<hex>.html,
    ?idx=, .php?id=, /p/<hex>), each declaring NewsArticle in JSON-LD, og:type article and
    article:published_time, inside a mega-menu, a "most read" box and a teaser grid, some
    only a lede and a paragraph long: a crawl stores every one of them, whole. (Before the
    page type trusted what a page declares, 6 of the 24 were typed listing and dropped.)
    Its listings are still not stored, and its paywall stub is recorded as paywalled."""
    with FixtureServer(FixtureSite(opaque=True), slow_seconds=3) as server:
        db = tmp_path / "portal.db"
        proc = crawl(server, db)
        assert proc.returncode == 0, proc.stderr
        articles = server.site.articles
        assert {a.path.split("?")[0].rsplit("/", 1)[0] for a in articles} >= {"/news", "/p"}
        assert any("?idx=" in a.path for a in articles)
        assert any(".php?id=" in a.path for a in articles)
        stored = dict(rows(db, "select url, text from articles"))
        expected = {a.url(server.base_url) for a in articles}
        assert expected <= set(stored), sorted(expected - set(stored))
        for article in articles:
            text = stored[article.url(server.base_url)]
            assert all(p in text for p in article.paragraphs), article.path
        for path in ("/", *SECTION_PATHS):
            assert server.url(path) not in stored, path
        assert rows(db, "select outcome from fetches where url = ?",
                    server.url(PAYWALL_PATH)) == [("paywalled",)]
        assert server.url(PAYWALL_PATH) not in stored
        (non_articles,) = rows(db, "select non_articles from crawl_runs")[0]
        assert non_articles >= 1 + len(SECTION_PATHS)
        assert "paywalled: 1" in proc.stdout
