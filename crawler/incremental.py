"""Incremental crawls: which stored articles to fetch again, and how (conditional GETs).

At the start of a crawl the spider has the site's stored articles read once
(crawler.store.CrawlStore.frontier) into a Frontier keyed by url_key. For every
article URL it meets, Frontier.decide() says (the policy: storage/revisits.py):

  fetch    not stored yet
  lastmod  stored, but its sitemap/feed lastmod is newer than our last fetch (plain GET)
  due      stored, first seen less than refresh_after ago, and its revisit interval has
           passed: re-fetched with If-None-Match / If-Modified-Since, so an unchanged
           page costs a 304 and no cleaning
  forced   `--revisit all`: every stored article, conditionally
  skip     stored and not due, or settled (first seen refresh_after ago or earlier):
           not fetched ("known, not fetched" in the summary)
  recent   not stored, but fetched by a crawl of the site within the recent-fetch window
           (CLEANWIRE_RECENT_FETCH_WINDOW, 1 h: a killed run's failures, non-articles...):
           not fetched again, unless `--revisit all` ("fetched lately" in the summary).
           Like Scrapy's JOBDIR, a killed run's rerun does not fetch again what it fetched;
           unlike it, the killed run's queue is not kept: start pages, feeds, sitemaps and
           listings are read again for their links (storage.frontier.REREAD_OUTCOMES)

The reason of each re-fetch is remembered for the crawl (revisit_of: fetches.revisit).
refresh_after = 0 means "never re-fetch a stored article" (unless a lastmod says it
changed). Memory: settled articles keep only url_key -> last-fetch timestamp, the ones
inside the refresh window their schedule and validators too: roughly 150-250 bytes per
stored article (about 0.2 GB per million).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from cleaners.urlkeys import url_key
from crawler.config import ConfigError
from crawler.profiles import parse_duration
from storage.contract import Revisit
from storage.frontier import KnownArticle
from storage.repository import parse_timestamp
from storage.revisits import RevisitMode, RevisitPolicy, revisit_reason

Decision = Literal["fetch", "skip", "recent"] | Revisit

_SETTLED = float("-inf")  # first_seen of an article outside the refresh window


@dataclass(frozen=True, slots=True)
class _Fresh:
    """An article inside the refresh window (or any, with --revisit all)."""

    url: str  # as stored: a 304 bumps this row even if the link spelled it differently
    last_fetched: float
    first_seen: float
    next_due: float | None
    etag: str | None
    last_modified: str | None


class Frontier:
    """What is stored for one site, and when each article is to be fetched again."""

    def __init__(self, refresh_after: float, now: datetime | None = None,
                 mode: RevisitMode = RevisitMode.DUE) -> None:
        self.refresh_after = refresh_after
        self.mode = mode
        self.now = (now or datetime.now(UTC)).timestamp()
        self._known: dict[str, float | _Fresh] = {}
        self._revisits: dict[str, Revisit] = {}  # url_key -> why it is fetched again
        self._articles = 0  # stored articles (the other keys are their aliases)
        self._recent: set[str] = set()  # url_keys fetched within the recent-fetch window

    def __len__(self) -> int:
        return self._articles

    def add(self, url: str, known: KnownArticle) -> None:
        self._articles += 1
        fetched = known.last_fetched_at.timestamp()
        first = known.first_seen_at.timestamp()
        if self.mode is RevisitMode.ALL or self.now - first < self.refresh_after:
            due = known.next_due_at.timestamp() if known.next_due_at is not None else None
            self._known[url_key(url)] = _Fresh(url, fetched, first, due, known.etag,
                                                  known.last_modified)
        else:
            self._known[url_key(url)] = fetched

    def add_alias(self, alias: str, url: str) -> None:
        """Another URL that led to the stored article at url (a redirect, its canonical):
        decided like the article (added after the articles)."""
        known = self._known.get(url_key(url))
        if known is not None:
            self._known.setdefault(url_key(alias), known)

    def add_recent(self, url: str) -> None:
        """A URL some crawl of the site fetched within the recent-fetch window."""
        self._recent.add(url_key(url))

    def decide(self, url: str, lastmod: str | None = None) -> tuple[Decision, dict[str, str]]:
        """(decision, request headers) for an article URL."""
        key = url_key(url)
        known = self._known.get(key)
        if known is None:
            if key in self._recent and self.mode is not RevisitMode.ALL:
                return "recent", {}
            return "fetch", {}
        changed = parse_timestamp(lastmod) if lastmod else None
        if isinstance(known, _Fresh):
            fresh, first, fetched, due = known, known.first_seen, known.last_fetched, known.next_due
        else:
            fresh, first, fetched, due = None, _SETTLED, known, None
        reason = revisit_reason(
            self.mode, now=self.now, first_seen=first, last_fetched=fetched, next_due=due,
            lastmod=changed.timestamp() if changed is not None else None,
            refresh_after=self.refresh_after)
        if reason is None:
            return "skip", {}
        if reason is Revisit.LASTMOD or fresh is None:  # the page says it changed: plain GET
            return reason, {}
        return reason, conditional_headers(fresh.etag, fresh.last_modified)

    def requested(self, url: str, reason: Revisit) -> None:
        """Remember that url is fetched again this crawl, and why."""
        self._revisits[url_key(url)] = reason

    def revisit_of(self, url: str) -> Revisit | None:
        """Why url was fetched again this crawl (None: it was not a stored article)."""
        return self._revisits.get(url_key(url))

    def stored_url(self, url: str) -> str:
        """The URL an article inside the refresh window is stored under (else url)."""
        known = self._known.get(url_key(url))
        return known.url if isinstance(known, _Fresh) else url


@dataclass(frozen=True, slots=True)
class RevisitOptions:
    """A crawl's revisit settings: which stored articles to fetch again, the intervals, and
    the time the crawl decides at (None: the clock; a fixed time for tests and what-ifs)."""

    mode: RevisitMode = RevisitMode.DUE
    policy: RevisitPolicy = field(default_factory=RevisitPolicy)
    now: datetime | None = None
    recent_window: float = 3600.0  # seconds: pages fetched this recently are not again (0: off)

    def clock(self) -> datetime:
        return self.now or datetime.now(UTC)


def revisit_options(get: Callable[[str], Any]) -> RevisitOptions:
    """RevisitOptions from the CLEANWIRE_REVISIT* settings (get: a settings lookup);
    ConfigError, one line, for a value that does not parse."""
    raw_mode = str(get("CLEANWIRE_REVISIT") or "due").strip().lower()
    try:
        mode = RevisitMode(raw_mode)
    except ValueError:
        raise ConfigError(f"CLEANWIRE_REVISIT={raw_mode!r}: expected one of "
                          f"{', '.join(RevisitMode)}") from None
    raw_steps = str(get("CLEANWIRE_REVISIT_INTERVALS") or "")
    try:
        steps = tuple(parse_duration(s.strip()) for s in raw_steps.split(",") if s.strip())
        policy = RevisitPolicy(steps) if steps else RevisitPolicy()
    except ValueError as exc:
        raise ConfigError(f"CLEANWIRE_REVISIT_INTERVALS={raw_steps!r}: {exc}") from None
    raw_now = str(get("CLEANWIRE_REVISIT_NOW") or "").strip()
    now = parse_timestamp(raw_now) if raw_now else None
    if raw_now and now is None:
        raise ConfigError(f"CLEANWIRE_REVISIT_NOW={raw_now!r}: expected an ISO 8601 time")
    raw_window = str(get("CLEANWIRE_RECENT_FETCH_WINDOW") or "1h").strip()
    try:
        window = parse_duration(raw_window)
    except ValueError as exc:
        raise ConfigError(f"CLEANWIRE_RECENT_FETCH_WINDOW={raw_window!r}: {exc}") from None
    return RevisitOptions(mode, policy, now, window)


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers
