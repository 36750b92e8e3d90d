"""cleanwire duplicates: clusters of syndicated and near-duplicate articles.

One row per member of each group: near-duplicate clusters (articles.cluster_id) and
exact-copy groups (articles.duplicate_of) that no cluster holds. The earliest member,
by first_seen_at then url, is marked "likely origin" (it is also the one row of the
group that `--unique` keeps). Read-only; the groups come from storage.duplicates.
"""

from __future__ import annotations

import argparse
from typing import Any

from crawler.commands.base import EXIT_OK, UsageError, add_db_flag, print_rows
from storage.duplicates import COLUMNS, Member, duplicate_groups
from storage.duplicates import group_rows as duplicate_rows
from storage.engine import open_engine, resolve_database_url
from storage.repository import parse_timestamp

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


def group_rows(groups: list[list[Member]]) -> list[tuple[Any, ...]]:
    """The table rows of storage.duplicates.group_rows, times in ISO 8601."""
    return [(r.group, r.kind, r.role, r.article_id, r.site, r.first_seen_at.isoformat(), r.url,
             r.title) for r in duplicate_rows(groups)]
