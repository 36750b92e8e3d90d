"""Issue 24: drift alerts (`cleanwire health`, exit 3) and the site-health report.

One database for the module: 14 simulated days of daily crawls of three sites, stored
through the real Repository with an injected clock; then, today, a real crawl of the fixture
site after a template change (its article container moved into a hydration payload), a
blocked crawl of one site and a healthy one of the third.
"""

from __future__ import annotations

import html as htmlmod
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_helpers import cleanwire
from fixture_site import FixtureServer
from health_history import Clock, days_before, simulated_crawl
from lxml import html as lxml_html

from cleaners import clean_page
from storage.contract import Reason
from storage.engine import open_engine
from storage.health import AlertName, Category, Thresholds, alerts_of, health
from storage.repository import Repository

pytestmark = pytest.mark.slow

DAYS = 14
FIXTURE, STEADY, WALLED = "fixture", "steady", "walled"
STEADY_HOST, WALLED_HOST = "steady.example", "walled.example"


def moved_template(page: str) -> str:
    """The template change: the story body leaves the HTML for a JSON hydration payload,
    leaving an empty container that a script would fill."""
    body = re.search(r'<div class="story-body">(.*?)</div>', page, re.S)
    assert body, "the fixture article has a story-body container"
    paragraphs = [htmlmod.unescape(p) for p in re.findall(r"<p>(.*?)</p>", body.group(1), re.S)]
    payload = json.dumps({"body": paragraphs}).replace("</", "<\\/")
    return page.replace(body.group(0), '<div class="story-body" id="story-root"></div>\n'
                        f'<script type="application/json" id="__STORY__">{payload}</script>')


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """(db path, the time of the simulated history's last crawl + 1 h, now)."""
    tmp = tmp_path_factory.mktemp("health")
    db = tmp / "health.db"
    with FixtureServer() as server:
        base, host = server.base_url, server.host
        pages = [replace(clean_page(server.site.article_html(base, a).encode(), a.url(base)),
                         canonical_url=None) for a in server.site.articles]
        assert all(p.page_type == "article" and p.word_count > 200 for p in pages)
        engine = open_engine(f"sqlite:///{db}")
        real_now = datetime.now(UTC)
        clock = Clock(real_now)
        repo = Repository(engine, clock=clock)
        for k, when in days_before(real_now, DAYS):
            todays = [pages[(k * 4 + i) % len(pages)] for i in range(4)]
            for site, site_host, hour in ((FIXTURE, host, 0), (STEADY, STEADY_HOST, 1),
                                          (WALLED, WALLED_HOST, 2)):
                simulated_crawl(repo, clock, site, site_host, when + timedelta(hours=hour),
                                todays, url_of=lambda p, s=site_host, k=k: _day_url(s, k, p))
        # today, two hours ago: a healthy crawl, and a crawl that hits a wall of 403/429
        today = real_now - timedelta(hours=2)
        simulated_crawl(repo, clock, STEADY, STEADY_HOST, today, pages[:4],
                        url_of=lambda p: _day_url(STEADY_HOST, 0, p))
        simulated_crawl(repo, clock, WALLED, WALLED_HOST, today, pages[4:5],
                        failures=[Reason.blocked(403)] * 4 + [Reason.blocked(429)] * 2)
        engine.dispose()
        # the fixture site's template changes; a real crawl of it stores what it now gives
        for article in server.site.articles:
            server.set_page(article.path, moved_template(server.site.article_html(base, article)))
        sites = tmp / "sites.toml"
        sites.write_text(f'[sites.{FIXTURE}]\nstart_urls = ["{base}/"]\n'
                         f"[sites.{FIXTURE}.politeness]\ndownload_timeout = 1\n"
                         "max_page_bytes = 1000000\n", encoding="utf-8")
        proc = cleanwire("crawl", FIXTURE, "--sites", str(sites), "--db", str(db))
        assert proc.returncode == 0, proc.stderr
    history_end = real_now - timedelta(days=1) + timedelta(hours=3)
    return db, history_end, datetime.now(UTC)


def _day_url(host: str, day: int, page) -> str:
    path = page.url.split("/", 3)[3]
    return f"http://{host}/day{day}/{path}"


