"""Drift alerts: each site's recent crawls compared with its own rolling baseline.

load_history() reads what the report and the alerts need from fetches, crawl_runs and
articles in one time range (one row per fetch, article and run, aggregated in Python so
the medians are portable); check() splits each site's history at the start of its recent
window (its last day, or its last N crawls) and compares that window with the
baseline_days before it, raising named Alerts with the numbers behind them.
Thresholds' defaults are documented on its fields; `cleanwire health` reads
CLEANWIRE_HEALTH_<FIELD> from the environment and command-line flags over them.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, func, select
from sqlalchemy import exc as sa_exc

from .contract import ARTICLE_OUTCOMES, DISCOVERY_OUTCOMES, PAGE_TYPE_OUTCOMES, Outcome
from .engine import error_line
from .errors import QueryError
from .models import Article, CrawlRun, Fetch, Site
from .sites import site_condition

NO_SITE = "(no site)"
BLOCKED_PREFIX = "blocked:"  # Reason.blocked(403|429) and Reason.BLOCKED_CHALLENGE


@dataclass(frozen=True)
class Thresholds:
    """When check() raises an alert. Shares are fractions (0.30 = 30 points)."""

    baseline_days: float = 14.0  # the baseline: this many days before the recent window
    recent_days: float = 1.0  # the recent window: the last day before now...
    recent_runs: int = 0  # ...or, when > 0, each site's last N crawls
    min_articles: int = 5  # fewer articles in either window: no word/date/author alert
    min_fetches: int = 5  # fewer fetches in either window: no share alert
    words_drop: float = 0.5  # median words fell by this fraction of the baseline's
    missing_rise: float = 0.30  # share without a date / an author rose by this much
    non_article_rise: float = 0.30  # share of pages typed non-article rose by this much
    failure_rise: float = 0.20  # share of fetches that failed rose by this much
    block_rise: float = 0.10  # share of fetches blocked (403, 429, challenge) rose this much
    stale_factor: float = 2.0  # no crawl for this many times the site's usual interval
    default_interval_hours: float = 24.0  # the interval of a site with < 2 crawls to go by

    @classmethod
    def env_names(cls) -> dict[str, str]:
        """field -> the environment variable that overrides it (CLEANWIRE_HEALTH_<FIELD>)."""
        return {f.name: f"CLEANWIRE_HEALTH_{f.name.upper()}" for f in dataclasses.fields(cls)}

    def replace(self, **changes: Any) -> Thresholds:
        """A copy with the changes that are not None; ValueError for a negative value."""
        kept = {k: v for k, v in changes.items() if v is not None}
        for name, value in kept.items():
            if value < 0:
                raise ValueError(f"{name} must not be negative (got {value})")
        return dataclasses.replace(self, **kept)


class Category(StrEnum):
    EXTRACTION = "extraction"  # the site answers but what is stored broke
    FAILURES = "failures"
    BLOCKING = "blocking"
    SCHEDULE = "schedule"


class AlertName(StrEnum):
    NO_ARTICLES = "no-articles"
    WORDS_DROPPED = "words-dropped"
    NO_DATE_ROSE = "no-date-rose"
    NO_AUTHOR_ROSE = "no-author-rose"
    NON_ARTICLES_SPIKED = "non-articles-spiked"
    FAILURES_SPIKED = "failures-spiked"
    BLOCKS_SPIKED = "blocks-spiked"
    NO_RECENT_CRAWL = "no-recent-crawl"

    @property
    def category(self) -> Category:
        return {AlertName.FAILURES_SPIKED: Category.FAILURES,
                AlertName.BLOCKS_SPIKED: Category.BLOCKING,
                AlertName.NO_RECENT_CRAWL: Category.SCHEDULE}.get(self, Category.EXTRACTION)


@dataclass(frozen=True)
class Alert:
    site: str
    name: AlertName
    recent: float | None  # the number now
    baseline: float | None  # the number it is compared with
    message: str

    @property
    def category(self) -> Category:
        return self.name.category


# --- the rows read ---------------------------------------------------------------------


@dataclass(slots=True)
class FetchRow:
    site: str
    run_id: int
    run_started: datetime
    fetched_at: datetime
    outcome: str | None
    error: str | None
    url: str
    kind: str = ""  # fetch_kind(outcome, error), set by load_history


def fetch_kind(outcome: str | None, error: str | None) -> str:
    """The group a fetch is counted in: stored, not modified, non-article, blocked,
    failed, skipped, discovery."""
    if error and error.startswith(BLOCKED_PREFIX):
        return "blocked"
    if outcome in ARTICLE_OUTCOMES:
        return "stored"
    if outcome == Outcome.NOT_MODIFIED:
        return "not modified"
    if outcome in PAGE_TYPE_OUTCOMES:
        return "non-article"
    if outcome in DISCOVERY_OUTCOMES:
        return "discovery"
    if outcome == Outcome.SKIPPED:
        return "skipped"
    return "failed"



@dataclass(slots=True)
class ArticleRow:
    site: str
    first_seen_at: datetime
    word_count: int
    no_date: bool
    no_author: bool
    duplicate: bool
    language: str | None


@dataclass(slots=True)
class RunRow:
    site: str
    run_id: int
    command: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    pages_fetched: int
    articles: int
    failed: int

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


@dataclass
class History:
    """Everything between since and until: fetches (by their run's start), articles (by
    first seen) and crawl runs (by start), each with its site's name."""

    since: datetime
    until: datetime
    fetches: list[FetchRow] = field(default_factory=list)
    articles: list[ArticleRow] = field(default_factory=list)
    runs: list[RunRow] = field(default_factory=list)
    last_runs: dict[str, datetime] = field(default_factory=dict)  # site -> last crawl started

    def by_site(self) -> dict[str, History]:
        """Each site's part of this history."""
        parts = {site: History(self.since, self.until) for site in self.sites()}
        for f in self.fetches:
            parts[f.site].fetches.append(f)
        for a in self.articles:
            parts[a.site].articles.append(a)
        for r in self.runs:
            parts[r.site].runs.append(r)
        for site, last in self.last_runs.items():
            parts[site].last_runs[site] = last
        return parts

    def sites(self) -> list[str]:
        return sorted({r.site for r in self.runs} | {a.site for a in self.articles}
                      | set(self.last_runs))


