"""cleanwire db upgrade / create-reader: the schema's migrations, the analysts' PostgreSQL role."""

from __future__ import annotations

import argparse
import os
from typing import Any

from crawler.commands.base import EXIT_OK, Parser, add_db_flag
from storage.engine import open_engine, redact_url, resolve_database_url


def register(sub: Any) -> None:
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, parser_class=Parser)
    upgrade = db_sub.add_parser("upgrade", help="apply schema migrations")
    add_db_flag(upgrade)
    upgrade.set_defaults(func=cmd_db_upgrade)
    reader = db_sub.add_parser("create-reader", help="create the SELECT-only PostgreSQL role "
                               "for analysts (docs/analyst-sql.md)")
    reader.add_argument("--role", default="cleanwire_reader",
                        help="the role's name (default cleanwire_reader)")
    add_db_flag(reader)
    reader.set_defaults(func=cmd_db_create_reader)


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


READER_PASSWORD_ENV = "CLEANWIRE_READER_PASSWORD"


def cmd_db_create_reader(args: argparse.Namespace) -> int:
    from storage.reader import create_reader

    url = resolve_database_url(args.db)
    engine = open_engine(url)
    try:
        created = create_reader(engine, args.role, os.environ.get(READER_PASSWORD_ENV) or None)
    finally:
        engine.dispose()
    verb = "created" if created else "updated"
    print(f"{redact_url(url)}: role {args.role} {verb}: SELECT only, read-only sessions, "
          f"statement_timeout 30s (password from ${READER_PASSWORD_ENV} when set)")
    return EXIT_OK
