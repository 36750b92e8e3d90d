"""storage/contract.py is the one place the crawl's outcomes, reasons and counters are named:
the docs, the database's check constraint, the store's counters and the progress line agree."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from crawler.extensions.progress import Progress
from crawler.pipelines.store import run_counts
from storage.contract import (
    RUN_COUNTERS,
    Counter,
    Outcome,
    Reason,
    clean_failure_outcome,
    count,
    reason_counter,
)
from storage.engine import open_engine
from storage.repository import RunCounts

ROOT = Path(__file__).resolve().parents[1]


def test_schema_doc_lists_exactly_the_outcomes() -> None:
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    fetches = doc[doc.index("### `fetches`"):]
    row = next(line for line in fetches.splitlines() if line.startswith("| `outcome`"))
    listed = re.findall(r"`([a-z ]+)`", row.split("|")[3].split("(")[0])
    assert listed == [str(outcome) for outcome in Outcome]


def test_schema_doc_lists_the_run_counters() -> None:
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    row = next(line for line in doc.splitlines() if line.startswith("| `counts`"))
    for counter in RUN_COUNTERS:
        assert f"`{counter.name_in_counts}`" in row


def test_the_database_takes_every_outcome_and_refuses_others(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'c.db'}")  # migrated to head
    insert = sa.text("INSERT INTO fetches (url, outcome, fetched_at) VALUES (:u, :o, :t)")
    try:
        with engine.begin() as connection:
            for i, outcome in enumerate(Outcome):
                connection.execute(insert, {"u": f"https://x.example/{i}", "o": str(outcome),
                                            "t": "2026-12-07 10:00:00"})
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            connection.execute(insert, {"u": "https://x.example/bad", "o": "article",
                                        "t": "2026-12-07 10:00:00"})
    finally:
        engine.dispose()


EVENTS: list[tuple[Outcome, str | None]] = [
    (Outcome.NEW, None), (Outcome.NEW, None), (Outcome.UPDATED, None),
    (Outcome.UNCHANGED, None), (Outcome.NOT_MODIFIED, None), (Outcome.LISTING, None),
    (Outcome.OTHER, None), (Outcome.FEED, None), (Outcome.SITEMAP, None),
    (Outcome.ROBOTS, None), (Outcome.SKIPPED, Reason.ROBOTS),
    (Outcome.FAILED, Reason.TIMEOUT), (Outcome.FAILED, Reason.http(404)),
    (Outcome.FAILED, Reason.CLEAN_TIMEOUT), (Outcome.SKIPPED, Reason.clean("binary content")),
]


def _stats_of(events: list[tuple[Outcome, str | None]]) -> dict[str, int]:
    """The Scrapy stats a crawl leaves for these fetches, as the spider and pipelines count."""
    stats: dict[str, int] = {}

    def inc(key: str, n: int = 1) -> None:
        stats[key] = stats.get(key, 0) + n

    article = {Outcome.NEW: Counter.ARTICLES_NEW, Outcome.UPDATED: Counter.ARTICLES_UPDATED,
               Outcome.UNCHANGED: Counter.ARTICLES_UNCHANGED,
               Outcome.NOT_MODIFIED: Counter.ARTICLES_UNCHANGED}
    for outcome, reason in events:
        if outcome is not Outcome.SKIPPED:
            inc(Counter.FETCHED)
        if outcome in article:
            inc(article[outcome])
        elif outcome in (Outcome.LISTING, Outcome.OTHER):
            inc(Counter.NON_ARTICLES)
        elif reason is not None:
            inc(reason_counter(outcome, reason))
    return stats


def test_run_counts_from_stats_and_from_fetches_agree() -> None:
    by_fetch = RunCounts()
    for outcome, reason in EVENTS:
        by_fetch.add(outcome, reason)
    assert run_counts(_stats_of(EVENTS)) == by_fetch
    assert by_fetch.failures_by_reason == {
        "failed: http 404": 1, "failed: timeout": 1, "failed: timeout: clean": 1,
        "skipped: clean: binary content": 1, "skipped: robots": 1}
    assert (by_fetch.pages_fetched, by_fetch.failed, by_fetch.skipped) == (13, 3, 2)
    with pytest.raises(ValueError):
        by_fetch.add("article")


def test_a_cleaner_timeout_is_a_failure_and_a_refusal_a_skip() -> None:
    assert clean_failure_outcome(Reason.CLEAN_TIMEOUT) is Outcome.FAILED
    for reason in (Reason.CLEAN_WORKER_CRASHED, Reason.clean("binary content"),
                   Reason.clean_internal(MemoryError())):
        assert clean_failure_outcome(reason) is Outcome.SKIPPED
    with pytest.raises(ValueError):
        reason_counter(Outcome.NEW, "anything")


def test_the_progress_line_shows_failures_and_skips_counted_by_reason() -> None:
    stats = _stats_of(EVENTS)
    crawler = SimpleNamespace(stats=SimpleNamespace(get_stats=lambda: stats))
    line = Progress(crawler, 5.0).line()
    assert "fetched 13 · articles 5 · non-articles 2 · skipped 2 · failed 3" in line



def test_a_counter_is_read_by_its_name_in_the_contract_only() -> None:
    stats = {Counter.KNOWN_SKIPPED.value: 4}
    assert count(stats, Counter.KNOWN_SKIPPED) == 4
    with pytest.raises(ValueError):
        count(stats, "known_skipped")  # type: ignore[arg-type]
