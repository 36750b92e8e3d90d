"""A crawl killed with SIGKILL resumes like Scrapy's JOBDIR would: its counters were
written with each stored batch (so they match its fetch rows), and its rerun does not
fetch again what it fetched (any outcome: failures and non-articles too) within
CLEANWIRE_RECENT_FETCH_WINDOW; start pages, feeds, sitemaps and listings are read again
for their links. A crawl with `--revisit all` fetches them all again."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cli_helpers import POLITE_PROFILE, cleanwire, count_articles, kill_when, rows
from fixture_site import FixtureServer

from storage.frontier import REREAD_OUTCOMES

pytestmark = pytest.mark.slow

ENV = {"CLEANWIRE_BATCH_SECONDS": "0.3", "CLEANWIRE_BATCH_SIZE": "4"}


def _counts_from_fetch_rows(db: Path, run_id: int) -> dict[str, object]:
    """What the run's fetch rows say its counters are (storage.repository.RunCounts.add)."""
    by_outcome = dict(rows(db, "select outcome, count(*) from fetches where crawl_run_id = ? "
                               "group by outcome", run_id))
    reasons = {f"{outcome}: {error}": n for outcome, error, n in rows(
        db, "select outcome, error, count(*) from fetches where crawl_run_id = ? and outcome in "
            "('failed', 'skipped') group by outcome, error", run_id)}
    return {
        "pages_fetched": sum(n for o, n in by_outcome.items() if o != "skipped"),
        "articles_new": by_outcome.get("new", 0),
        "articles_updated": by_outcome.get("updated", 0),
        "articles_unchanged": by_outcome.get("unchanged", 0)
        + by_outcome.get("not modified", 0),
        "non_articles": sum(by_outcome.get(o, 0) for o in ("listing", "paywalled", "other")),
        "skipped": by_outcome.get("skipped", 0),
        "failed": by_outcome.get("failed", 0),
        "failures_by_reason": reasons,
    }


def _recorded_counts(db: Path, run_id: int) -> dict[str, object]:
    ((fetched, new, updated, unchanged, non_articles, skipped, failed, counts),) = rows(
        db, "select pages_fetched, articles_new, articles_updated, articles_unchanged, "
            "non_articles, skipped, failed, counts from crawl_runs where id = ?", run_id)
    return {"pages_fetched": fetched, "articles_new": new, "articles_updated": updated,
            "articles_unchanged": unchanged, "non_articles": non_articles, "skipped": skipped,
            "failed": failed, "failures_by_reason": json.loads(counts)["failures_by_reason"]}


def _crawl(sites: Path, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    proc = cleanwire("crawl", "fixture", "--sites", str(sites), "--db", str(db),
                     "--workers", "1", *extra, env=ENV, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_killed_run_keeps_its_counters_and_its_rerun_skips_what_it_fetched(
        fixture_site: FixtureServer, tmp_path: Path) -> None:
    fixture_site.slow_seconds = 5  # longer than download_timeout: /slow/ fails
    sites = tmp_path / "sites.toml"
    sites.write_text(POLITE_PROFILE.format(start=fixture_site.url("/")))
    db = tmp_path / "news.db"
    kill_when(lambda: count_articles(db) >= 6, "crawl", "fixture", "--sites", str(sites),
              "--db", str(db), "--workers", "1", env=ENV)

    # the killed run's counters are those of its committed fetch rows, batch by batch
    ((run_id,),) = rows(db, "select id from crawl_runs")
    recorded = _recorded_counts(db, run_id)
    assert recorded == _counts_from_fetch_rows(db, run_id)
    assert recorded["articles_new"] >= 6 and recorded["pages_fetched"] > recorded["articles_new"]

    fetched_first = rows(db, "select url, outcome from fetches where crawl_run_id = ?", run_id)
    start = urlsplit(fixture_site.url("/")).path
    requested_first = fixture_site.paths_requested()  # robots-refused ones were not
    held_back = {urlsplit(url).path for url, outcome in fetched_first
                 if outcome not in REREAD_OUTCOMES and urlsplit(url).path != start
                 } & requested_first
    not_articles = {urlsplit(url).path for url, outcome in fetched_first
                    if outcome not in REREAD_OUTCOMES and outcome not in ("new", "updated")}
    assert held_back and not_articles - {start}, fetched_first  # failures, non-articles
    fixture_site.reset_counts()

    rerun = _crawl(sites, db)
    # (the /moved/ redirect lands on an article: that one is reached through the redirect,
    # which is not a URL the killed run fetched, unless it came that way too)
    moved_target = fixture_site.site.moved_target
    again = {path for path in held_back if fixture_site.requested(path)
             and path != moved_target}
    assert not again, again  # nothing the killed run fetched (any outcome) is fetched again
    assert fixture_site.requested(start) == 1  # the start page is read again for its links
    lately = re.search(r"fetched lately\s+(\d+)", rerun.stdout)
    assert lately and int(lately[1]) >= 1, rerun.stdout
    ((counts,),) = rows(db, "select counts from crawl_runs where id = ?", run_id + 1)
    assert json.loads(counts).get("recent_skipped") == int(lately[1])
    # the site is finished: every article stored once
    urls = [u for (u,) in rows(db, "select url from articles")]
    assert len(urls) == len(set(urls)) == len(fixture_site.site.articles)

    fixture_site.reset_counts()
    _crawl(sites, db, "--revisit", "all")
    missed = {path for path in held_back if not fixture_site.requested(path)}
    assert not missed, missed  # --revisit all fetches every one of them again