def load_history(engine: Engine, since: datetime, until: datetime,
                 site: str | None = None) -> History:
    """History of every site (or the one with that name or host) in [since, until)."""
    history = History(since, until)
    try:
        with engine.connect() as connection:
            names = _site_names(connection, site)
            ids = list(names)
            _load_runs(connection, history, names, ids)
            _load_fetches(connection, history, names, ids)
            _load_articles(connection, history, names, ids)
    except sa_exc.SQLAlchemyError as exc:
        raise QueryError(f"health failed: {error_line(exc)}") from exc
    return history


def _site_names(connection: Connection, site: str | None) -> dict[int | None, str]:
    statement = select(Site.id, Site.name)
    if site is not None:
        statement = statement.where(site_condition(site))
    names: dict[int | None, str] = {r.id: r.name for r in connection.execute(statement)}
    if site is None:
        names[None] = NO_SITE
    elif not names:
        raise QueryError(f"no site named {site!r}")
    return names


def _site_filter(column: Any, ids: list[int | None]) -> Any:
    known = [i for i in ids if i is not None]
    condition = column.in_(known)
    return (condition | column.is_(None)) if None in ids else condition


def _load_runs(connection: Connection, history: History, names: dict[int | None, str],
               ids: list[int | None]) -> None:
    statement = select(
        CrawlRun.id, CrawlRun.site_id, CrawlRun.command, CrawlRun.started_at,
        CrawlRun.finished_at, CrawlRun.outcome, CrawlRun.pages_fetched,
        (CrawlRun.articles_new + CrawlRun.articles_updated
         + CrawlRun.articles_unchanged).label("articles"),
        CrawlRun.failed,
    ).where(_site_filter(CrawlRun.site_id, ids), CrawlRun.started_at >= history.since,
            CrawlRun.started_at < history.until).order_by(CrawlRun.started_at, CrawlRun.id)
    for r in connection.execute(statement):
        history.runs.append(RunRow(names[r.site_id], r.id, r.command, r.started_at,
                                   r.finished_at, r.outcome, r.pages_fetched or 0,
                                   r.articles or 0, r.failed or 0))
    last = (select(CrawlRun.site_id, func.max(CrawlRun.started_at).label("last"))
            .where(_site_filter(CrawlRun.site_id, ids), CrawlRun.started_at < history.until)
            .group_by(CrawlRun.site_id))
    for r in connection.execute(last):
        history.last_runs[names[r.site_id]] = r.last


def _load_fetches(connection: Connection, history: History, names: dict[int | None, str],
                  ids: list[int | None]) -> None:
    statement = (
        select(CrawlRun.site_id, Fetch.crawl_run_id, CrawlRun.started_at, Fetch.fetched_at,
               Fetch.outcome, Fetch.error, Fetch.url)
        .join(CrawlRun, CrawlRun.id == Fetch.crawl_run_id)
        .where(_site_filter(CrawlRun.site_id, ids), CrawlRun.started_at >= history.since,
               CrawlRun.started_at < history.until)
    )
    for r in connection.execute(statement):
        history.fetches.append(FetchRow(names[r.site_id], r.crawl_run_id, r.started_at,
                                        r.fetched_at, r.outcome, r.error, r.url,
                                        fetch_kind(r.outcome, r.error)))


