"""cleanwire import-warc: clean and store the HTML responses of existing WARC files."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from crawler.commands.base import EXIT_FAILED, EXIT_OK, UsageError, add_db_flag, exit_for_signal
from crawler.config import setting
from crawler.runner import by_reason
from storage.contract import (
    Counter,
    Outcome,
    count,
    examples,
    non_articles_by_type,
    reasons,
    tally,
)
from storage.engine import absolute_database_url, open_engine, redact_url, resolve_database_url
from storage.repository import parse_timestamp


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "import-warc", help="clean and store the HTML pages of WARC files (CC-NEWS, Heritrix, "
                            "browsertrix, wget --warc-file)")
    parser.add_argument("inputs", nargs="+", metavar="PATH|URL",
                        help="WARC files (.warc, .warc.gz) or http(s) URLs of them")
    add_db_flag(parser)
    parser.add_argument("--site", action="append", default=[], metavar="HOST",
                        help="only pages of this host or its subdomains (repeatable)")
    parser.add_argument("--lang", action="append", default=[], metavar="CODE",
                        help="only articles in this language, e.g. en (repeatable)")
    parser.add_argument("--since", metavar="DATE",
                        help="only records fetched on or after DATE (YYYY-MM-DD or ISO time)")
    parser.add_argument("--workers", type=int, default=None,
                        help="cleaning processes (default: one per core)")
    parser.add_argument("--max-page-bytes", type=int, default=None,
                        help="largest page body accepted, after decompression "
                             "(default: the crawl's DOWNLOAD_MAXSIZE)")
    parser.set_defaults(func=cmd_import_warc)


def cmd_import_warc(args: argparse.Namespace) -> int:
    from crawler import settings as defaults
    from crawler.warcimport.importer import ImportOptions, WarcImporter
    from crawler.warcimport.reader import WarcInputError, resolve_input
    from storage.repository import Repository

    for name in ("workers", "max_page_bytes"):
        value = getattr(args, name)
        if value is not None and value < 0:
            raise UsageError(f"--{name.replace('_', '-')} must not be negative")
    since = None
    if args.since:
        since = parse_timestamp(args.since)
        if since is None:
            raise UsageError(f"--since: not a date or ISO time: {args.since!r}")
    try:
        inputs = list(dict.fromkeys(resolve_input(given) for given in args.inputs))
    except WarcInputError as exc:
        raise UsageError(str(exc)) from None
    options = ImportOptions(
        sites=tuple(s.lower().removeprefix("www.") for s in args.site),
        languages=tuple(lang.lower() for lang in args.lang), since=since,
        max_bytes=(args.max_page_bytes if args.max_page_bytes is not None
                   else defaults.DOWNLOAD_MAXSIZE),
        workers=args.workers if args.workers is not None else setting("CLEANWIRE_CLEAN_WORKERS"),
        clean_timeout=setting("CLEANWIRE_CLEAN_TIMEOUT"),
        batch_size=max(1, setting("CLEANWIRE_BATCH_SIZE")),
        progress_interval=setting("CLEANWIRE_PROGRESS_INTERVAL"),
        http_timeout=float(defaults.DOWNLOAD_TIMEOUT), user_agent=_user_agent(),
        safe_destinations=setting("CLEANWIRE_SAFE_DESTINATIONS"))
    database = absolute_database_url(resolve_database_url(args.db))
    engine = open_engine(database)
    try:
        importer = WarcImporter(Repository(engine), options, _report)
        arguments = {"inputs": [i.key for i in inputs], "site": args.site, "lang": args.lang,
                     "since": args.since, "database": redact_url(database)}
        result = importer.run(inputs, arguments)
    finally:
        engine.dispose()
    print(summary_table(result.stats, result.elapsed, len(inputs), result.run_id,
                        interrupted=result.signal is not None))
    print(f"database: {redact_url(database)}", flush=True)
    for line in result.damaged + result.unreadable:
        print(f"cleanwire: {line}", file=sys.stderr)
    if importer.write_error is not None:
        print(f"cleanwire: {str(importer.write_error).splitlines()[0]}", file=sys.stderr)
        return EXIT_FAILED
    if result.unreadable:
        return EXIT_FAILED
    if result.signal is not None:
        return exit_for_signal(result.signal)
    return EXIT_OK


def _user_agent() -> str:
    from crawler.config import user_agent

    return user_agent(setting("CLEANWIRE_CONTACT_URL"))


def _report(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def summary_table(stats: dict[str, Any], elapsed: float, files: int, run_id: int | None,
                  interrupted: bool = False) -> str:
    """The end-of-import summary a person reads (the crawl summary's rows that apply)."""
    t = tally(stats)
    exact, near = count(stats, Counter.DUPLICATES_EXACT), count(stats, Counter.DUPLICATES_NEAR)
    types = non_articles_by_type(stats)
    rows = [
        ("WARC files", f"{count(stats, Counter.WARC_FILES)} of {files}"),
        ("records read", f"{count(stats, Counter.WARC_RECORDS)}"),
        ("filtered out", f"{count(stats, Counter.WARC_FILTERED)}  (--site, --lang, --since)"),
        ("pages cleaned", f"{t.fetched}"),
        ("articles stored", f"{t.stored}  (new {t.articles_new}, updated "
                            f"{t.articles_updated}, unchanged {t.articles_unchanged})"),
        ("non-article pages", f"{t.non_articles}  " + (
            "(" + ", ".join(f"{k} {v}" for k, v in types.items()) + ")" if types else "")),
        ("skipped", f"{t.skipped}"),
        *by_reason(reasons(stats, Outcome.SKIPPED), examples(stats, Outcome.SKIPPED)),
        ("failed", f"{t.failed}"),
        *by_reason(reasons(stats, Outcome.FAILED), examples(stats, Outcome.FAILED)),
        ("duplicate content", f"{exact + near}  (exact copies {exact}, near copies {near})"),
        ("elapsed", f"{elapsed:.1f} s"),
        ("articles/s", f"{t.stored / elapsed if elapsed else 0:.1f}"),
    ]
    head = ("interrupted: " if interrupted else "") + "import of WARC files" + (
        f" (run {run_id})" if run_id else "")
    width = max(len(k) for k, _ in rows)
    return "\n".join([head] + [f"  {k:<{width}}  {v.rstrip()}" for k, v in rows])

