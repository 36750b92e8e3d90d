"""URLs mean the same everywhere, and the commands' one-line messages (issue 22, items 4, 5,
7, 8), against one real crawl of the local fixture site.

`history` and `duplicates --url` find an article under every variant the crawl itself reads
as that page: the feed's tracking parameters, a fragment, the trailing slash, case, www.,
the redirect alias; `scrape --no-store` prints the URL as the crawl stores it; a home page
given to `scrape` says why nothing is stored; `cleanwire datasette demo.db` serves the
canned queries under "demo"; a missing psycopg and `clean <directory>` are one line each.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from cli_helpers import ROOT, assert_one_line_error, cleanwire, rows
from fixture_site import FixtureServer, FixtureSite

pytestmark = pytest.mark.slow


class Crawled:
    def __init__(self, db: Path, site: FixtureSite, base_url: str) -> None:
        self.db, self.site, self.base_url = db, site, base_url


@pytest.fixture(scope="module")
def server() -> FixtureServer:
    with FixtureServer(slow_seconds=1) as running:
        yield running


@pytest.fixture(scope="module")
def crawled(server: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    db = tmp_path_factory.mktemp("variants") / "news.db"
    proc = cleanwire("crawl", server.url("/"), "--db", str(db), "--timeout", "2")
    assert proc.returncode == 0, proc.stderr
    return Crawled(db, server.site, server.base_url)


def variants(url: str) -> list[str]:
    """What the crawl reads as url: tracking parameters, fragment, slash, case, www."""
    parts = urlsplit(url)
    host = parts.netloc
    return [
        url + "?utm_source=newsletter&utm_medium=email",
        url + "?fbclid=abc#comments",
        url.rstrip("/"),
        urlunsplit(("HTTP", host.upper(), parts.path, "", "")),
        urlunsplit((parts.scheme, "www." + host, parts.path, "gclid=1", "")),
    ]


def test_history_finds_the_article_under_every_variant(crawled: Crawled) -> None:
    article = crawled.site.feed_articles[2]
    url = article.url(crawled.base_url)
    assert rows(crawled.db, "select count(*) from articles where url = ?", url) == [(1,)]
    own = crawled.site.feed_link(crawled.base_url, article)  # the crawl's own variant
    for variant in [own, *variants(url)]:
        proc = cleanwire("history", variant, "--db", str(crawled.db))
        assert proc.returncode == 0, (variant, proc.stderr)
        assert proc.stdout.startswith(f"{url}: 1 version(s)"), variant
    unknown = cleanwire("history", url + "other/", "--db", str(crawled.db))
    assert_one_line_error(unknown, 1, "no article stored under")


def test_history_follows_the_redirect_alias(crawled: Crawled, tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    shutil.copy(crawled.db, db)
    moved = crawled.base_url.rstrip("/") + "/moved/"
    target = crawled.site.by_key("gdp").url(crawled.base_url)
    scraped = cleanwire("scrape", moved, "--db", str(db))  # /moved/ -> 301 -> the gdp story
    assert scraped.returncode == 0, scraped.stderr
    assert rows(db, "select kind from article_urls where url = ?", moved) == [("redirect",)]
    proc = cleanwire("history", moved + "?utm_campaign=x", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"{target}: 1 version(s)")


def test_history_json(crawled: Crawled) -> None:
    article = crawled.site.feed_articles[0]
    url = article.url(crawled.base_url)
    proc = cleanwire("history", url + "?utm_source=x", "--db", str(crawled.db),
                     "--format", "json")
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    assert found["url"] == url and found["asked"] == url + "?utm_source=x"
    (version,) = found["versions"]
    assert version["version"] == 1 and version["current"] is True
    assert version["title"] == article.title
    assert article.first_sentence in version["text"]
    assert version["fetched_at"].endswith("+00:00")


def test_duplicates_url_reads_variants(crawled: Crawled) -> None:
    url = crawled.site.feed_articles[1].url(crawled.base_url)
    for variant in variants(url)[:2]:
        proc = cleanwire("duplicates", "--url", variant, "--db", str(crawled.db),
                         "--format", "json")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout) == []  # the fixture site has no copies: none, not unknown
    assert_one_line_error(
        cleanwire("duplicates", "--url", url + "nope/", "--db", str(crawled.db)), 1,
        "no article stored under")


def test_stats_names_copies_like_the_summary(crawled: Crawled) -> None:
    proc = cleanwire("stats", "--db", str(crawled.db), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    (site,) = json.loads(proc.stdout)
    assert site["exact_copies"] == 0 and site["near_copies"] == 0


def test_scrape_no_store_prints_the_url_the_crawl_would_store(server: FixtureServer,
                                                              tmp_path: Path) -> None:
    article = server.site.feed_articles[2]
    url = article.url(server.base_url)
    own = server.site.feed_link(server.base_url, article)
    proc = cleanwire("scrape", own + "#top", "--no-store", "--db", str(tmp_path / "x.db"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["url"] == url
    assert not (tmp_path / "x.db").exists()


def test_scrape_of_a_home_page_says_why_nothing_is_stored(server: FixtureServer,
                                                          tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    home = server.url("/")
    proc = cleanwire("scrape", home, "--db", str(db))
    assert_one_line_error(proc, 1, "a home page is not an article: use `cleanwire crawl")
    assert proc.stdout == ""
    assert rows(db, "select count(*) from articles") == [(0,)]
    shown = cleanwire("scrape", home, "--no-store")  # print only: printed, and said
    assert shown.returncode == 0 and json.loads(shown.stdout)["page_type"] == "listing"
    assert "a home page is not an article" in shown.stderr


def test_datasette_canned_queries_on_demo_db(crawled: Crawled, tmp_path: Path) -> None:
    pytest.importorskip("datasette")
    yaml = pytest.importorskip("yaml")
    db = tmp_path / "demo.db"  # the README's name: not the metadata's "cleanwire"
    shutil.copy(crawled.db, db)
    queries = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))[
        "databases"]["cleanwire"]["queries"]
    assert {"search", "articles_per_day", "top_authors"} <= set(queries)
    for name in queries:
        proc = cleanwire("datasette", str(db), "--get",
                         f"/demo/{name}.json?_shape=array&q=economy")
        assert proc.returncode == 0, (name, proc.stderr)
        assert json.loads(proc.stdout), name
    table = cleanwire("datasette", "--db", str(db), "--get",
                      "/demo/article_view.json?_shape=array&_search=economy")
    assert table.returncode == 0 and json.loads(table.stdout)
    page = cleanwire("datasette", str(db), "--get", "/demo")
    assert page.returncode == 0 and "articles_per_day" in page.stdout  # listed canned query
    assert_one_line_error(cleanwire("datasette", str(tmp_path / "nope.db")), 2,
                          "no such database file")
    assert_one_line_error(cleanwire("datasette", "--db", "postgresql://u@127.0.0.1/x"), 2,
                          "Datasette reads SQLite files")


def test_clean_of_a_directory_is_one_line(tmp_path: Path) -> None:
    assert_one_line_error(cleanwire("clean", str(tmp_path)), 2, "is a directory")
    assert_one_line_error(cleanwire("clean", str(tmp_path / "none.html")), 2, "no such file")


def test_missing_psycopg_names_the_extra(tmp_path: Path) -> None:
    blocker = tmp_path / "blocked" / "psycopg"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'psycopg'\", name='psycopg')\n")
    proc = cleanwire("stats", "--db", "postgresql://u@127.0.0.1:5432/x",
                     env={"PYTHONPATH": f"{blocker.parent}:{ROOT}"})
    assert_one_line_error(proc, 1, "pip install 'cleanwire[postgres]'")
