"""The cleanwire command: one entry point, subcommands in crawler/commands/.

Errors a user can cause (bad URL, missing sites file, unreachable database,
unreadable HTML) end in one line on stderr and a non-zero exit, never a
traceback: 1 when the work failed, 2 for bad usage, 3 when `cleanwire health` raised an
alert (crawler/commands/report.py), 130 / 143 when stopped by Ctrl-C
(SIGINT) / SIGTERM (crawler/commands/base.py). --db and -v may come before or after the
command's name.
"""

from __future__ import annotations

import argparse
import os
import sys

from cleaners import CleanError
from crawler.commands import (
    analyst,
    clean,
    crawl,
    datasette,
    db,
    duplicates,
    reclean,
    report,
    schedule,
    warc,
    worker,
)
from crawler.commands.base import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    GLOBAL_DEFAULTS,
    Parser,
    UsageError,
    add_global_flags,
    exit_for_signal,
)
from crawler.config import ConfigError
from crawler.errors import WorkFailed
from crawler.profiles import ProfileError
from storage.errors import DatabaseError, QueryError, QueryInterrupted

COMMAND_MODULES = (crawl, clean, db, analyst, schedule, duplicates, datasette, worker, report,
                   reclean, warc)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="cleanwire", description="Crawl news sites, clean the articles, "
                    "store them in SQLite or PostgreSQL, and query them.")
    parser.add_argument("--version", action="version", version=f"cleanwire {version()}")
    add_global_flags(parser)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for module in COMMAND_MODULES:
        module.register(sub)
    _add_verbose_everywhere(sub)
    return parser


def _add_verbose_everywhere(sub: argparse._SubParsersAction) -> None:
    """-v after any command's name too (--db is added by the commands that use it)."""
    for parser in sub.choices.values():
        if "-v" not in parser._option_string_actions:
            add_global_flags(parser, db=False)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                _add_verbose_everywhere(action)


def version() -> str:
    """The installed distribution's version (the source tree's when not installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("cleanwire")
    except PackageNotFoundError:
        return "(not installed)"


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line, with the global flags' defaults filled in."""
    args = build_parser().parse_args(argv)
    for name, default in GLOBAL_DEFAULTS.items():
        if not hasattr(args, name):
            setattr(args, name, default)
    return args


def main(argv: list[str] | None = None) -> int:
    args: argparse.Namespace | None = None
    try:
        args = parse(argv)
        return args.func(args)
    except (UsageError, ProfileError, ConfigError) as exc:
        print(f"cleanwire: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except QueryInterrupted as exc:
        print(f"cleanwire: {exc}", file=sys.stderr)
        return exit_for_signal(exc.signum)
    except (DatabaseError, QueryError, CleanError, WorkFailed) as exc:
        print(f"cleanwire: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("cleanwire: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the last line of defence: no tracebacks
        if os.environ.get("CLEANWIRE_DEBUG") or getattr(args, "verbose", False):
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
