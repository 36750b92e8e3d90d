"""One vocabulary for duplicates: `duplicates`, the crawl summary's counts and `stats` name
the same articles exact copies and near copies (SQLite and, when reachable, PostgreSQL).

The case seen: a run whose copies were all exact printed `exact copies 12, near copies 0`
while `duplicates` called the group `kind near` and its members `exact copy`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from cli_helpers import cli
from test_dedup import _mixed_batch

from cleaners.model import CleanPage
from storage.engine import open_engine
from storage.repository import FetchRecord, PageRecord, Repository, RunCounts

T0 = datetime(2026, 1, 1, tzinfo=UTC)
STORY = " ".join(f"The council met on day {i} and agreed the budget for the harbour works."
                 for i in range(40))


def copy(url: str, minutes: int, site: str) -> PageRecord:
    page = CleanPage(
        url=url, canonical_url=None, page_type="article", title="Budget agreed", authors=[],
        published=T0, modified=None, language="en", section=None, tags=[], description=None,
        image=None, sitename=None, text=STORY, word_count=len(STORY.split()),
        content_hash="same-story")
    at = T0 + timedelta(minutes=minutes)
    return PageRecord(page, FetchRecord(url, 200, fetched_at=at), site, site)


def duplicates_json(db_url: str) -> list[dict]:
    ran = cli("duplicates", "--db", db_url, "--format", "json")
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout)


def stats_copies(db_url: str) -> tuple[int, int]:
    ran = cli("stats", "--db", db_url, "--format", "json")
    assert ran.returncode == 0, ran.stderr
    sites = json.loads(ran.stdout)
    return (sum(s["exact_copies"] for s in sites), sum(s["near_copies"] for s in sites))


def roles(rows: list[dict]) -> tuple[int, int]:
    return (sum(r["role"] == "exact copy" for r in rows),
            sum(r["role"] == "near copy" for r in rows))


def test_exact_copies_only_are_an_exact_group_everywhere(db_url: str) -> None:
    engine = open_engine(db_url)
    try:
        repo = Repository(engine)
        run = repo.start_run("crawl", {})
        repo.store(run, [copy("https://a.example/story", 0, "a.example"),
                         copy("https://b.example/story", 1, "b.example"),
                         copy("https://c.example/story", 2, "c.example")])
        repo.finish_run(run, "ok", RunCounts())
        summary = repo.run_duplicates(run)  # what the crawl summary prints
    finally:
        engine.dispose()
    rows = duplicates_json(db_url)
    assert summary == (2, 0)
    assert {r["kind"] for r in rows} == {"exact copies"}
    assert [r["role"] for r in rows] == ["likely origin", "exact copy", "exact copy"]
    assert [r["jaccard"] for r in rows] == [None, 1.0, 1.0]
    assert roles(rows) == summary == stats_copies(db_url)


def test_a_mixed_group_counts_the_same_in_summary_stats_and_duplicates(db_url: str) -> None:
    engine = open_engine(db_url)
    try:
        repo = Repository(engine)
        run = repo.start_run("crawl", {})
        repo.store(run, _mixed_batch())
        summary = repo.run_duplicates(run)
    finally:
        engine.dispose()
    rows = duplicates_json(db_url)
    assert summary[0] >= 1 and summary[1] >= 1
    assert roles(rows) == summary == stats_copies(db_url)
    assert {r["kind"] for r in rows} == {"near copies"}
