"""cleanwire schedule / history: scheduled crawls and article edit history."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from datetime import datetime
from typing import Any

from crawler.commands.base import EXIT_FAILED, EXIT_OK, UsageError, add_db_flag
from crawler.profiles import load_profiles, sites_path
from storage.engine import absolute_database_url, open_engine, resolve_database_url
from storage.versions import UnknownArticle, Version, article_history


def register(sub: Any) -> None:
    schedule = sub.add_parser("schedule", help="crawl each site of the sites file when due "
                              "(its 'every'), until stopped")
    schedule.add_argument("--sites", help="sites file (default $CLEANWIRE_SITES or ./sites.toml)")
    add_db_flag(schedule)
    schedule.add_argument("--once", action="store_true",
                          help="crawl every site once, then exit")
    schedule.add_argument("--parallel", type=int, default=2,
                          help="most crawls running at once (default 2)")
    schedule.add_argument("--workers", type=int, default=None,
                          help="cleaning processes per crawl (default: one per core)")
    schedule.set_defaults(func=cmd_schedule)

    hist = sub.add_parser("history", help="the stored versions of an article, with diffs")
    hist.add_argument("url", metavar="URL", help="the article's URL, or any variant the crawl "
                      "reads as the same page (tracking parameters, www., trailing slash, "
                      "amp, redirects)")
    hist.add_argument("--format", choices=("text", "json"), default="text",
                      help="text: headers and diffs (default); json: every version in full")
    add_db_flag(hist)
    hist.set_defaults(func=cmd_history)


def cmd_schedule(args: argparse.Namespace) -> int:
    from crawler.scheduler import Scheduler

    if args.parallel < 1:
        raise UsageError("--parallel must be at least 1")
    path = sites_path(args.sites)
    profiles = list(load_profiles(path).values())
    if not args.once:
        unscheduled = [p.name for p in profiles if p.every is None]
        if unscheduled:
            print(f"not scheduled (no 'every'): {', '.join(unscheduled)}", flush=True)
        profiles = [p for p in profiles if p.every is not None]
        if not profiles:
            raise UsageError(f"no site in {path} has 'every' (e.g. every = \"30m\"); "
                             "or use --once")
    # the crawls run elsewhere: every path is anchored to this directory first
    database = absolute_database_url(resolve_database_url(args.db))
    open_engine(database).dispose()  # fail fast, and migrate before the first crawl
    crawl_args = ["--sites", str(path), "--db", database]
    if args.workers is not None:
        crawl_args += ["--workers", str(args.workers)]
    scheduler = Scheduler(profiles, crawl_args, max_parallel=args.parallel, once=args.once,
                          log=lambda line: print(line, flush=True))
    return scheduler.run()


def cmd_history(args: argparse.Namespace) -> int:
    engine = open_engine(resolve_database_url(args.db), read_only=True)
    try:
        url, versions = article_history(engine, args.url)
    except UnknownArticle as exc:
        print(f"cleanwire: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        engine.dispose()
    if args.format == "json":
        print(json.dumps(history_json(args.url, url, versions), ensure_ascii=False, indent=1))
    else:
        print(render_history(url, versions))
    return EXIT_OK


def history_json(asked: str, url: str, versions: list[Version]) -> dict[str, Any]:
    """The article's stored url, the URL asked for, and every version in full, oldest first."""
    def stamp(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {"url": url, "asked": asked, "versions": [
        {"version": v.version, "current": i == len(versions) - 1,
         "fetched_at": stamp(v.fetched_at), "modified_at": stamp(v.modified_at),
         "title": v.title, "content_hash": v.content_hash, "text": v.text}
        for i, v in enumerate(versions)]}


def render_history(url: str, versions: list[Version]) -> str:
    """Each version's header, and a unified diff of title + text between consecutive ones."""
    lines = [f"{url}: {len(versions)} version(s)"]
    for i, version in enumerate(versions):
        lines.append(_header(version, current=i == len(versions) - 1))
        if i:
            lines.extend(_diff(versions[i - 1], version))
    return "\n".join(lines)


def _header(version: Version, current: bool) -> str:
    modified = f", page says modified {version.modified_at:%Y-%m-%d %H:%M}" if (
        version.modified_at) else ""
    return (f"version {version.version}{' (current)' if current else ''}: fetched "
            f"{version.fetched_at:%Y-%m-%d %H:%M:%S} UTC{modified} · {version.title or '-'}")


def _diff(old: Version, new: Version) -> list[str]:
    before = [f"# {old.title or ''}", *old.text.splitlines()]
    after = [f"# {new.title or ''}", *new.text.splitlines()]
    return list(difflib.unified_diff(before, after, f"version {old.version}",
                                     f"version {new.version}", lineterm="", n=1))
