"""The cleanwire command: one entry point, subcommands in crawler/commands/.

Errors a user can cause (bad URL, missing sites file, unreachable database,
unreadable HTML) end in one line on stderr and a non-zero exit, never a
traceback: 1 when the work failed, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys

from cleaners import CleanError
from crawler.commands import analyst, clean, crawl, db, duplicates, schedule, worker
from crawler.commands.base import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Parser, UsageError
from crawler.config import ConfigError
from crawler.errors import WorkFailed
from crawler.profiles import ProfileError
from storage.errors import DatabaseError, QueryError

COMMAND_MODULES = (crawl, clean, db, analyst, schedule, duplicates, worker)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="cleanwire", description="Crawl news sites, clean the articles, "
                    "store them in SQLite or PostgreSQL, and query them.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except (UsageError, ProfileError, ConfigError) as exc:
        print(f"cleanwire: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (DatabaseError, QueryError, CleanError, WorkFailed) as exc:
        print(f"cleanwire: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("cleanwire: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the last line of defence: no tracebacks
        if os.environ.get("CLEANWIRE_DEBUG"):
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        print(f"cleanwire: internal error: {type(exc).__name__}: {first} "
              "(set CLEANWIRE_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_FAILED


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
