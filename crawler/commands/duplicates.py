"""cleanwire duplicates: clusters of syndicated and near-duplicate articles.

One row per member of each group: near-duplicate clusters (articles.cluster_id) and
exact-copy groups (articles.duplicate_of) that no cluster holds. The earliest member,
by first_seen_at then url, is marked "likely origin" (it is also the one row of the
group that `--unique` keeps). Read-only.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, or_, select

from crawler.commands.base import EXIT_OK, UsageError, add_db_flag, print_rows
from storage.engine import open_engine, resolve_database_url
from storage.models import Article, Site
from storage.repository import parse_timestamp
from storage.sites import normal_host

COLUMNS = ("group", "kind", "role", "article_id", "site", "first_seen_at", "url", "title")
OUTPUT_FORMATS = ("table", "json", "csv")


def register(sub: Any) -> None:
    """The duplicates command is registered here."""
    parser = sub.add_parser("duplicates", help="list duplicate and near-duplicate groups")
    parser.add_argument("--site", help="only groups with a member on this site (name or host)")
    parser.add_argument("--since", help="only groups with a member first seen on or after DATE")
    parser.add_argument("--format", choices=OUTPUT_FORMATS, default="table",
                        help="output format (default: table)")
    add_db_flag(parser)
    parser.set_defaults(func=cmd_duplicates)


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


def cmd_duplicates(args: argparse.Namespace) -> int:
    since = None
    if args.since:
        since = parse_timestamp(args.since)
        if since is None:
            raise UsageError(f"--since: not a date or ISO time: {args.since!r}")
    engine = open_engine(resolve_database_url(args.db), read_only=True)
    try:
        groups = duplicate_groups(engine, site=args.site, since=since)
    finally:
        engine.dispose()
    print_rows(COLUMNS, group_rows(groups), args.format)
    return EXIT_OK


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
        if site and not any(site == m.site or normal_host(site) == m.host for m in members):
            continue
        if since and not any(m.first_seen_at >= since for m in members):
            continue
        out.append(members)
    return sorted(out, key=lambda members: members[0].order)


def group_rows(groups: list[list[Member]]) -> list[tuple[Any, ...]]:
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
            rows.append((members[0].id, kind, role, member.id, member.site,
                         member.first_seen_at.isoformat(), member.url, member.title))
    return rows