def _load_articles(connection: Connection, history: History, names: dict[int | None, str],
                   ids: list[int | None]) -> None:
    length = (func.jsonb_array_length(Article.authors)
              if connection.dialect.name == "postgresql"
              else func.json_array_length(Article.authors))
    no_author = case((Article.authors.is_(None), 1), (length == 0, 1), else_=0)
    duplicate = case((Article.duplicate_of.is_not(None), 1),
                     (and_(Article.cluster_id.is_not(None), Article.cluster_id != Article.id), 1),
                     else_=0)
    statement = select(
        Article.site_id, Article.first_seen_at, Article.word_count,
        Article.published_at.is_(None).label("no_date"), no_author.label("no_author"),
        duplicate.label("duplicate"), Article.language,
    ).where(_site_filter(Article.site_id, ids), Article.first_seen_at >= history.since,
            Article.first_seen_at < history.until)
    for r in connection.execute(statement):
        history.articles.append(ArticleRow(names[r.site_id], r.first_seen_at, r.word_count or 0,
                                           bool(r.no_date), bool(r.no_author),
                                           bool(r.duplicate), r.language))


# --- windows and alerts ------------------------------------------------------------------


@dataclass
class Window:
    """One site's numbers over a span of time: its crawls' fetches and its new articles."""

    start: datetime
    end: datetime
    runs: int = 0
    fetches: int = 0  # fetch attempts of pages (discovery documents and skips not counted)
    stored: int = 0  # fetches that stored an article (new, updated, unchanged, not modified)
    non_articles: int = 0
    failed: int = 0
    blocked: int = 0
    articles: int = 0  # articles first seen in the window
    median_words: float | None = None
    no_date_share: float | None = None
    no_author_share: float | None = None
    duplicate_share: float | None = None

    @property
    def pages(self) -> int:
        """Fetches that returned a page the cleaner typed."""
        return self.stored + self.non_articles

    @property
    def non_article_share(self) -> float | None:
        return self.non_articles / self.pages if self.pages else None

    @property
    def failure_share(self) -> float | None:
        return self.failed / self.fetches if self.fetches else None

    @property
    def block_share(self) -> float | None:
        return self.blocked / self.fetches if self.fetches else None


def window(site: str, history: History, start: datetime, end: datetime) -> Window:
    """site's Window over [start, end): fetches of crawls started then, articles first seen."""
    result = Window(start, end)
    result.runs = sum(1 for r in history.runs if r.site == site and start <= r.started_at < end)
    for f in history.fetches:
        if f.site != site or not start <= f.run_started < end:
            continue
        kind = f.kind
        if kind in ("discovery", "skipped"):
            continue
        result.fetches += 1
        if kind in ("stored", "not modified"):
            result.stored += 1
        elif kind == "non-article":
            result.non_articles += 1
        elif kind == "blocked":
            result.blocked += 1
        else:
            result.failed += 1
    articles = [a for a in history.articles if a.site == site and start <= a.first_seen_at < end]
    result.articles = n = len(articles)
    if n:
        result.median_words = float(statistics.median(a.word_count for a in articles))
        result.no_date_share = sum(a.no_date for a in articles) / n
        result.no_author_share = sum(a.no_author for a in articles) / n
        result.duplicate_share = sum(a.duplicate for a in articles) / n
    return result


@dataclass
class SiteHealth:
    site: str
    recent: Window
    baseline: Window
    last_crawl: datetime | None
    interval_hours: float  # the usual time between its crawls
    alerts: list[Alert] = field(default_factory=list)


def recent_start(site: str, history: History, thresholds: Thresholds, now: datetime) -> datetime:
    """Where site's recent window starts: now - recent_days, or its N-th last crawl."""
    if thresholds.recent_runs > 0:
        starts = sorted(r.started_at for r in history.runs if r.site == site)
        if starts:
            return starts[-min(thresholds.recent_runs, len(starts))]
    return now - timedelta(days=thresholds.recent_days)


def usual_interval_hours(site: str, history: History, thresholds: Thresholds) -> float:
    """The median time between site's crawls (crawls of the whole history)."""
    starts = sorted(r.started_at for r in history.runs if r.site == site)
    gaps = [(b - a).total_seconds() / 3600 for a, b in pairwise(starts)]
    gaps = [g for g in gaps if g > 0]
    return float(statistics.median(gaps)) if gaps else thresholds.default_interval_hours


