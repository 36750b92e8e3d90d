"""Site identity (issue 20, item 7): a site is its host, a profile's name a label for its hosts.

The fixture site crawled by URL and through a profile of a sites file, in both orders, as
`cleanwire` subprocesses: one sites row, every article on it, `stats` one healthy site, and
`stats`/`search`/`export --site` (run in-process) taking the label or the host. A profile
with two hosts (at the repository): one row per host sharing the label. Revision 0007 on a
real SQLite file (and PostgreSQL when reachable) built at 0006 with two rows for one host:
merged.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_helpers import cleanwire, cli, rows
from fixture_site import FixtureServer
from sqlalchemy import Engine, text
from sqlalchemy import exc as sa_exc

from cleaners.model import CleanPage
from cleaners.urlkeys import host_of
from storage.engine import alembic_config, head_revision, migrate, open_engine
from storage.export import statement
from storage.filters import ArticleFilter
from storage.repository import FetchRecord, PageRecord, Repository
from storage.sites import normal_host
from storage.stats import site_stats

BOUNDS = ["--timeout", "1", "--max-page-bytes", "1000000"]
T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def site(fixture_site: FixtureServer) -> FixtureServer:
    fixture_site.slow_seconds = 2
    return fixture_site


def sites_file(tmp_path: Path, server: FixtureServer, name: str = "fixture") -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(f'[sites.{name}]\nstart_urls = ["{server.url("/")}"]\n', encoding="utf-8")
    return path


def crawl_by_url(server: FixtureServer, db: Path) -> None:
    proc = cleanwire("crawl", server.url("/"), "--db", str(db), "--revisit", "all", *BOUNDS)
    assert proc.returncode == 0, proc.stderr


def crawl_by_profile(sites: Path, db: Path, name: str = "fixture") -> None:
    proc = cleanwire("crawl", name, "--sites", str(sites), "--db", str(db), "--revisit", "all",
                     *BOUNDS)
    assert proc.returncode == 0, proc.stderr


def run_json(*args: str) -> list[dict]:
    proc = cli(*args, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def assert_one_site(db: Path, name: str, host: str) -> None:
    """One sites row (name, host) holding every article and every crawl run."""
    assert rows(db, "select name, host from sites") == [(name, host)]
    [(site_id,)] = rows(db, "select id from sites")
    articles = rows(db, "select count(*), sum(site_id = ?) from articles", site_id)[0]
    assert articles[0] > 0 and articles == (articles[0], articles[0])
    runs = rows(db, "select count(*), sum(site_id = ?) from crawl_runs", site_id)[0]
    assert runs == (2, 2)


def assert_site_filters(db: Path, name: str, host: str) -> None:
    """stats, search and export --site take the label and the host alike."""
    [stats] = run_json("stats", "--db", str(db))
    total = rows(db, "select count(*) from articles")[0][0]
    assert (stats["site"], stats["hosts"], stats["articles"]) == (name, [host], total)
    assert "no-articles" not in stats["flags"] and stats["last_outcome"] == "ok"
    for i, key in enumerate((name, host, f"WWW.{host}")):
        assert run_json("stats", "--site", key, "--db", str(db)) == [stats], key
        out = db.parent / f"export{i}.jsonl"
        exported = cli("export", "--site", key, "--format", "jsonl", "-o", str(out),
                             "--db", str(db))
        assert exported.returncode == 0, exported.stderr
        assert len(out.read_text(encoding="utf-8").splitlines()) == total, key
        assert {hit["site"] for hit in run_json("search", "the", "--site", key, "--db",
                                                 str(db))} == {name}, key
    nowhere = cli("stats", "--site", "nowhere.example", "--db", str(db))
    assert (nowhere.returncode, nowhere.stdout, nowhere.stderr) == (0, "", "(no rows)\n")


@pytest.mark.slow
def test_url_crawl_then_profile_crawl_keep_one_site_row(site, tmp_path):
    """The reported case: the profile's crawl adopts the row of the host crawled by URL and
    labels it (before: a second row took the articles, the first stayed with none)."""
    db, host = tmp_path / "news.db", host_of(site.url("/"))
    crawl_by_url(site, db)
    assert rows(db, "select name, host from sites") == [(host, host)]
    crawl_by_profile(sites_file(tmp_path, site), db)
    assert_one_site(db, "fixture", host)
    assert_site_filters(db, "fixture", host)


@pytest.mark.slow
def test_profile_crawl_then_url_crawl_keep_the_label(site, tmp_path):
    """A crawl by URL of a host a profile labelled stores on that row and keeps its label."""
    db, host = tmp_path / "news.db", host_of(site.url("/"))
    crawl_by_profile(sites_file(tmp_path, site, name="times"), db, name="times")
    crawl_by_url(site, db)
    assert_one_site(db, "times", host)
    assert_site_filters(db, "times", host)


# --- the repository: labels, hosts, a profile of two hosts ------------------------------


def record(url: str, name: str, host: str | None = None) -> PageRecord:
    page = CleanPage(
        url=url, canonical_url=None, page_type="article", title=f"Title of {url}", authors=[],
        published=None, modified=None, language="en", section=None, tags=[], description=None,
        image=None, sitename=None, text=f"the text of {url}", word_count=4,
        content_hash=f"h-{url}",
    )
    return PageRecord(page, FetchRecord(url, 200, fetched_at=T0), name,
                      host or host_of(url))


def site_rows(engine: Engine) -> list[tuple[str, str, int]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT s.name, s.host, count(a.id) FROM sites s LEFT JOIN articles a"
            " ON a.site_id = s.id GROUP BY s.id, s.name, s.host ORDER BY s.host"))]


def exported(engine: Engine, site: str) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(statement(("url",), ArticleFilter(site=site))).scalars())


def test_normal_host() -> None:
    assert normal_host("WWW.News.Example") == "news.example"
    assert normal_host("https://www.news.example:443/a") == "news.example"
    assert normal_host("http://news.example:8080/") == "news.example:8080"
    assert normal_host(" news.example:8080 ") == "news.example:8080"


def test_a_profile_of_two_hosts_labels_a_row_per_host(engine: Engine) -> None:
    repo = Repository(engine)
    # crawled by URL first (names are the hosts): two unlabelled rows
    repo.store(None, [record("https://www.one.example/a", "one.example"),
                      record("https://two.example/b", "two.example")])
    assert site_rows(engine) == [("one.example", "one.example", 1),
                                 ("two.example", "two.example", 1)]
    # the profile's run adopts both hosts' rows; a host of its own gets a row when stored to
    repo.start_run("crawl", {}, "paper", "one.example", site_hosts=["one.example",
                                                                    "www.two.example"])
    assert site_rows(engine) == [("paper", "one.example", 1), ("paper", "two.example", 1)]
    repo.store(None, [record("https://three.example/c", "paper"),
                      record("https://www.one.example/d", "paper")])
    assert site_rows(engine) == [("paper", "one.example", 2), ("paper", "three.example", 1),
                                 ("paper", "two.example", 1)]
    # a crawl by URL of a labelled host keeps the label
    repo.store(None, [record("https://two.example/e", "two.example")])
    assert site_rows(engine)[2] == ("paper", "two.example", 2)
    [paper] = site_stats(engine)
    assert (paper.site, paper.hosts, paper.articles) == (
        "paper", ["one.example", "three.example", "two.example"], 5)
    assert [s.articles for s in site_stats(engine, "www.two.example")] == [2]
    assert len(exported(engine, "paper")) == 5
    assert exported(engine, "three.example") == ["https://three.example/c"]


def test_the_host_is_unique(engine: Engine) -> None:
    Repository(engine).store(None, [record("https://one.example/a", "one")])
    with pytest.raises(sa_exc.IntegrityError), engine.begin() as conn:
        conn.execute(text("INSERT INTO sites (name, host) VALUES ('other', 'one.example')"))
    with engine.begin() as conn:  # a label is not: another host may share it
        conn.execute(text("INSERT INTO sites (name, host) VALUES ('one', 'two.example')"))


# --- revision 0007 on a database of before -----------------------------------------------


def _insert_site(conn, name: str, host: str) -> int:
    conn.execute(text("INSERT INTO sites (name, host) VALUES (:n, :h)"), {"n": name, "h": host})
    return conn.execute(text("SELECT id FROM sites WHERE name = :n"), {"n": name}).scalar_one()


def _insert_run(conn, site_id: int) -> int:
    conn.execute(text("INSERT INTO crawl_runs (site_id, command, arguments, started_at, outcome,"
                      " pages_fetched, articles_new, articles_updated, articles_unchanged,"
                      " non_articles, skipped, failed, counts) VALUES (:s, 'crawl', '{}', :t,"
                      " 'ok', 0, 0, 0, 0, 0, 0, 0, '{}')"), {"s": site_id, "t": T0})
    return conn.execute(text("SELECT max(id) FROM crawl_runs")).scalar_one()


def _insert_article(conn, url: str, site_id: int, run_id: int) -> None:
    conn.execute(text("INSERT INTO articles (url, site_id, crawl_run_id, title, authors, tags,"
                      " text, word_count, first_seen_at, last_fetched_at, version) VALUES"
                      " (:u, :s, :r, 'T', '[]', '[]', 'words here', 2, :t, :t, 1)"),
                 {"u": url, "s": site_id, "r": run_id, "t": T0})


def test_revision_0007_merges_the_rows_of_one_host(db_url: str) -> None:
    engine = open_engine(db_url, migrate=False)
    try:
        assert migrate(engine, "0006") == "0006"
        with engine.begin() as conn:  # the reported database: crawled by URL, then by profile
            by_url = _insert_site(conn, "127.0.0.1:8000", "127.0.0.1:8000")
            _insert_article(conn, "http://127.0.0.1:8000/old", by_url, _insert_run(conn, by_url))
            by_profile = _insert_site(conn, "fixture", "127.0.0.1:8000")
            _insert_article(conn, "http://127.0.0.1:8000/new", by_profile,
                            _insert_run(conn, by_profile))
            other = _insert_site(conn, "elsewhere", "WWW.Other.Example")
            _insert_article(conn, "https://other.example/x", other, _insert_run(conn, other))
            runless = _insert_site(conn, "solo", "")
        assert migrate(engine) == head_revision()
        assert site_rows(engine) == [("fixture", "127.0.0.1:8000", 2),
                                     ("elsewhere", "other.example", 1), ("solo", "solo", 0)]
        with engine.connect() as conn:
            assert conn.execute(text("SELECT id FROM sites WHERE name = 'fixture'")
                                ).scalar_one() == by_url  # the lowest id is kept
            runs = conn.execute(text("SELECT site_id FROM crawl_runs ORDER BY id")).scalars()
            assert list(runs) == [by_url, by_url, other]
            assert conn.execute(text("SELECT id FROM sites WHERE host = 'solo'")
                                ).scalar_one() == runless
            if conn.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
                view = conn.execute(text("SELECT site FROM article_view ORDER BY url")).scalars()
                assert list(view) == ["fixture", "fixture", "elsewhere"]
        [fixture] = site_stats(engine, "fixture")
        assert fixture.articles == 2 and "no-articles" not in fixture.flags()
        # stored again after the upgrade, by URL: the same row, label kept
        Repository(engine).store(None, [record("http://127.0.0.1:8000/more", "127.0.0.1:8000")])
        assert site_rows(engine)[0] == ("fixture", "127.0.0.1:8000", 3)
    finally:
        engine.dispose()


def test_revision_0007_downgrade_makes_names_unique_again(db_url: str) -> None:
    from alembic import command

    engine = open_engine(db_url)
    try:
        repo = Repository(engine)
        repo.store(None, [record("https://one.example/a", "paper"),
                          record("https://two.example/b", "paper")])
        with engine.connect() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "0006")
            conn.commit()
        assert site_rows(engine) == [("paper", "one.example", 1), ("two.example", "two.example", 1)]
        assert migrate(engine) == head_revision()
        assert site_rows(engine) == [("paper", "one.example", 1), ("two.example", "two.example", 1)]
    finally:
        engine.dispose()