def _health(db: Path, now: datetime, **changes) -> list:
    engine = open_engine(f"sqlite:///{db}", read_only=True)
    try:
        return health(engine, Thresholds().replace(**changes), now)
    finally:
        engine.dispose()


def test_a_healthy_history_raises_no_alert(world):
    db, history_end, _ = world
    healths = _health(db, history_end)
    assert {h.site for h in healths} == {FIXTURE, STEADY, WALLED}
    assert all(h.recent.runs == 1 and h.baseline.runs == DAYS - 1 for h in healths)
    assert alerts_of(healths) == []
    proc = cleanwire("health", "--db", str(db), env={"CLEANWIRE_NOW": history_end.isoformat()})
    assert proc.returncode == 0, proc.stderr
    assert "healthy: 3 sites, no alerts" in proc.stdout


def test_template_change_and_block_raise_their_alerts_on_their_sites_only(world):
    db, _, now = world
    alerts = alerts_of(_health(db, now))
    by_site = {site: {a.name for a in alerts if a.site == site} for site in
               (FIXTURE, STEADY, WALLED)}
    # the template change: words fell from the baseline's ~370 to the lede and byline
    assert AlertName.WORDS_DROPPED in by_site[FIXTURE]
    assert {a.category for a in alerts if a.site == FIXTURE} == {Category.EXTRACTION}
    dropped = next(a for a in alerts if a.name is AlertName.WORDS_DROPPED)
    assert dropped.recent < 0.5 * dropped.baseline
    assert by_site[WALLED] == {AlertName.BLOCKS_SPIKED}
    assert by_site[STEADY] == set()
    proc = cleanwire("health", "--db", str(db), "--format", "json")
    assert proc.returncode == 3, proc.stderr
    reported = json.loads(proc.stdout)["alerts"]
    assert {(a["site"], a["alert"]) for a in reported} == {
        (a.site, str(a.name)) for a in alerts}
    table = cleanwire("health", "--db", str(db), "--site", WALLED)
    assert table.returncode == 3 and "blocks-spiked" in table.stdout, table.stderr


def test_thresholds_come_from_the_environment_and_flags(world):
    db, _, _ = world
    env = {"CLEANWIRE_HEALTH_WORDS_DROP": "0.99", "CLEANWIRE_HEALTH_BLOCK_RISE": "0.99"}
    assert cleanwire("health", "--db", str(db), env=env).returncode == 0
    bad = cleanwire("health", "--db", str(db), env={"CLEANWIRE_HEALTH_WORDS_DROP": "half"})
    assert bad.returncode == 2 and "CLEANWIRE_HEALTH_WORDS_DROP" in bad.stderr
    negative = cleanwire("health", "--db", str(db), "--baseline-days", "-1")
    assert negative.returncode == 2 and "baseline_days" in negative.stderr
    # the last crawl of each site as the recent window finds the same alerts
    by_runs = cleanwire("health", "--db", str(db), "--recent-runs", "1", "--format", "json")
    assert by_runs.returncode == 3
    assert {a["site"] for a in json.loads(by_runs.stdout)["alerts"]} == {FIXTURE, WALLED}


@pytest.fixture(scope="module")
def report(world, tmp_path_factory):
    db, _, _ = world
    out = tmp_path_factory.mktemp("report") / "report.html"
    proc = cleanwire("report", "--db", str(db), "-o", str(out), "--days", "30")
    assert proc.returncode == 0, proc.stderr
    return out


def test_report_is_one_self_contained_file_with_alerts_first(report):
    text = report.read_text(encoding="utf-8")
    doc = lxml_html.fromstring(text)
    assert not doc.xpath("//script | //link | //iframe | //img[not(starts-with(@src, 'data:'))]")
    urls = [v for v in doc.xpath("//@src | //@href | //@*[local-name()='href']")
            if not v.startswith(("#", "data:"))]
    assert urls == [], urls[:3]
    heading = doc.xpath("//h2")[0].text_content()
    assert "alert" in heading
    alert_rows = [tr.xpath("string(td[1])") + " " + tr.xpath("string(td[2])")
                  for tr in doc.xpath("//table[1]//tr[td]")]
    assert sorted(alert_rows)[0].startswith(FIXTURE) and f"{WALLED} blocks-spiked" in alert_rows
    figures = doc.xpath("//figure")
    assert len(figures) >= 7 + 3  # the overall charts, then one per site
    for figure in figures:
        assert figure.xpath("h3") and figure.xpath("figcaption"), figure.get("id")
    # sites by volume: the fixture site stored the most articles in the period
    per_site = [f.xpath("string(h3)") for f in figures if "fetch outcomes per day" in
                f.xpath("string(h3)") and ":" in f.xpath("string(h3)")]
    assert per_site[0].startswith(f"{FIXTURE}:"), per_site


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars"]


