"""`cleanwire stats`: one health row per site, so a broken site template shows at a glance.

A site is a sites.name: a profile's label, covering every host row it labelled, or the host
of a site crawled by URL only (storage/sites.py). Per site: articles, top languages,
first/last published, the last crawl and its outcome, the fetch failure rate by reason
(fetches joined to their crawl run's site), and extraction health: median word count,
share of articles under 150 words, share without a published date, share without an
author. Possible losses: the share of the non-article pages of its crawls that declared
themselves articles (crawl_runs.counts declared_non_articles), and articles over
HUGE_WORDS words (an archive stored as one article). Duplicates: exact copies and near
copies, as storage.dedup.CopyRole names them. flags() names what looks wrong.
Portable SQL (SQLite and PostgreSQL); the median is found with ORDER BY/OFFSET per site.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, case, func, select
from sqlalchemy import exc as sa_exc

from .contract import Counter as RunCounter
from .contract import Outcome
from .dedup import is_exact_copy, is_near_copy
from .engine import error_line
from .errors import QueryError
from .models import Article, CrawlRun, Fetch, Site
from .sites import site_condition

SHORT_WORDS = 150
TOP_LANGUAGES = 3
# thresholds for flags(): shares of a site's articles / fetches
SHORT_SHARE_ALERT = 0.5
NO_DATE_SHARE_ALERT = 0.5
NO_AUTHOR_SHARE_ALERT = 0.8
FAILURE_RATE_ALERT = 0.2
DECLARED_SHARE_ALERT = 0.05  # of the non-article pages crawled
HUGE_WORDS = 20_000  # an article longer than this is likely a listing or archive stored whole


@dataclass
class SiteStats:
    """Health numbers of one site."""

    site: str
    hosts: list[str] = field(default_factory=list)  # its sites rows' hosts, sorted
    site_ids: list[int] = field(default_factory=list)  # its sites rows
    articles: int = 0
    languages: list[tuple[str, float]] = field(default_factory=list)  # (language, share)
    first_published: datetime | None = None
    last_published: datetime | None = None
    last_crawl: datetime | None = None
    last_outcome: str | None = None
    fetches: int = 0
    failures: dict[str, int] = field(default_factory=dict)  # reason -> count
    median_words: float | None = None
    short_share: float | None = None
    no_date_share: float | None = None
    no_author_share: float | None = None
    non_articles: int = 0  # pages its crawls typed listing, paywalled or other
    declared_non_articles: int = 0  # of those, pages that declared themselves articles
    huge_articles: int = 0  # articles over HUGE_WORDS words
    exact_copies: int = 0  # articles with the text of an earlier one (storage.dedup.CopyRole)
    near_copies: int = 0  # articles in an earlier one's near-duplicate cluster

    @property
    def failure_rate(self) -> float | None:
        return sum(self.failures.values()) / self.fetches if self.fetches else None

    @property
    def declared_share(self) -> float | None:
        """The share of its non-article pages that declared themselves articles."""
        return self.declared_non_articles / self.non_articles if self.non_articles else None

    def flags(self) -> list[str]:
        """What looks broken: few words, no dates, no authors, failing fetches or crawl,
        and what may be lost or wrong: declared articles typed otherwise, huge articles."""
        checks = [
            ("short-text", self.short_share, SHORT_SHARE_ALERT),
            ("no-dates", self.no_date_share, NO_DATE_SHARE_ALERT),
            ("no-authors", self.no_author_share, NO_AUTHOR_SHARE_ALERT),
            ("fetch-failures", self.failure_rate, FAILURE_RATE_ALERT),
            ("declared-non-articles", self.declared_share, DECLARED_SHARE_ALERT),
        ]
        found = [name for name, value, limit in checks if value is not None and value > limit]
        if self.huge_articles:
            found.append("huge-articles")
        if self.last_outcome not in (None, "ok", "running"):
            found.append(f"last-crawl-{self.last_outcome}")
        if self.articles == 0:
            found.append("no-articles")
        return found


def site_stats(engine: Engine, site: str | None = None) -> list[SiteStats]:
    """SiteStats for every site, by site name; site: only the rows labelled so, or that host's
    row (storage.sites.site_condition)."""
    try:
        with engine.connect() as connection:
            result = _sites(connection, site)
            _article_numbers(connection, result)
            _languages(connection, result)
            _medians(connection, result)
            _last_crawls(connection, result)
            _non_articles(connection, result)
            _failures(connection, result)
    except sa_exc.SQLAlchemyError as exc:
        raise QueryError(f"stats failed: {error_line(exc)}") from exc
    return sorted({id(s): s for s in result.values()}.values(), key=lambda s: s.site)


def _sites(connection: Connection, site: str | None) -> dict[int, SiteStats]:
    """site_id -> the SiteStats of its name (rows sharing a label share one)."""
    statement = select(Site.id, Site.name, Site.host).order_by(Site.host)
    if site is not None:
        statement = statement.where(site_condition(site))
    by_name: dict[str, SiteStats] = {}
    result: dict[int, SiteStats] = {}
    for row in connection.execute(statement):
        stats = by_name.setdefault(row.name, SiteStats(row.name))
        stats.hosts.append(row.host)
        stats.site_ids.append(row.id)
        result[row.id] = stats
    return result


def _no_author(connection: Connection):  # type: ignore[no-untyped-def]
    length = (
        func.jsonb_array_length(Article.authors)
        if connection.dialect.name == "postgresql"
        else func.json_array_length(Article.authors)
    )
    return case((Article.authors.is_(None), 1), (length == 0, 1), else_=0)


def _article_numbers(connection: Connection, result: dict[int, SiteStats]) -> None:
    statement = select(
        Article.site_id,
        func.count().label("n"),
        func.min(Article.published_at).label("first"),
        func.max(Article.published_at).label("last"),
        func.sum(case((Article.word_count < SHORT_WORDS, 1), else_=0)).label("short"),
        func.sum(case((Article.published_at.is_(None), 1), else_=0)).label("no_date"),
        func.sum(_no_author(connection)).label("no_author"),
        func.sum(case((Article.word_count > HUGE_WORDS, 1), else_=0)).label("huge"),
        func.sum(case((is_exact_copy(Article.__table__), 1), else_=0)).label("exact"),
        func.sum(case((is_near_copy(Article.__table__), 1), else_=0)).label("near"),
    ).group_by(Article.site_id)
    sums: dict[int, Counter[str]] = defaultdict(Counter)  # id(SiteStats) -> totals
    for row in connection.execute(statement):
        stats = result.get(row.site_id)
        if stats is None:
            continue
        stats.articles += row.n
        stats.first_published = _earliest(stats.first_published, row.first)
        stats.last_published = _latest(stats.last_published, row.last)
        sums[id(stats)].update(short=row.short or 0, no_date=row.no_date or 0,
                               no_author=row.no_author or 0)
        stats.huge_articles += row.huge or 0
        stats.exact_copies += row.exact or 0
        stats.near_copies += row.near or 0
    for stats in result.values():
        if stats.articles:
            total = sums[id(stats)]
            stats.short_share = total["short"] / stats.articles
            stats.no_date_share = total["no_date"] / stats.articles
            stats.no_author_share = total["no_author"] / stats.articles


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def _languages(connection: Connection, result: dict[int, SiteStats]) -> None:
    statement = select(Article.site_id, Article.language, func.count().label("n")).group_by(
        Article.site_id, Article.language
    )
    counts: dict[int, Counter[str]] = defaultdict(Counter)  # id(SiteStats) -> languages
    for row in connection.execute(statement):
        stats = result.get(row.site_id)
        if stats is not None:
            counts[id(stats)][row.language or "?"] += row.n
    for stats in {id(s): s for s in result.values()}.values():
        counter = counts.get(id(stats))
        if counter is None or not stats.articles:
            continue
        stats.languages = [
            (language, n / stats.articles) for language, n in counter.most_common(TOP_LANGUAGES)
        ]


def _medians(connection: Connection, result: dict[int, SiteStats]) -> None:
    for stats in {id(s): s for s in result.values()}.values():
        if not stats.articles:
            continue
        middle = [(stats.articles - 1) // 2, stats.articles // 2]
        values = [
            connection.execute(
                select(Article.word_count)
                .where(Article.site_id.in_(stats.site_ids))
                .order_by(Article.word_count)
                .offset(offset)
                .limit(1)
            ).scalar_one()
            for offset in sorted(set(middle))
        ]
        stats.median_words = sum(values) / len(values)


def _last_crawls(connection: Connection, result: dict[int, SiteStats]) -> None:
    latest = (
        select(CrawlRun.site_id, func.max(CrawlRun.id).label("run_id"))
        .group_by(CrawlRun.site_id)
        .subquery()
    )
    statement = select(CrawlRun.id, CrawlRun.site_id, CrawlRun.started_at,
                       CrawlRun.finished_at, CrawlRun.outcome).join(
        latest, latest.c.run_id == CrawlRun.id).order_by(CrawlRun.id)
    for row in connection.execute(statement):  # a site's latest run comes last
        stats = result.get(row.site_id)
        if stats is not None:
            stats.last_crawl = row.finished_at or row.started_at
            stats.last_outcome = row.outcome


def _non_articles(connection: Connection, result: dict[int, SiteStats]) -> None:
    """Non-article pages of each site's crawl runs, and how many declared an article."""
    declared = RunCounter.DECLARED_NON_ARTICLES.name_in_counts
    statement = select(CrawlRun.site_id, CrawlRun.non_articles, CrawlRun.counts)
    for row in connection.execute(statement):
        stats = result.get(row.site_id)
        if stats is None:
            continue
        stats.non_articles += row.non_articles or 0
        stats.declared_non_articles += int((row.counts or {}).get(declared, 0) or 0)


def _failures(connection: Connection, result: dict[int, SiteStats]) -> None:
    failed = case((Fetch.outcome == Outcome.FAILED, 1), else_=0)
    statement = (
        select(CrawlRun.site_id, Fetch.outcome, Fetch.error, func.count().label("n"),
               func.sum(failed).label("failed"))
        .join(CrawlRun, CrawlRun.id == Fetch.crawl_run_id)
        .group_by(CrawlRun.site_id, Fetch.outcome, Fetch.error)
    )
    for row in connection.execute(statement):
        stats = result.get(row.site_id)
        if stats is None:
            continue
        stats.fetches += row.n
        if row.failed:
            reason = row.error or "unknown"
            stats.failures[reason] = stats.failures.get(reason, 0) + row.failed
