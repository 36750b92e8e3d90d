"""Known-URL lookups for incremental crawls: what a site already has stored, in one query.

The crawler asks once at the start of a crawl (known_articles, and the pages fetched lately:
recently_fetched) and decides per URL whether to fetch it again (storage/revisits.py);
a 304 answer bumps last_fetched_at and
moves the article to its next longer revisit interval (touch_not_modified) in the batch
transaction that records its fetch row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, and_, bindparam, func, or_, select, update
from sqlalchemy import exc as sa_exc

from .contract import DISCOVERY_OUTCOMES, Outcome, Reason
from .engine import error_line
from .errors import StorageError
from .models import Article, ArticleUrl, CrawlRun, Fetch, Site
from .revisits import RevisitPolicy
from .sites import site_condition
from .sqlhelp import chunks

NOT_MODIFIED = Outcome.NOT_MODIFIED  # fetches.outcome of a 304 answer to a conditional GET


@dataclass(frozen=True, slots=True)
class KnownArticle:
    """What a re-crawl needs to know about one stored article."""

    last_fetched_at: datetime
    first_seen_at: datetime
    etag: str | None
    last_modified: str | None
    next_due_at: datetime | None = None  # None: never scheduled (due now)


def known_articles(engine: Engine, site: str,
                   hosts: Iterable[str] = ()) -> Iterator[tuple[str, KnownArticle]]:
    """(url, KnownArticle) for every stored article of the site (its label or host, and its
    profile's hosts: storage.sites.site_condition), streamed from one query."""
    table, sites = Article.__table__, Site.__table__
    query = (
        select(table.c.url, table.c.last_fetched_at, table.c.first_seen_at, table.c.http_etag,
               table.c.http_last_modified, table.c.next_due_at)
        .join(sites, sites.c.id == table.c.site_id)
        .where(site_condition(site, hosts))
    )
    try:
        with engine.connect() as connection:
            result = connection.execution_options(yield_per=10_000).execute(query)
            for url, fetched, first, etag, modified, due in result:
                yield url, KnownArticle(fetched, first, etag, modified, due)
    except sa_exc.SQLAlchemyError as exc:
        raise StorageError(f"could not read the known articles: {error_line(exc)}") from exc


def known_aliases(engine: Engine, site: str,
                  hosts: Iterable[str] = ()) -> Iterator[tuple[str, str]]:
    """(other url, stored url) for every redirect, canonical or variant URL that led to a
    stored article of the site (article_urls), streamed from one query."""
    aliases, table, sites = ArticleUrl.__table__, Article.__table__, Site.__table__
    query = (
        select(aliases.c.url, table.c.url)
        .join(table, table.c.id == aliases.c.article_id)
        .join(sites, sites.c.id == table.c.site_id)
        .where(site_condition(site, hosts), aliases.c.url != table.c.url)
    )
    try:
        with engine.connect() as connection:
            result = connection.execution_options(yield_per=10_000).execute(query)
            yield from ((alias, url) for alias, url in result)
    except sa_exc.SQLAlchemyError as exc:
        raise StorageError(f"could not read the known article URLs: {error_line(exc)}") from exc


#: fetch outcomes a recent fetch does not hold back: discovery documents and listings are
#: read again for their links (a killed run's queue is not kept: its links are found anew)
REREAD_OUTCOMES: frozenset[str] = frozenset({*DISCOVERY_OUTCOMES, Outcome.LISTING})


def recently_fetched(engine: Engine, site: str, since: datetime,
                     hosts: Iterable[str] = ()) -> Iterator[str]:
    """URLs fetched for site (its label or host, and its profile's hosts) by any run at or
    after since (any outcome but REREAD_OUTCOMES, and but the requests a stopped crawl
    abandoned unfetched), streamed from one query: the runs of the site that were open
    since then, their fetch rows since then."""
    runs, fetches, sites = CrawlRun.__table__, Fetch.__table__, Site.__table__
    open_runs = (
        select(runs.c.id).join(sites, sites.c.id == runs.c.site_id)
        .where(site_condition(site, hosts), or_(runs.c.finished_at.is_(None),
                                         runs.c.finished_at >= since))
    )
    abandoned = and_(fetches.c.outcome == Outcome.SKIPPED,
                     func.coalesce(fetches.c.error, "") == Reason.INTERRUPTED)
    query = (
        select(fetches.c.url).distinct()
        .where(fetches.c.crawl_run_id.in_(open_runs), fetches.c.fetched_at >= since,
               or_(fetches.c.outcome.is_(None), fetches.c.outcome.not_in(REREAD_OUTCOMES)),
               ~abandoned.self_group())
    )
    try:
        with engine.connect() as connection:
            result = connection.execution_options(yield_per=10_000).execute(query)
            yield from (url for (url,) in result)
    except sa_exc.SQLAlchemyError as exc:
        raise StorageError(f"could not read the recent fetches: {error_line(exc)}") from exc


def touch_not_modified(connection: Connection, fetched: Sequence[tuple[str, datetime]],
                       revisits: RevisitPolicy) -> None:
    """Bump last_fetched_at of articles whose conditional GET answered 304 (never backwards),
    and schedule their next revisit one interval longer (a 304 is a re-fetch without change)."""
    latest: dict[str, datetime] = {}
    for url, moment in fetched:
        latest[url] = max(latest.get(url, moment), moment)
    if not latest:
        return
    table = Article.__table__
    intervals: dict[str, int | None] = {}
    for chunk in chunks(sorted(latest)):
        query = select(table.c.url, table.c.revisit_interval).where(table.c.url.in_(chunk))
        intervals.update((url, interval) for url, interval in connection.execute(query))
    params = []
    for url, moment in sorted(latest.items()):
        if url not in intervals:
            continue
        interval = revisits.next_interval(intervals[url], changed=False)
        params.append({"target": url, "moment": moment, "interval": int(interval),
                       "due": revisits.due_at(moment, interval)})
    if not params:
        return
    when = bindparam("moment", type_=table.c.last_fetched_at.type)
    stmt = (update(table).where(table.c.url == bindparam("target"))
            .where(table.c.last_fetched_at < when)
            .values(last_fetched_at=when, revisit_interval=bindparam("interval"),
                    next_due_at=bindparam("due", type_=table.c.next_due_at.type)))
    connection.execute(stmt, params)
