"""Simulated crawl history for the health and report tests: days of crawls stored through the
real Repository with an injected clock (Repository(clock=...), FetchRecord.fetched_at)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from cleaners.model import CleanPage
from storage.contract import Outcome, Reason
from storage.repository import FetchRecord, PageRecord, Repository, RunCounts


@dataclass
class Clock:
    """A settable clock: Repository(clock=clock) starts and finishes runs at clock.now."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


def simulated_crawl(repo: Repository, clock: Clock, site: str, host: str, start: datetime,
                    pages: Sequence[CleanPage], listings: int = 1,
                    failures: Sequence[str] = (Reason.http(404),),
                    url_of: Callable[[CleanPage], str] | None = None) -> int:
    """One crawl of site starting at start: pages stored as articles, listings typed
    non-article, one failed fetch per reason in failures; returns the run id."""
    clock.now = start
    run = repo.start_run("crawl", {"simulated": True}, site, host)
    counts = RunCounts()
    records = []
    for page in pages:
        fetched = clock.tick(2)
        url = url_of(page) if url_of else page.url
        records.append(PageRecord(replace(page, url=url), FetchRecord(url, 200, fetched_at=fetched),
                                  site, host))
    extra = [FetchRecord(f"http://{host}/section/{i}/?at={start:%Y%m%d%H}", 200,
                         outcome=Outcome.LISTING, fetched_at=clock.tick(1))
             for i in range(listings)]
    for i, reason in enumerate(failures):
        status = int(m.group(1)) if (m := re.search(r"(\d{3})", reason)) else None
        extra.append(FetchRecord(f"http://{host}/gone/{i}/?at={start:%Y%m%d%H}", status,
                                 error=reason, outcome=Outcome.FAILED, fetched_at=clock.tick(1)))
    for outcome in repo.store(run, records, extra):
        counts.add(outcome)
    for fetch in extra:
        counts.add(fetch.outcome or Outcome.FAILED, fetch.error)
    clock.tick(30)
    repo.finish_run(run, "ok", counts)
    return run


def days_before(now: datetime, days: int) -> Iterator[tuple[int, datetime]]:
    """(k, the k-th day's crawl time) for the days days before now, oldest first."""
    for k in range(days, 0, -1):
        yield k, now - timedelta(days=k)
