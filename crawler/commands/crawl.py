"""cleanwire crawl / scrape: run the news spider in-process and report what it did."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from cleaners.urlkeys import url_key
from crawler.capture.component import OFF as CAPTURES_OFF
from crawler.capture.component import captures_dir
from crawler.commands.base import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    add_db_flag,
    require_shared_queue,
)
from crawler.commands.clean import render_page
from crawler.config import setting
from crawler.incremental import revisit_options
from crawler.items import FetchItem, PageItem
from crawler.profiles import SiteProfile, adhoc_profile, load_profiles, sites_path
from crawler.urls import is_web_url
from storage.contract import Counter
from storage.engine import absolute_database_url, open_engine, redact_url, resolve_database_url
from storage.revisits import RevisitMode


def register(sub: Any) -> None:
    crawl = sub.add_parser("crawl", help="crawl sites: home pages, feeds, sitemaps, or profiles")
    crawl.add_argument("targets", nargs="*", metavar="URL|SITE",
                       help="start URLs (home page, RSS/Atom feed, sitemap) or site names "
                            "from sites.toml")
    crawl.add_argument("--all", action="store_true", help="crawl every site in the sites file")
    crawl.add_argument("--sites", help="sites file (default $CLEANWIRE_SITES or ./sites.toml)")
    common_crawl_flags(crawl)
    crawl.add_argument("--max-pages", type=int, default=None, help="stop after N page requests")
    crawl.add_argument("--max-depth", type=int, default=None, help="follow links N hops deep")
    crawl.add_argument("--revisit", choices=[str(m) for m in RevisitMode], default=None,
                       help="stored articles fetched again: the due ones (default, or "
                            "$CLEANWIRE_REVISIT), all, or none")
    crawl.add_argument("--redis", metavar="URL",
                       help="a shared crawl: queue the start URLs, feeds and sitemaps in Redis "
                            "(default $CLEANWIRE_REDIS_URL) for `cleanwire worker` processes")
    crawl.add_argument("--work", action="store_true",
                       help="with --redis: also work on the queue in this process")
    crawl.set_defaults(func=cmd_crawl)

    scrape = sub.add_parser("scrape", help="fetch, clean and store exactly these pages")
    scrape.add_argument("urls", nargs="+", metavar="URL")
    common_crawl_flags(scrape)
    scrape.add_argument("--format", choices=("json", "text"), default="json")
    scrape.add_argument("--no-store", action="store_true", help="print only, store nothing")
    scrape.set_defaults(func=cmd_scrape)


def common_crawl_flags(parser: argparse.ArgumentParser) -> None:
    add_db_flag(parser)
    parser.add_argument("--workers", type=int, default=None,
                        help="cleaning processes (default: one per core)")
    parser.add_argument("--timeout", type=float, default=None, help="download timeout, seconds")
    parser.add_argument("--max-page-bytes", type=int, default=None,
                        help="largest page body accepted, after decompression")
    parser.add_argument("--captures", metavar="DIR|none", default=None,
                        help="write each cleaned page as received to WARC files in DIR "
                             "(default $CLEANWIRE_CAPTURES, else captures/ beside the "
                             "database); none: keep no captures")


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


def crawl_overrides(args: argparse.Namespace, command: str, store: bool = True) -> dict[str, Any]:
    for name in ("max_pages", "max_depth", "workers", "timeout", "max_page_bytes"):
        value = getattr(args, name, None)
        if value is not None and value < 0:
            raise UsageError(f"--{name.replace('_', '-')} must not be negative")
    revisit = getattr(args, "revisit", None)
    revisit_options(lambda name: revisit if name == "CLEANWIRE_REVISIT" and revisit
                    else setting(name))  # a mistyped CLEANWIRE_REVISIT* fails here, in one line
    # paths mean what the user typed: anchored to this directory before anything starts
    database = absolute_database_url(resolve_database_url(args.db))
    sites = getattr(args, "sites", None)
    if store:
        open_engine(database).dispose()  # fail fast, and migrate once before crawling
    captures = captures_dir(getattr(args, "captures", None) or setting("CLEANWIRE_CAPTURES"),
                            database)
    if captures is not None and store:
        try:  # a folder that cannot be made fails here, in one line, before any fetch
            captures.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--captures {captures}: {exc.strerror or exc}") from None
    return {
        "CLEANWIRE_DATABASE_URL": database,
        "CLEANWIRE_STORE": store,
        "CLEANWIRE_COMMAND": command,
        "CLEANWIRE_MAX_PAGES": getattr(args, "max_pages", None),
        "CLEANWIRE_MAX_DEPTH": getattr(args, "max_depth", None),
        "CLEANWIRE_CLEAN_WORKERS": args.workers,
        "CLEANWIRE_SITES": str(sites_path(sites)) if sites else None,
        "CLEANWIRE_REVISIT": getattr(args, "revisit", None),
        "CLEANWIRE_CAPTURES": str(captures) if captures is not None else CAPTURES_OFF,
        "DOWNLOAD_TIMEOUT": args.timeout,
        "DOWNLOAD_MAXSIZE": args.max_page_bytes,
        "LOG_LEVEL": "INFO" if args.verbose else "ERROR",
        # without -v no Scrapy log line reaches the terminal: the summary says what failed
        "LOG_ENABLED": bool(args.verbose),
        "CLEANWIRE_ONE_LINE_LOGS": not args.verbose,
    }


@contextmanager
def terminate_as_exit() -> Iterator[None]:
    """A SIGTERM raises SystemExit(143) here instead of ending the process at once, so the
    site locks are released: before Scrapy installs its own handler (while the locks are
    taken and the crawl is built) and after it has finished. Scrapy's graceful stop takes
    over in between."""
    def _exit(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def cmd_crawl(args: argparse.Namespace) -> int:
    from crawler.runner import run_crawls, summary_table, unreachable_lines
    from crawler.scheduler import site_locks

    profiles = _profiles(args)
    redis_url = args.redis or setting("CLEANWIRE_REDIS_URL")
    if args.work and not redis_url:
        raise UsageError("--work needs --redis URL (or CLEANWIRE_REDIS_URL)")
    if redis_url:
        return shared_crawl(args, profiles, redis_url)
    overrides = crawl_overrides(args, "crawl " + " ".join(args.targets or ["--all"]))
    stale_after = setting("CLEANWIRE_LOCK_STALE_AFTER")
    with terminate_as_exit(), site_locks(
            profiles, overrides["CLEANWIRE_DATABASE_URL"], stale_after,
            lambda line: print(f"cleanwire: {line}", file=sys.stderr)) as locked:
        if not locked:
            return EXIT_FAILED
        overrides["CLEANWIRE_LOCKED_SITES"] = ",".join(p.name for p in locked)
        results, stopped = run_crawls(locked, overrides)
    for result in results:
        print(summary_table(result))
    print(f"database: {redact_url(overrides['CLEANWIRE_DATABASE_URL'])}", flush=True)
    for result in results:
        for line in unreachable_lines(result):
            print(f"cleanwire: {line}", file=sys.stderr)
    if stopped is not None:
        return stopped
    if not any(r.stored or r.count(Counter.KNOWN_SKIPPED) or r.count(Counter.RECENT_SKIPPED)
               for r in results):
        print("cleanwire: nothing could be stored (see the failures in the summary)",
              file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def shared_crawl(args: argparse.Namespace, profiles: list[SiteProfile], redis_url: str) -> int:
    """Seed a crawl shared through Redis (and, with --work, work on it too)."""
    require_shared_queue()
    from crawler.runner import run_crawls, summary_table
    from crawler.shared.crawl import connect, default_worker_id, publish, redact_redis_url

    overrides = crawl_overrides(args, "crawl " + " ".join(args.targets or ["--all"]),
                                store=args.work)
    server = connect(redis_url)
    prefix = setting("CLEANWIRE_REDIS_PREFIX")
    specs = [publish(server, prefix, p, overrides["CLEANWIRE_MAX_PAGES"] or 0,
                     overrides["CLEANWIRE_MAX_DEPTH"] or 0) for p in profiles]
    overrides.update(CLEANWIRE_REDIS_URL=redis_url, CLEANWIRE_REDIS_WORK=args.work,
                     CLEANWIRE_WORKER_ID=default_worker_id(),
                     CLEANWIRE_MAX_PAGES=None, CLEANWIRE_MAX_DEPTH=None)
    if not args.work:  # a seeder cleans and stores nothing
        overrides["ITEM_PIPELINES"] = {}
        overrides["CLEANWIRE_CLEAN"] = False
    results, stopped = run_crawls(
        [spec.profile for spec in specs], overrides,
        site_settings={s.profile.name: {"CLEANWIRE_REDIS_CRAWL_ID": s.crawl_id,
                                        "CLEANWIRE_MAX_PAGES": s.max_pages,
                                        "CLEANWIRE_MAX_DEPTH": s.max_depth} for s in specs})
    where = redact_redis_url(redis_url)
    for spec, result in zip(specs, results, strict=True):
        queued = int(result.stats.get("scheduler/enqueued/redis", 0) or 0)
        print(f"{spec.profile.name}: crawl {spec.crawl_id}: {queued} start requests queued "
              f"in {where}")
        if args.work:
            print(summary_table(result))
    if not args.work:
        print(f"work on it with: cleanwire worker --redis {where} --db DATABASE")
    return EXIT_OK if stopped is None else stopped


def not_an_article(url: str, page_type: str) -> str | None:
    """Why scrape stores (and prints) nothing for a page that is not an article; None for one.
    `scrape --no-store` prints the page anyway, with this line on stderr."""
    if page_type == "article":
        return None
    if page_type == "listing":
        home = urlsplit(url).path in ("", "/")
        what = "a home page" if home else "a listing page"
        return (f"{url}: {what} is not an article: use `cleanwire crawl {url}` to store the "
                "articles it links to")
    return f"{url}: the page is {page_type}, not an article: nothing stored"


def cmd_scrape(args: argparse.Namespace) -> int:
    from crawler.runner import run_crawls

    bad = [u for u in args.urls if not is_web_url(u)]
    if bad:
        raise UsageError(f"not an http(s) URL: {bad[0]}")
    overrides = crawl_overrides(args, "scrape", store=not args.no_store)
    results, stopped = run_crawls([adhoc_profile(args.urls)], overrides, mode="scrape",
                                  keep_items=True)
    order = {url_key(u): i for i, u in enumerate(args.urls)}
    items = sorted((i for i in results[0].items if isinstance(i, PageItem | FetchItem)),
                   key=lambda i: order.get(url_key(i.url), len(order)))
    ok = 0
    for item in items:
        if isinstance(item, PageItem) and item.clean is not None:
            why = not_an_article(item.url, item.clean.page_type)
            if why is not None:  # the store pipeline keeps articles only: say so
                print(f"cleanwire: {why}", file=sys.stderr)
                if not args.no_store:
                    continue
            ok += 1
            print(render_page(item.clean, args.format, compact=True))
        else:
            print(f"cleanwire: {item.url}: {item.error or 'no result'}", file=sys.stderr)
    if stopped is not None:
        return stopped
    return EXIT_OK if ok else EXIT_FAILED