def history_span(thresholds: Thresholds, now: datetime) -> tuple[datetime, datetime]:
    """The [since, until) that check() needs from load_history (the last N crawls may reach
    back further than a day: the baseline is then counted back from their start)."""
    days = thresholds.baseline_days + max(thresholds.recent_days, 1.0)
    if thresholds.recent_runs:
        days += thresholds.baseline_days  # room for N crawls spread over the baseline again
    return now - timedelta(days=days), now + timedelta(microseconds=1)


def check(history: History, thresholds: Thresholds, now: datetime) -> list[SiteHealth]:
    """Each site's recent window against its baseline, with the alerts raised, by site."""
    result = []
    for site, own in history.by_site().items():
        start = recent_start(site, own, thresholds, now)
        recent = window(site, own, start, now + timedelta(microseconds=1))
        baseline = window(site, own, start - timedelta(days=thresholds.baseline_days), start)
        health = SiteHealth(site, recent, baseline, own.last_runs.get(site),
                            usual_interval_hours(site, own, thresholds))
        health.alerts = _alerts(health, thresholds, now)
        result.append(health)
    return result


def _alerts(h: SiteHealth, t: Thresholds, now: datetime) -> list[Alert]:
    alerts: list[Alert] = []
    site, r, b = h.site, h.recent, h.baseline

    def rise(name: AlertName, now_share: float | None, was: float | None, limit: float,
             what: str, enough: bool) -> None:
        if enough and now_share is not None and was is not None and now_share - was >= limit:
            alerts.append(Alert(site, name, now_share, was,
                                f"{what} {now_share:.0%} (baseline {was:.0%}, "
                                f"+{(now_share - was) * 100:.0f} points)"))

    if h.last_crawl is not None:
        hours = (now - h.last_crawl).total_seconds() / 3600
        if hours > t.stale_factor * h.interval_hours:
            alerts.append(Alert(site, AlertName.NO_RECENT_CRAWL, hours, h.interval_hours,
                                f"last crawl {hours:.0f} h ago (usually every "
                                f"{h.interval_hours:.0f} h)"))
    if r.runs == 0:
        return alerts
    if r.stored == 0 and r.pages > 0 and b.stored > 0:
        per_run = b.stored / max(b.runs, 1)
        alerts.append(Alert(site, AlertName.NO_ARTICLES, 0, per_run,
                            f"0 articles stored from {r.pages} pages fetched (baseline "
                            f"{per_run:.0f} per crawl)"))
    articles = r.articles >= t.min_articles and b.articles >= t.min_articles
    was, words = b.median_words, r.median_words
    if articles and words is not None and was and words <= (1 - t.words_drop) * was:
        alerts.append(Alert(site, AlertName.WORDS_DROPPED, words, was,
                            f"median words {words:.0f} (baseline {was:.0f}, "
                            f"-{1 - words / was:.0%})"))
    rise(AlertName.NO_DATE_ROSE, r.no_date_share, b.no_date_share, t.missing_rise,
         "articles without a date", articles)
    rise(AlertName.NO_AUTHOR_ROSE, r.no_author_share, b.no_author_share, t.missing_rise,
         "articles without an author", articles)
    pages = r.pages >= t.min_fetches and b.pages >= t.min_fetches
    rise(AlertName.NON_ARTICLES_SPIKED, r.non_article_share, b.non_article_share,
         t.non_article_rise, "pages typed non-article", pages)
    fetches = r.fetches >= t.min_fetches and b.fetches >= t.min_fetches
    rise(AlertName.FAILURES_SPIKED, r.failure_share, b.failure_share, t.failure_rise,
         "fetches failed", fetches)
    rise(AlertName.BLOCKS_SPIKED, r.block_share, b.block_share, t.block_rise,
         "fetches blocked (403/429/challenge)", fetches and r.blocked > 0)
    return alerts


def health(engine: Engine, thresholds: Thresholds, now: datetime,
           site: str | None = None) -> list[SiteHealth]:
    """check() over the history it needs, read from engine."""
    since, until = history_span(thresholds, now)
    return check(load_history(engine, since, until, site), thresholds, now)


def alerts_of(healths: list[SiteHealth]) -> list[Alert]:
    return [a for h in healths for a in h.alerts]


def by_site(alerts: list[Alert]) -> dict[str, list[Alert]]:
    grouped: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts:
        grouped[alert.site].append(alert)
    return dict(grouped)
