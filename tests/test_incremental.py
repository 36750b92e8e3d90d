"""Incremental re-crawls of the fixture site: known articles skipped until due, then
re-fetched conditionally (304) on a clock injected with CLEANWIRE_REVISIT_NOW, `--revisit
all|none`, edits caught and archived as versions, sitemap lastmod forcing a re-fetch,
bot-challenge pages recorded as blocked. Crawls run as `cleanwire` subprocesses."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
from cli_helpers import assert_one_line_error, cleanwire, rows
from fixture_site import SITEMAP_NEWS_PATH, FixtureServer

from cleaners import CLEANER_VERSION
from crawler.middlewares.retry import blocked_reason, retry_after_seconds
from crawler.profiles import ProfileError, load_profiles, parse_duration

pytestmark = pytest.mark.slow

BOUNDS = ["--timeout", "1", "--max-page-bytes", "1000000"]


@pytest.fixture
def site(fixture_site: FixtureServer) -> FixtureServer:
    fixture_site.slow_seconds = 2
    return fixture_site


def sites_file(tmp_path: Path, server: FixtureServer, refresh_after: str | None = None,
               name: str = "fixture") -> Path:
    extra = f'refresh_after = "{refresh_after}"\n' if refresh_after is not None else ""
    path = tmp_path / "sites.toml"
    path.write_text(f'[sites.{name}]\nstart_urls = ["{server.url("/")}"]\n{extra}')
    return path


def crawl(sites: Path, db: Path, *args: str, name: str = "fixture",
          env: dict[str, str] | None = None):
    return cleanwire("crawl", name, "--sites", str(sites), "--db", str(db), *BOUNDS, *args,
                     env=env)


def article_paths(server: FixtureServer) -> set[str]:
    return {a.path for a in server.site.articles}


def summary_value(stdout: str, label: str) -> int:
    match = re.search(rf"^\s+{re.escape(label)}\s+(\d+)", stdout, re.MULTILINE)
    assert match, stdout
    return int(match[1])


def article_requests(server: FixtureServer) -> int:
    """Requests the server received for article pages since its counts were reset."""
    return sum(server.requested(path) for path in article_paths(server))


def clock(at: datetime) -> dict[str, str]:
    """The environment that makes a crawl decide what is due as if it were at (injected)."""
    return {"CLEANWIRE_REVISIT_NOW": at.isoformat()}


def test_second_crawl_right_after_the_first_requests_almost_no_articles(site, tmp_path):
    db, sites = tmp_path / "news.db", sites_file(tmp_path, site)  # default refresh_after 2d
    first = crawl(sites, db)
    assert first.returncode == 0, first.stderr
    n = len(site.site.articles)
    first_articles = article_requests(site)
    assert first_articles >= n
    site.reset_counts()
    second = crawl(sites, db)
    assert second.returncode == 0, second.stderr
    second_articles = article_requests(site)
    assert second_articles <= 0.05 * n, sorted(site.paths_requested() & article_paths(site))
    for path in ("/robots.txt", "/sitemap_index.xml", "/feed.xml", "/", "/world/"):
        assert site.requested(path) >= 1, path  # discovery and listings are always re-read
    # at most /moved/'s target: the first crawl had it already when the redirect landed
    # there, so the redirect is stored as an alias (and skipped) only from this crawl on
    stored = rows(db, "select count(*) from articles")[0][0]
    assert summary_value(second.stdout, "known, not fetched") >= stored
    assert summary_value(second.stdout, "revisited") == 0
    run = rows(db, "select outcome, articles_new from crawl_runs order by id desc limit 1")
    assert run == [("ok", 0)]
    # every stored article is scheduled: due an hour after its fetch, three hours after a
    # re-fetch that found it unchanged (the redirect target)
    schedule = dict(rows(db, "select revisit_interval, count(*) from articles group by 1"))
    assert schedule.get(3600) == stored - second_articles
    assert schedule.get(3 * 3600, 0) == second_articles
    print(f"article requests: first crawl {first_articles}, second crawl {second_articles} "
          f"({n} article pages)")


def test_edit_is_caught_once_its_interval_has_passed_and_not_before(site, tmp_path):
    db, sites = tmp_path / "news.db", sites_file(tmp_path, site)
    assert crawl(sites, db).returncode == 0
    first_articles = article_requests(site)
    done = datetime.now(UTC)  # every article fetched by now: each is due done + 1 h at latest
    n_stored = rows(db, "select count(*) from articles")[0][0]
    article = site.site.linked_articles[3]
    url = article.url(site.base_url)
    edited = "Officials corrected the figures on Thursday after an internal review."
    site.set_page(article.path, site.site.article_html(site.base_url, article).replace(
        escape(article.first_sentence), edited))

    site.reset_counts()  # 30 minutes later: nothing is due, the edit is not seen yet
    early = crawl(sites, db, env=clock(done + timedelta(minutes=30)))
    assert early.returncode == 0, early.stderr
    early_articles = article_requests(site)
    assert site.requested(article.path) == 0
    assert early_articles <= 1  # /moved/'s target (see the test above), not due either
    assert rows(db, "select version from articles where url = ?", url) == [(1,)]
    hourly = {urlsplit(u).path for (u,) in rows(
        db, "select url from articles where revisit_interval = 3600")}
    assert article.path in hourly and len(hourly) == n_stored - early_articles

    site.reset_counts()  # 61 minutes later: those are due, asked for conditionally
    due = crawl(sites, db, env=clock(done + timedelta(minutes=61)))
    assert due.returncode == 0, due.stderr
    due_articles = article_requests(site)
    asked = {p: h for _, p, h in site.request_log if p in article_paths(site)}
    assert set(asked) == hourly and due_articles == len(hourly)
    assert all("If-None-Match" in h and "If-Modified-Since" in h for h in asked.values())
    (version, text), = rows(db, "select version, text from articles where url = ?", url)
    assert version == 2 and edited in text  # caught
    run = rows(db, "select max(id) from crawl_runs")[0][0]
    fetched = rows(db, "select outcome, revisit, count(*) from fetches where crawl_run_id = ? "
                       "and revisit is not null group by 1, 2 order by 1", run)
    assert fetched == [("not modified", "due", len(hourly) - 1), ("updated", "due", 1)]
    assert summary_value(due.stdout, "revisited") == len(hourly)
    assert f"due: {len(hourly)}" in due.stdout
    intervals = dict(rows(db, "select url, revisit_interval from articles"))
    assert intervals.pop(url) == 3600  # changed: back to the first interval
    assert set(intervals.values()) == {3 * 3600}  # no change (a 304): the next longer one

    site.reset_counts()  # two hours later: only the changed article is due again
    later = crawl(sites, db, env=clock(done + timedelta(hours=2)))
    assert later.returncode == 0, later.stderr
    later_articles = article_requests(site)
    assert site.paths_requested() & article_paths(site) == {article.path}
    assert site.requested(article.path) == 1
    print("article requests (crawl: requests):", {
        "first": first_articles, "+30 min": early_articles, "+61 min": due_articles,
        "+2 h": later_articles})


def test_revisit_none_never_and_all_always_refetch_with_conditional_gets(site, tmp_path):
    db, sites = tmp_path / "news.db", sites_file(tmp_path, site)
    first = crawl(sites, db)
    assert first.returncode == 0, first.stderr
    n = len(site.site.articles)
    stored = rows(db, "select count(*) from articles")[0][0]
    long_after = clock(datetime.now(UTC) + timedelta(hours=5))  # everything due by then
    target = next(a for a in site.site.articles if a.sitemap == SITEMAP_NEWS_PATH)
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    site.set_page(SITEMAP_NEWS_PATH, with_lastmod(site, target, future))  # "it changed"
    site.reset_counts()
    none = crawl(sites, db, "--revisit", "none", env=long_after)
    assert none.returncode == 0, none.stderr
    # nothing stored is asked for, whether due or with a newer lastmod; only a URL new to
    # the store can lead to a stored article: /moved/'s redirect target (see above)
    refetched = site.paths_requested() & article_paths(site)
    assert refetched <= {site.site.moved_target} and site.requested(target.path) == 0
    assert article_requests(site) == len(refetched) <= 1
    assert summary_value(none.stdout, "revisited") == 0
    assert summary_value(none.stdout, "known, not fetched") >= stored - 1
    before = dict(rows(db, "select url, last_fetched_at from articles"))
    site.reset_counts()
    proc = crawl(sites, db, "--revisit", "all")  # nothing is due now: all the same
    assert proc.returncode == 0, proc.stderr
    conditional = [(path, headers) for _, path, headers in site.request_log
                   if "If-None-Match" in headers]
    # every article was asked for once, conditionally, with the stored validators
    assert {p for p, _ in conditional} == article_paths(site)
    assert site.requested("/moved/") == 0  # a known redirect: its target is asked for
    assert all("If-Modified-Since" in h for _, h in conditional)
    unconditional = [p for _, p, h in site.request_log
                     if p in article_paths(site) and "If-None-Match" not in h]
    assert unconditional == []
    # 304: a fetch row "not modified", last_fetched_at bumped, nothing re-cleaned or updated
    run = rows(db, "select max(id) from crawl_runs")[0][0]
    outcomes = dict(rows(db, "select outcome, count(*) from fetches where crawl_run_id = ? "
                             "group by outcome", run))
    assert outcomes["not modified"] == stored == n
    assert "new" not in outcomes and "updated" not in outcomes
    assert rows(db, "select revisit, count(*) from fetches where crawl_run_id = ? and "
                    "revisit is not null group by 1", run) == [("forced", stored)]
    after = dict(rows(db, "select url, last_fetched_at from articles"))
    assert all(after[u] > before[u] for u in before)
    assert summary_value(proc.stdout, "not modified") == stored
    assert summary_value(proc.stdout, "known, not fetched") == 0
    assert f"forced: {stored}" in proc.stdout
    assert rows(db, "select count(*) from article_versions") == [(0,)]
    bad = crawl(sites, db, "--revisit", "sometimes")
    assert bad.returncode == 2 and "--revisit" in bad.stderr
    mistyped = crawl(sites, db, env={"CLEANWIRE_REVISIT_INTERVALS": "3h,1h"})
    assert_one_line_error(mistyped, 2, "CLEANWIRE_REVISIT_INTERVALS")


def test_recrawl_outside_refresh_window_fetches_only_discovery_pages(site, tmp_path):
    db, sites = tmp_path / "news.db", sites_file(tmp_path, site, refresh_after="0s")
    assert crawl(sites, db).returncode == 0
    first_requests = sum(site.requests.values())
    site.reset_counts()
    proc = crawl(sites, db)
    assert proc.returncode == 0, proc.stderr
    requested = site.paths_requested()
    refetched = requested & article_paths(site)
    assert len(refetched) <= 1, refetched  # at most the /moved/ redirect target
    for path in ("/robots.txt", "/sitemap_index.xml", "/feed.xml", "/", "/world/"):
        assert path in requested, path  # discovery and listings are always re-read
    second_requests = sum(site.requests.values())
    assert second_requests < first_requests - len(site.site.articles) + 2
    assert summary_value(proc.stdout, "known, not fetched") >= len(site.site.articles) - 1
    run = rows(db, "select outcome, articles_new from crawl_runs order by id desc limit 1")
    assert run == [("ok", 0)]
    print(f"requests: first crawl {first_requests}, second crawl {second_requests}")


def test_edited_article_is_archived_and_history_shows_the_diff(site, tmp_path):
    db, sites = tmp_path / "news.db", sites_file(tmp_path, site)
    assert crawl(sites, db).returncode == 0
    article = site.site.linked_articles[3]
    url = article.url(site.base_url)
    html = site.site.article_html(site.base_url, article)
    edited = "Officials corrected the figures on Thursday after an internal review."
    original = escape(article.first_sentence)
    assert original in html
    site.set_page(article.path, html.replace(original, edited))
    proc = crawl(sites, db, env=clock(datetime.now(UTC) + timedelta(minutes=61)))  # all due
    assert proc.returncode == 0, proc.stderr
    assert "updated 1" in proc.stdout
    (article_id, version, text), = rows(db, "select id, version, text from articles "
                                            "where url = ?", url)
    assert version == 2 and edited in text and article.first_sentence not in text
    archived = rows(db, "select version, text from article_versions where article_id = ?",
                    article_id)
    assert len(archived) == 1 and archived[0][0] == 1 and article.first_sentence in archived[0][1]
    assert rows(db, "select count(*) from article_versions") == [(1,)]  # others unchanged
    # provenance: the archived text was made by this cleaner and replaced by a re-fetch
    assert rows(db, "select reason, cleaner_version from article_versions") == [
        ("refetch", CLEANER_VERSION)]
    assert rows(db, "select count(*) from articles where cleaner_version = ? "
                "and title_source is not null", CLEANER_VERSION) == rows(
        db, "select count(*) from articles")
    history = cleanwire("history", url, "--db", str(db))
    assert history.returncode == 0, history.stderr
    out = history.stdout
    assert "2 version(s)" in out and "version 2 (current)" in out
    assert "--- version 1" in out and "+++ version 2" in out
    assert any(line.startswith("-") and article.first_sentence in line
               for line in out.splitlines())
    assert any(line.startswith("+") and edited in line for line in out.splitlines())
    # the edit kept the page's dateModified: the documented stealth-edit query finds it
    assert [r[0] for r in rows(db, stealth_edit_sql())] == [url]
    unknown = cleanwire("history", site.url("/nope/"), "--db", str(db))
    assert unknown.returncode == 1 and "no article stored under" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1


def stealth_edit_sql() -> str:
    """The stealth-edit query of docs/scheduling.md, as analysts would paste it."""
    doc = (Path(__file__).resolve().parent.parent / "docs" / "scheduling.md").read_text()
    after = doc.split("Stealth edits", 1)[1]
    return after.split("```sql", 1)[1].split("```", 1)[0]


def with_lastmod(server: FixtureServer, article, lastmod: str) -> str:
    """The news sitemap with article's lastmod changed."""
    xml = server.site.news_sitemap(server.base_url)
    loc = f"<loc>{article.url(server.base_url)}</loc>"
    head, tail = xml.split(loc, 1)
    tail = re.sub(r"<lastmod>[^<]*</lastmod>", f"<lastmod>{lastmod}</lastmod>", tail, count=1)
    return head + loc + tail


