"""Article filters shared by search and export: site, language, date range, unique.

ArticleFilter is the value the CLI builds from --site/--lang/--since/--until/--unique;
conditions() turns it into SQLAlchemy expressions on articles (joined to sites).
Every value is a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_

from .errors import QueryError
from .models import Article
from .sites import site_condition
from .sqlhelp import aware_utc


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles: by site label (every host a profile labelled) or host, language,
    published_at range, not duplicate.

    since is inclusive, until exclusive; articles without a published date are left out
    whenever a range is given.
    """

    site: str | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    unique: bool = False


def parse_day_or_time(value: str, *, end: bool = False) -> datetime:
    """'2026-11-20' or an ISO 8601 time -> aware UTC datetime.

    A bare date given as an end (--until) means the end of that day, so
    --since 2026-11-20 --until 2026-11-20 is that whole day.
    """
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return moment + timedelta(days=1) if end else moment
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise QueryError(f"invalid date {value!r}: use YYYY-MM-DD or an ISO 8601 time") from exc
    return aware_utc(moment)


def unique_condition() -> ColumnElement[bool]:
    """Not an exact duplicate, and alone or the representative of its near-duplicate cluster."""
    return and_(
        Article.duplicate_of.is_(None),
        or_(Article.cluster_id.is_(None), Article.cluster_id == Article.id),
    )


def conditions(flt: ArticleFilter) -> list[ColumnElement[bool]]:
    """WHERE conditions for flt on Article (the caller joins Site when flt.site is set)."""
    where: list[ColumnElement[bool]] = []
    if flt.site:
        where.append(site_condition(flt.site))
    if flt.language:
        where.append(Article.language == flt.language)
    if flt.since is not None:
        where.append(Article.published_at >= flt.since)
    if flt.until is not None:
        where.append(Article.published_at < flt.until)
    if flt.unique:
        where.append(unique_condition())
    return where
