"""Reading duplicate groups back: near-duplicate clusters and exact-copy groups, member by member.

One row per member of each group: near-duplicate clusters (articles.cluster_id) and
exact-copy groups (articles.duplicate_of) that no cluster holds. The earliest member,
by first_seen_at then url, is marked "likely origin" (it is also the one row of the
group that `unique` keeps). Used by `cleanwire duplicates` and cleanwire.Database.duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, or_, select

from .models import Article, Site

COLUMNS = ("group", "kind", "role", "article_id", "site", "first_seen_at", "url", "title")


@dataclass
class Member:
    id: int
    url: str
    title: str | None
    site: str | None
    host: str | None
    first_seen_at: datetime
    duplicate_of: int | None
    cluster_id: int | None

    @property
    def group(self) -> int:
        return self.cluster_id or self.duplicate_of or self.id

    @property
    def order(self) -> tuple[datetime, str]:
        return (self.first_seen_at, self.url)


@dataclass(frozen=True)
class DuplicateRow:
    """One member of a duplicate group, as `cleanwire duplicates` lists it (COLUMNS)."""

    group: int
    kind: str
    role: str
    article_id: int
    site: str | None
    first_seen_at: datetime
    url: str
    title: str | None


def duplicate_groups(engine: Engine, site: str | None = None,
                     since: datetime | None = None) -> list[list[Member]]:
    """Every group with two or more members, each sorted earliest first."""
    articles, sites = Article.__table__, Site.__table__
    origins = select(articles.c.duplicate_of).where(articles.c.duplicate_of.is_not(None))
    query = (
        select(articles.c.id, articles.c.url, articles.c.title, sites.c.name, sites.c.host,
               articles.c.first_seen_at, articles.c.duplicate_of, articles.c.cluster_id)
        .select_from(articles.outerjoin(sites, sites.c.id == articles.c.site_id))
        .where(or_(articles.c.cluster_id.is_not(None), articles.c.duplicate_of.is_not(None),
                   articles.c.id.in_(origins)))
    )
    grouped: dict[int, list[Member]] = {}
    with engine.connect() as connection:
        for row in connection.execute(query):
            member = Member(*row)
            grouped.setdefault(member.group, []).append(member)
    out = []
    for members in grouped.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda m: m.order)
        if site and not any(site in (m.site, m.host) for m in members):
            continue
        if since and not any(m.first_seen_at >= since for m in members):
            continue
        out.append(members)
    return sorted(out, key=lambda members: members[0].order)


def group_rows(groups: list[list[Member]]) -> list[DuplicateRow]:
    """One DuplicateRow per member of each group, groups and members in their order."""
    rows = []
    for members in groups:
        kind = "near" if members[0].cluster_id is not None else "exact"
        for index, member in enumerate(members):
            if index == 0:
                role = "likely origin"
            elif member.duplicate_of is not None:
                role = "exact copy"
            else:
                role = "near copy"
            rows.append(DuplicateRow(members[0].id, kind, role, member.id, member.site,
                                     member.first_seen_at, member.url, member.title))
    return rows