def test_newer_sitemap_lastmod_forces_a_refetch(site, tmp_path):
    db, sites = tmp_path / "news.db", sites_file(tmp_path, site, refresh_after="0s")
    assert crawl(sites, db).returncode == 0
    news = [a for a in site.site.articles if a.sitemap == SITEMAP_NEWS_PATH]
    target, other = news[0], news[1]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    site.set_page(SITEMAP_NEWS_PATH, with_lastmod(site, target, future))
    site.reset_counts()
    proc = crawl(sites, db)
    assert proc.returncode == 0, proc.stderr
    assert site.requested(target.path) == 1
    assert site.requested(other.path) == 0
    forced = [h for _, p, h in site.request_log if p == target.path]
    assert "If-None-Match" not in forced[0]  # the sitemap says it changed: a plain GET
    run = rows(db, "select max(id) from crawl_runs")[0][0]
    assert rows(db, "select url, revisit from fetches where crawl_run_id = ? and revisit is "
                    "not null", run) == [(target.url(site.base_url), "lastmod")]
    assert "lastmod: 1" in proc.stdout


def test_challenge_page_is_recorded_as_blocked_not_stored(site, tmp_path):
    db, sites = tmp_path / "news.db", sites_file(tmp_path, site)
    article = site.site.linked_articles[0]
    site.set_page(article.path, "<!DOCTYPE html><html><head><title>Just a moment...</title>"
                  "</head><body><div id='cf-browser-verification'>Checking your browser"
                  "</div></body></html>")
    assert crawl(sites, db).returncode == 0
    url = article.url(site.base_url)
    assert rows(db, "select count(*) from articles where url = ?", url) == [(0,)]
    assert rows(db, "select outcome, error from fetches where url = ?", url) == [
        ("failed", "blocked: challenge")]


