"""Adaptive revisits: when a stored article is next due, and whether a crawl fetches it again.

Pure policy, no database. Each stored article carries a revisit interval and a next-due
time (articles.revisit_interval, articles.next_due_at). A new article is due after the
first interval; a re-fetch that finds no change (same text and title, or a 304) moves it
to the next longer interval, one that finds a change back to the first. A crawl fetches
a stored article again only when (revisit_reason):

  lastmod  its sitemap lastmod / feed updated is newer than its last fetch
  due      it is due, and it was first seen less than refresh_after ago
  forced   the crawl was asked to (`--revisit all`)

An article first seen refresh_after ago or earlier is left alone (unless a lastmod says
it changed). A next-due time of NULL (stored before revisits existed) means due now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .contract import Revisit

#: seconds: 1 h, 3 h, 9 h, 1 d, 2 d (CLEANWIRE_REVISIT_INTERVALS)
DEFAULT_INTERVALS: tuple[float, ...] = (3600.0, 3 * 3600.0, 9 * 3600.0, 86400.0, 2 * 86400.0)


class RevisitMode(StrEnum):
    """`crawl --revisit`: which stored articles a crawl fetches again."""

    DUE = "due"  # the due ones, and the ones a lastmod says changed (the default)
    ALL = "all"  # every stored article the crawl meets (conditional GETs)
    NONE = "none"  # none: only new articles are fetched


@dataclass(frozen=True, slots=True)
class RevisitPolicy:
    """The revisit intervals, shortest first (seconds)."""

    intervals: tuple[float, ...] = DEFAULT_INTERVALS

    def __post_init__(self) -> None:
        steps = self.intervals
        if not steps or any(s <= 0 for s in steps) or list(steps) != sorted(set(steps)):
            raise ValueError(f"revisit intervals must be positive and increasing: {steps!r}")

    @property
    def first(self) -> float:
        """The interval of a new article, and of one whose re-fetch found a change."""
        return self.intervals[0]

    def next_interval(self, current: float | None, changed: bool) -> float:
        """The interval after a fetch: reset to the first on a change, else the next longer
        one (the longest stays; None, an article never scheduled, gets the first)."""
        if changed or current is None:
            return self.first
        return next((s for s in self.intervals if s > current), self.intervals[-1])

    @staticmethod
    def due_at(fetched_at: datetime, interval: float) -> datetime:
        return fetched_at + timedelta(seconds=interval)


def revisit_reason(mode: RevisitMode, *, now: float, first_seen: float, last_fetched: float,
                   next_due: float | None, lastmod: float | None,
                   refresh_after: float) -> Revisit | None:
    """Why a crawl at now fetches a stored article again, or None (not fetched).
    Times are POSIX seconds; lastmod is its sitemap's or feed's date, if any."""
    if mode is RevisitMode.NONE:
        return None
    if lastmod is not None and lastmod > last_fetched:
        return Revisit.LASTMOD
    if mode is RevisitMode.ALL:
        return Revisit.FORCED
    if now - first_seen >= refresh_after:
        return None  # settled: left alone
    if next_due is None or next_due <= now:
        return Revisit.DUE
    return None
