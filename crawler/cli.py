"""The cleanwire command: crawl, scrape, clean, db.

Errors a user can cause (bad URL, missing sites file, unreachable database,
unreadable HTML) end in one line on stderr and a non-zero exit, never a
traceback: 1 when the work failed, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cleaners import CleanError, CleanPage, clean_page
from storage.engine import open_engine, redact_url, resolve_database_url
from storage.errors import DatabaseError

from .config import ConfigError
from .items import FetchItem, PageItem
from .profiles import ProfileError, SiteProfile, adhoc_profile, load_profiles, sites_path
from .urls import is_web_url, url_key

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments: printed as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cleanwire", description="Crawl news sites, clean the articles, "
                     "store them in SQLite or PostgreSQL.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    crawl = sub.add_parser("crawl", help="crawl sites: home pages, feeds, sitemaps, or profiles")
    crawl.add_argument("targets", nargs="*", metavar="URL|SITE",
                       help="start URLs (home page, RSS/Atom feed, sitemap) or site names "
                            "from sites.toml")
    crawl.add_argument("--all", action="store_true", help="crawl every site in the sites file")
    crawl.add_argument("--sites", help="sites file (default $CLEANWIRE_SITES or ./sites.toml)")
    _common_crawl_flags(crawl)
    crawl.add_argument("--max-pages", type=int, default=None, help="stop after N page requests")
    crawl.add_argument("--max-depth", type=int, default=None, help="follow links N hops deep")

    scrape = sub.add_parser("scrape", help="fetch, clean and store exactly these pages")
    scrape.add_argument("urls", nargs="+", metavar="URL")
    _common_crawl_flags(scrape)
    scrape.add_argument("--format", choices=("json", "text"), default="json")
    scrape.add_argument("--no-store", action="store_true", help="print only, store nothing")

    clean = sub.add_parser("clean", help="clean one saved HTML file (offline)")
    clean.add_argument("path", help="HTML file, or - for standard input")
    clean.add_argument("--url", default="", help="the page's URL (resolves relative links)")
    clean.add_argument("--format", choices=("json", "text"), default="json")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    upgrade = db_sub.add_parser("upgrade", help="apply schema migrations")
    upgrade.add_argument("--db", help="database URL (default $CLEANWIRE_DATABASE_URL or "
                         "sqlite:///cleanwire.db)")
    return parser


def _common_crawl_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database URL or SQLite file (default "
                        "$CLEANWIRE_DATABASE_URL or sqlite:///cleanwire.db)")
    parser.add_argument("--workers", type=int, default=None,
                        help="cleaning processes (default: one per core)")
    parser.add_argument("--timeout", type=float, default=None, help="download timeout, seconds")
    parser.add_argument("--max-page-bytes", type=int, default=None,
                        help="largest page body accepted, after decompression")
    parser.add_argument("-v", "--verbose", action="store_true", help="Scrapy's log at INFO")


# ---- crawl / scrape ----------------------------------------------------------------------

def _profiles(args: argparse.Namespace) -> list[SiteProfile]:
    urls = [t for t in args.targets if "://" in t]
    names = [t for t in args.targets if "://" not in t]
    if args.all and args.targets:
        raise UsageError("give either --all or targets, not both")
    if not args.all and not args.targets:
        raise UsageError("crawl needs a URL, a site name, or --all")
    profiles: list[SiteProfile] = []
    if urls:
        profiles.append(adhoc_profile(urls))
    if names or args.all:
        known = load_profiles(sites_path(args.sites))
        missing = [n for n in names if n not in known]
        if missing:
            raise UsageError(f"no site named {missing[0]!r} in {sites_path(args.sites)} "
                             f"(known: {', '.join(sorted(known))})")
        profiles.extend(known.values() if args.all else (known[n] for n in names))
    return profiles


def _overrides(args: argparse.Namespace, command: str, store: bool = True) -> dict[str, Any]:
    for name in ("max_pages", "max_depth", "workers", "timeout", "max_page_bytes"):
        value = getattr(args, name, None)
        if value is not None and value < 0:
            raise UsageError(f"--{name.replace('_', '-')} must not be negative")
    database = resolve_database_url(args.db)
    if store:
        open_engine(database).dispose()  # fail fast, and migrate once before crawling
    return {
        "CLEANWIRE_DATABASE_URL": database,
        "CLEANWIRE_STORE": store,
        "CLEANWIRE_COMMAND": command,
        "CLEANWIRE_MAX_PAGES": getattr(args, "max_pages", None),
        "CLEANWIRE_MAX_DEPTH": getattr(args, "max_depth", None),
        "CLEANWIRE_CLEAN_WORKERS": args.workers,
        "CLEANWIRE_SITES": getattr(args, "sites", None),
        "DOWNLOAD_TIMEOUT": args.timeout,
        "DOWNLOAD_MAXSIZE": args.max_page_bytes,
        "LOG_LEVEL": "INFO" if args.verbose else "ERROR",
    }


def cmd_crawl(args: argparse.Namespace) -> int:
    from .runner import run_crawls, summary_table

    profiles = _profiles(args)
    overrides = _overrides(args, "crawl " + " ".join(args.targets or ["--all"]))
    results = run_crawls(profiles, overrides)
    for result in results:
        print(summary_table(result))
    print(f"database: {redact_url(overrides['CLEANWIRE_DATABASE_URL'])}")
    if not any(r.stored for r in results):
        print("cleanwire: nothing could be stored (see the failures above)", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_scrape(args: argparse.Namespace) -> int:
    from .runner import run_crawls

    bad = [u for u in args.urls if not is_web_url(u)]
    if bad:
        raise UsageError(f"not an http(s) URL: {bad[0]}")
    overrides = _overrides(args, "scrape", store=not args.no_store)
    results = run_crawls([adhoc_profile(args.urls)], overrides, mode="scrape", keep_items=True)
    order = {url_key(u): i for i, u in enumerate(args.urls)}
    items = sorted((i for i in results[0].items if isinstance(i, PageItem | FetchItem)),
                   key=lambda i: order.get(url_key(i.url), len(order)))
    ok = 0
    for item in items:
        if isinstance(item, PageItem) and item.clean is not None:
            ok += 1
            print(_render(item.clean, args.format, compact=True))
        else:
            print(f"cleanwire: {item.url}: {item.error or 'no result'}", file=sys.stderr)
    return EXIT_OK if ok else EXIT_FAILED


# ---- clean -------------------------------------------------------------------------------

def cmd_clean(args: argparse.Namespace) -> int:
    if args.path == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(args.path)
        if not path.is_file():
            raise UsageError(f"no such file: {args.path}")
        data = path.read_bytes()
    page = clean_page(data, args.url)
    print(_render(page, args.format))
    return EXIT_OK


def _render(page: CleanPage, fmt: str, compact: bool = False) -> str:
    """JSON (one object; one line each when compact) or a text view for people."""
    if fmt == "json":
        return json.dumps(page.to_dict(), ensure_ascii=False, indent=None if compact else 1)
    head = [page.title or "(no title)"]
    facts = [", ".join(page.authors), page.published or "", page.language or "",
             page.page_type, page.url]
    head.append(" · ".join(f for f in facts if f))
    return "\n".join(head) + "\n\n" + page.text + "\n"


# ---- db ----------------------------------------------------------------------------------

def cmd_db(args: argparse.Namespace) -> int:
    from storage.engine import current_revision, upgrade

    url = resolve_database_url(args.db)
    upgrade(url)
    engine = open_engine(url, migrate=False)
    try:
        print(f"{redact_url(url)}: schema at revision {current_revision(engine)}")
    finally:
        engine.dispose()
    return EXIT_OK


COMMANDS = {"crawl": cmd_crawl, "scrape": cmd_scrape, "clean": cmd_clean, "db": cmd_db}


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"cleanwire: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (ProfileError, ConfigError) as exc:
        print(f"cleanwire: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (DatabaseError, CleanError) as exc:
        print(f"cleanwire: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("cleanwire: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