# ---- pure parts ---------------------------------------------------------------------------

def test_parse_duration():
    assert [parse_duration(v) for v in ("90s", "30m", "2h", "1d", "0s", 45)] == [
        90, 1800, 7200, 86400, 0, 45]
    for bad in ("soon", "-5m", "10w", ""):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_profile_every_and_refresh_after(tmp_path):
    path = tmp_path / "sites.toml"
    path.write_text('[sites.a]\nstart_urls = ["https://a.example/"]\nevery = "30m"\n'
                    'refresh_after = "6h"\n[sites.b]\nstart_urls = ["https://b.example/"]\n')
    profiles = load_profiles(path)
    assert (profiles["a"].every, profiles["a"].refresh_after) == (1800, 6 * 3600)
    assert (profiles["b"].every, profiles["b"].refresh_after) == (None, 2 * 86400)
    path.write_text('[sites.a]\nstart_urls = ["https://a.example/"]\nevery = "often"\n')
    with pytest.raises(ProfileError, match="every"):
        load_profiles(path)


def test_blocked_reason_markers():
    assert blocked_reason(403, b"<html>Forbidden</html>") == "blocked: 403"
    assert blocked_reason(429, b"") == "blocked: 429"
    assert blocked_reason(503, b"<title>Just a moment...</title>") == "blocked: challenge"
    assert blocked_reason(200, b"<html><title>Attention Required! | Cloudflare</title>") == (
        "blocked: challenge")
    short_captcha = b"<html><form><div class='g-recaptcha'></div></form></html>"
    assert blocked_reason(200, short_captcha) == "blocked: challenge"
    long_article = b"<html><p>" + b"news " * 4000 + b"</p><form class='g-recaptcha'></form>"
    assert blocked_reason(200, long_article) is None
    assert blocked_reason(404, b"not found") is None