def _run_chromium(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                               *args], capture_output=True, text=True, timeout=120)


_PROBE = ('<script>addEventListener("load", () => document.body.setAttribute("data-requests", '
          'JSON.stringify(performance.getEntriesByType("resource").map(e => e.name))));'
          "</script></body>")


def _requests_made(page: Path) -> list[str]:
    """The URLs a copy of page requests when loaded without its Content-Security-Policy,
    as the browser's Resource Timing lists them (the probe script is the copy's only one)."""
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                  page.read_text(encoding="utf-8"))
    probe = page.with_name(page.stem + "-probe.html")
    probe.write_text(text.replace("</body>", _PROBE), encoding="utf-8")
    dom = _run_chromium("--virtual-time-budget=5000", "--dump-dom", probe.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = lxml_html.fromstring(dom.stdout).xpath("//body/@data-requests")
    assert found, "the probe ran"
    return json.loads(found[0])


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium is not installed "
                    "(Debian: apt-get install chromium)")
def test_report_opens_in_headless_chromium(report, tmp_path):
    url = report.as_uri()
    dom = _run_chromium("--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
                        "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    # console errors, and any load the page's CSP (default-src 'none') blocked, log here
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
    drawn = lxml_html.fromstring(dom.stdout)
    figures = drawn.xpath("//figure")
    assert figures
    for figure in figures:
        svg = figure.xpath(".//*[local-name()='svg']")
        assert len(svg) == 1, figure.get("id")
        marks = svg[0].xpath(".//*[local-name()='path' or local-name()='rect' or "
                             "local-name()='text']")
        assert len(marks) > 10, figure.get("id")
    # no request, even with the CSP taken away; the probe does see one where there is one
    assert _requests_made(report) == []
    control = tmp_path / "control.html"
    control.write_text(report.read_text(encoding="utf-8").replace(
        "</body>", '<img src="http://127.0.0.1:9/pixel.png" alt=""></body>'), encoding="utf-8")
    assert _requests_made(control) == ["http://127.0.0.1:9/pixel.png"]
    artifacts = Path(os.environ.get("CLEANWIRE_TEST_ARTIFACTS") or tmp_path)
    artifacts.mkdir(parents=True, exist_ok=True)
    shot = artifacts / "report.png"
    done = _run_chromium(f"--screenshot={shot}", "--window-size=1280,4000", url)
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000


# --- the charts' SQL as Datasette canned queries ------------------------------------------------


def test_metadata_yml_carries_the_report_queries():
    yaml = pytest.importorskip("yaml")
    from storage.report import charts
    from storage.report.queries import QUERIES, datasette_queries

    metadata = yaml.safe_load((Path(__file__).parent.parent / "metadata.yml").read_text(
        encoding="utf-8"))
    queries = metadata["databases"]["cleanwire"]["queries"]
    assert {k: queries.get(k) for k in datasette_queries()} == datasette_queries()
    keys = set(re.findall(r'key(?:, title)? = "(\w+)"', Path(charts.__file__).read_text()))
    assert keys == set(QUERIES)  # one query per chart


def test_report_queries_run_in_datasette_whatever_the_file_is_called(world, tmp_path):
    pytest.importorskip("datasette")
    import sys

    from storage.report.queries import datasette_queries, metadata_for

    db = tmp_path / "newsroom-archive.db"
    shutil.copy(world[0], db)
    metadata = tmp_path / "metadata.json"
    metadata.write_text(json.dumps(metadata_for(db.stem)), encoding="utf-8")
    datasette = Path(sys.executable).parent / "datasette"
    results = {}
    for name in datasette_queries():
        for query in ("", "&days=7"):
            path = f"/{db.stem}/{name}.json?_shape=array{query}"
            proc = subprocess.run([str(datasette), str(db), "-m", str(metadata), "--get", path],
                                  capture_output=True, text=True, timeout=120)
            assert proc.returncode == 0, (path, proc.stderr[-500:])
            results[name + query] = json.loads(proc.stdout)
            assert results[name + query], path
    # the SQL and the report agree: the fixture site's median words today
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    sql = {r["site"]: r["median_words"] for r in results["report_median_words_per_day"]
           if r["day"] == today}
    from storage.health import load_history
    from storage.report import data

    engine = open_engine(f"sqlite:///{db}", read_only=True)
    try:
        history = load_history(engine, datetime.now(UTC) - timedelta(days=30),
                               datetime.now(UTC) + timedelta(seconds=1))
    finally:
        engine.dispose()
    python = {r["site"]: r["median words"] for r in data.extraction_per_day(
        history, data.site_groups(history)) if r["day"] == today}
    assert sql[FIXTURE] == python[FIXTURE] < 100
    assert len(results["report_crawl_runs"]) > len(results["report_crawl_runs&days=7"])


# --- the other alerts, on simulated history alone -------------------------------------------


def test_a_stopped_schedule_and_an_empty_crawl_raise_their_alerts(engine):
    """On SQLite and PostgreSQL (the engine fixture): the alerts' queries are portable."""
    from fixture_site import FixtureSite

    site = FixtureSite()
    base = "http://quiet.example"
    pages = [replace(clean_page(site.article_html(base, a).encode(), a.url(base)),
                     canonical_url=None) for a in site.articles[:8]]
    now = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
    clock = Clock(now)
    repo = Repository(engine, clock=clock)
    for k, day in days_before(now, DAYS):
        when = day - timedelta(hours=1)  # yesterday's crawl is a day and an hour ago
        todays = [pages[(k + i) % len(pages)] for i in range(6)]
        simulated_crawl(repo, clock, "emptied", "emptied.example", when, todays, listings=2,
                        url_of=lambda p, k=k: _day_url("emptied.example", k, p))
        if k > 3:  # its crawls stopped three days ago
            simulated_crawl(repo, clock, "quiet", "quiet.example", when, todays, listings=2,
                            url_of=lambda p, k=k: _day_url("quiet.example", k, p))
    # today: every page of the emptied site is typed a listing
    simulated_crawl(repo, clock, "emptied", "emptied.example", now - timedelta(hours=1), [],
                    listings=8)
    healths = health(engine, Thresholds(), now)
    alerts = {(a.site, a.name): a for a in alerts_of(healths)}
    assert set(alerts) == {("quiet", AlertName.NO_RECENT_CRAWL),
                           ("emptied", AlertName.NO_ARTICLES),
                           ("emptied", AlertName.NON_ARTICLES_SPIKED)}
    stale = alerts[("quiet", AlertName.NO_RECENT_CRAWL)]
    assert stale.baseline == 24 and stale.recent > 48
    assert alerts[("emptied", AlertName.NON_ARTICLES_SPIKED)].recent == 1.0
    # a stale factor above the gap: no schedule alert
    assert not [h for h in health(engine, Thresholds(stale_factor=5), now)
                if any(a.name is AlertName.NO_RECENT_CRAWL for a in h.alerts)]
    from storage.report.page import build_report

    built = build_report(engine, now, 30, Thresholds())
    assert (built.alerts, built.charts) == (3, 7 + 2)  # overall, then per site
    assert "no-recent-crawl" in built.html and "non-articles-spiked" in built.html


def test_report_and_health_bad_input_is_one_line(tmp_path):
    from cli_helpers import assert_one_line_error

    db = tmp_path / "empty.db"
    open_engine(f"sqlite:///{db}").dispose()  # an empty database, migrated
    assert_one_line_error(cleanwire("report", "--db", str(db), "--days", "0"), 2, "--days")
    assert_one_line_error(cleanwire("report", "--db", str(db), "-o",
                                    str(tmp_path / "no" / "such" / "dir.html")), 2, "cannot write")
    assert_one_line_error(cleanwire("health", "--db", str(db), "--site", "nowhere"), 1,
                          "no site named 'nowhere'")
    empty = cleanwire("health", "--db", str(db))
    assert empty.returncode == 0 and "healthy: 0 sites" in empty.stdout, empty.stderr
    out = tmp_path / "empty.html"
    assert cleanwire("report", "--db", str(db), "-o", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8").count("no data in this period") >= 7
