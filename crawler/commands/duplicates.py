"""cleanwire duplicates: groups of syndicated and near-duplicate articles.

One row per member of each group: near-duplicate clusters (articles.cluster_id) and
exact-copy groups (articles.duplicate_of) that no cluster holds. The earliest member,
by first_seen_at then url, is the "likely origin" (it is also the one row of the group
that `--unique` keeps); roles, copy_of, jaccard and kinds as storage.duplicates names
them. Read-only; the groups come from storage.duplicates.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from crawler.commands.base import EXIT_FAILED, EXIT_OK, UsageError, add_db_flag, print_rows
from storage.dedup import find_article_id
from storage.duplicates import COLUMNS, Member, duplicate_groups, jaccard_to_copied
from storage.duplicates import group_rows as duplicate_rows
from storage.engine import open_engine, resolve_database_url
from storage.repository import parse_timestamp

OUTPUT_FORMATS = ("table", "json", "csv")


def register(sub: Any) -> None:
    """The duplicates command is registered here."""
    parser = sub.add_parser("duplicates", help="list duplicate and near-duplicate groups")
    parser.add_argument("--site", help="only groups with a member on this site (name or host)")
    parser.add_argument("--since", help="only groups with a member first seen on or after DATE")
    parser.add_argument("--url", help="only the group of the article at URL (any variant the "
                        "crawl reads as the same page)")
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
        article_id = None
        if args.url:
            with engine.connect() as connection:
                article_id = find_article_id(connection, args.url)
            if article_id is None:
                print(f"cleanwire: no article stored under {args.url} (nor under any URL the "
                      "crawl reads as the same page)", file=sys.stderr)
                return EXIT_FAILED
        groups = duplicate_groups(engine, site=args.site, since=since)
        if article_id is not None:
            groups = [g for g in groups if any(m.id == article_id for m in g)]
        similarity = jaccard_to_copied(engine, groups)
    finally:
        engine.dispose()
    print_rows(COLUMNS, group_rows(groups, similarity), args.format)
    return EXIT_OK


def group_rows(groups: list[list[Member]],
               similarity: dict[int, float] | None = None) -> list[tuple[Any, ...]]:
    """The table rows of storage.duplicates.group_rows, times in ISO 8601."""
    return [(r.group, r.kind, r.role, r.copy_of, r.jaccard, r.article_id, r.site,
             r.first_seen_at.isoformat(), r.url, r.title)
            for r in duplicate_rows(groups, similarity)]