def test_retry_after_values():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None


# ---- politeness: Retry-After, blocked answers ---------------------------------------------

class _Refusing(BaseHTTPRequestHandler):
    """/busy/: 429 with Retry-After: 2 on the first request, then the page; /denied/: 403."""

    hits: ClassVar[list[tuple[str, float, str]]] = []

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        self.hits.append((self.path, time.monotonic(), self.headers.get("User-Agent", "")))
        busy = sum(1 for p, _, _ in self.hits if p == "/busy/")
        if self.path == "/busy/" and busy == 1:
            self._send(429, b"slow down", {"Retry-After": "2"})
        elif self.path == "/busy/":
            body = ("<html><head><title>Quay reopens</title></head><body><article><h1>Quay "
                    "reopens</h1><p>" + "The north quay reopened on Tuesday. " * 20 +
                    "</p></article></body></html>").encode()
            self._send(200, body, {"Content-Type": "text/html; charset=utf-8"})
        elif self.path == "/robots.txt":
            self._send(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
        else:
            self._send(403, b"<html>Forbidden</html>", {"Content-Type": "text/html"})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_429_waits_for_retry_after_and_403_is_recorded_as_blocked(tmp_path):
    _Refusing.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    db = tmp_path / "polite.db"
    try:
        proc = cleanwire("scrape", f"{base}/busy/", f"{base}/denied/", "--db", str(db),
                         env={"CLEANWIRE_CONTACT_URL": "https://example.org/contact"})
    finally:
        server.shutdown()
        server.server_close()
    busy = [t for p, t, _ in _Refusing.hits if p == "/busy/"]
    assert len(busy) == 2 and busy[1] - busy[0] >= 1.9  # waited for Retry-After: 2
    assert "The north quay reopened" in proc.stdout
    assert all("+https://example.org/contact" in ua for _, _, ua in _Refusing.hits)
    assert [p for p, _, _ in _Refusing.hits].count("/denied/") == 1  # 403: no retry
    assert rows(db, "select error from fetches where url = ?", f"{base}/denied/") == [
        ("blocked: 403",)]
    assert rows(db, "select count(*) from articles where url like ?", "%/denied/") == [(0,)]
