"""cleanwire db upgrade: bring a database's schema to the newest migration."""

from __future__ import annotations

import argparse
from typing import Any

from crawler.commands.base import EXIT_OK, Parser, add_db_flag
from storage.engine import open_engine, redact_url, resolve_database_url


def register(sub: Any) -> None:
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, parser_class=Parser)
    upgrade = db_sub.add_parser("upgrade", help="apply schema migrations")
    add_db_flag(upgrade)
    upgrade.set_defaults(func=cmd_db_upgrade)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from storage.engine import current_revision, upgrade

    url = resolve_database_url(args.db)
    upgrade(url)
    engine = open_engine(url, migrate=False)
    try:
        print(f"{redact_url(url)}: schema at revision {current_revision(engine)}")
    finally:
        engine.dispose()
    return EXIT_OK
