"""cleanwire reclean: the current cleaner over stored captures; changed articles updated."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from cleaners import CLEANER_VERSION
from crawler.commands.base import (
    ABORTING,
    EXIT_OK,
    STOPPING,
    UsageError,
    add_db_flag,
    exit_for_signal,
    period_flags,
)
from crawler.config import setting
from crawler.errors import WorkFailed
from crawler.reclean import BATCH, Recleaner, SiteOptions
from storage.engine import error_line, open_engine, resolve_database_url
from storage.errors import StorageError
from storage.reclean import (
    RECLEAN_COMMAND,
    RecleanCounts,
    RecleanScope,
    reopen_run,
    unfinished_run,
)
from storage.repository import Repository, RunCounts


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "reclean", help="re-clean stored captures with the current cleaner",
        description="Clean every stored article's capture again with this cleaner "
        f"(version {CLEANER_VERSION}) and update the articles whose result differs: the "
        "old text becomes an article_versions row with the reason 'reclean'. A run that "
        "was killed or stopped is taken up where it was by the next one with the same "
        "arguments.")
    parser.add_argument("--site", help="only this site (name or host)")
    parser.add_argument("--since", help="only pages captured on or after DATE (YYYY-MM-DD or "
                        "ISO time)")
    parser.add_argument("--until", help="only pages captured before DATE (a date includes "
                        "the day)")
    parser.add_argument("--only-changed-cleaner", action="store_true",
                        help="only articles another cleaner version made")
    parser.add_argument("--sites", help="sites file whose noise_selectors the sites' pages "
                        "are cleaned with, as a crawl does (default: none)")
    parser.add_argument("--batch", type=int, default=BATCH,
                        help=f"articles per transaction (default {BATCH})")
    parser.add_argument("--workers", type=int, default=None,
                        help="cleaning processes (default: one per core)")
    add_db_flag(parser)
    parser.set_defaults(func=cmd_reclean)


def cmd_reclean(args: argparse.Namespace) -> int:
    scope = _scope(args)
    if args.batch < 1:
        raise UsageError("--batch must be at least 1")
    engine = open_engine(resolve_database_url(args.db))
    try:
        return _run(args, engine, scope)
    finally:
        engine.dispose()


def _scope(args: argparse.Namespace) -> RecleanScope:
    since, until = period_flags(args)
    return RecleanScope(site=args.site, since=since, until=until,
                        only_changed_cleaner=args.only_changed_cleaner, cleaner=CLEANER_VERSION)


def _run(args: argparse.Namespace, engine: Any, scope: RecleanScope) -> int:
    from crawler.pool.cleaning_pool import CleaningPool

    repository = Repository(engine)
    previous = unfinished_run(engine, scope)
    if previous is not None and previous.alive():
        raise WorkFailed(f"reclean run {previous.run_id} is still running (pid {previous.pid})")
    if previous is not None:
        run_id, counts = previous.run_id, previous.counts
        counts.resumed += 1
        reopen_run(engine, run_id, counts)
        print(f"reclean: taking up run {run_id} after article {counts.last_article_id}",
              file=sys.stderr)
    else:
        run_id, counts = repository.start_run(RECLEAN_COMMAND, scope.arguments()), RecleanCounts()
    workers = args.workers if args.workers is not None else setting("CLEANWIRE_CLEAN_WORKERS")
    pool = CleaningPool(workers, setting("CLEANWIRE_CLEAN_TIMEOUT"))
    recleaner = Recleaner(repository, pool, scope, SiteOptions(repository, _noise(args.sites)),
                          run_id, counts, args.batch, _progress)
    received: list[int] = []
    try:
        asyncio.run(_main(recleaner, received))
    except BaseException as exc:
        with contextlib.suppress(StorageError):  # the database may be what failed
            repository.finish_run(run_id, "interrupted" if received else "failed",
                                  _run_counts(counts))
        if isinstance(exc, StorageError | SQLAlchemyError):
            raise WorkFailed(f"reclean run {run_id} failed: {error_line(exc)}") from exc
        raise
    finally:
        pool.close(wait=False)
    outcome = "interrupted" if received else "ok"
    repository.finish_run(run_id, outcome, _run_counts(counts))
    print(summary(run_id, counts))
    return exit_for_signal(received[0]) if received else EXIT_OK


async def _main(recleaner: Recleaner, received: list[int]) -> None:
    """The run, stopped after its batch by a first SIGINT / SIGTERM, at once by a second."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()

    def stop(signum: int) -> None:
        received.append(signum)
        if len(received) == 1:
            print(STOPPING, file=sys.stderr)
            recleaner.stopping = True
        else:
            print(ABORTING, file=sys.stderr)
            if task is not None:
                task.cancel()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop, signum)
    try:
        await recleaner.run()
    except asyncio.CancelledError:
        if not received:
            raise
        raise KeyboardInterrupt from None
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(signum)


def _noise(path: str | None) -> Any:
    if not path:
        return lambda _site: ()
    from crawler.profiles import load_profiles, sites_path

    profiles = load_profiles(sites_path(path))
    return lambda site: profiles[site].noise_selectors if site in profiles else ()


def _progress(counts: RecleanCounts) -> None:
    print(f"reclean: {counts.read} read, {counts.changed} changed, {counts.unchanged} "
          f"unchanged, {counts.failed} failed", file=sys.stderr, flush=True)


def _run_counts(counts: RecleanCounts) -> RunCounts:
    return RunCounts(articles_updated=counts.changed, articles_unchanged=counts.unchanged,
                     failed=counts.failed, failures_by_reason=dict(counts.failures_by_reason),
                     extra=counts.to_json())


def summary(run_id: int, counts: RecleanCounts) -> str:
    """The run's totals for people: pages read, changed, unchanged, failed, by field."""
    lines = [f"reclean run {run_id}: {counts.read} pages read, {counts.changed} changed, "
             f"{counts.unchanged} unchanged ({counts.provenance_only} with new provenance "
             f"only), {counts.failed} failed, {counts.not_article} no longer articles"]
    if counts.by_field:
        lines.append("changed fields: " + ", ".join(
            f"{name} {n}" for name, n in sorted(counts.by_field.items())))
    if counts.failures_by_reason:
        lines.append("failures: " + ", ".join(
            f"{reason} {n}" for reason, n in sorted(counts.failures_by_reason.items())))
    return "\n".join(lines)
