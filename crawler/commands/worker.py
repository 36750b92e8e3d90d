"""cleanwire worker: work on the shared crawls queued in Redis until they are done."""

from __future__ import annotations

import argparse
import time
from typing import Any

from crawler.commands.base import EXIT_OK, UsageError, require_shared_queue
from crawler.commands.crawl import common_crawl_flags, crawl_overrides
from crawler.config import setting
from crawler.errors import WorkFailed
from storage.contract import Counter
from storage.engine import redact_url


def register(sub: Any) -> None:
    worker = sub.add_parser(
        "worker", help="work on the crawls queued in Redis by `cleanwire crawl --redis`")
    worker.add_argument("--redis", metavar="URL",
                        help="the shared queue (default $CLEANWIRE_REDIS_URL)")
    worker.add_argument("--site", action="append", default=[], metavar="NAME",
                        help="only these sites' crawls (repeatable; default: every one)")
    worker.add_argument("--idle", type=float, default=None, metavar="SECONDS",
                        help="stop once nothing has been queued or in flight this long "
                             "(default $CLEANWIRE_REDIS_IDLE or 30)")
    worker.add_argument("--forever", action="store_true",
                        help="never stop: wait for the next crawl to be seeded")
    worker.add_argument("--id", dest="worker_id", metavar="NAME",
                        help="this worker's name in the shared crawl (default host-pid)")
    common_crawl_flags(worker)
    worker.set_defaults(func=cmd_worker)


def cmd_worker(args: argparse.Namespace) -> int:
    require_shared_queue()
    from crawler.interrupts import CrawlProcess
    from crawler.runner import CrawlResult, build_settings, start_crawl, summary_table
    from crawler.shared.crawl import CrawlSpec, connect, default_worker_id, redact_redis_url
    from crawler.shared.worker import run_worker

    redis_url = args.redis or setting("CLEANWIRE_REDIS_URL")
    if not redis_url:
        raise UsageError("worker needs --redis URL (or CLEANWIRE_REDIS_URL)")
    if args.idle is not None and args.idle < 0:
        raise UsageError("--idle must not be negative")
    connect(redis_url).close()  # fail fast, in one line
    overrides = crawl_overrides(args, "worker")
    overrides.update(CLEANWIRE_REDIS_URL=redis_url, CLEANWIRE_REDIS_WORK=True,
                     CLEANWIRE_REDIS_IDLE=args.idle,
                     CLEANWIRE_WORKER_ID=args.worker_id or default_worker_id(),
                     CLEANWIRE_MAX_PAGES=None, CLEANWIRE_MAX_DEPTH=None)
    # a stopping worker lets its downloads finish: what it abandons stays in the queue
    process = CrawlProcess(build_settings(overrides), abandon_downloads=False)
    results: list[CrawlResult] = []

    def start(spec: CrawlSpec) -> Any:
        deferred, crawler, _ = start_crawl(
            process, spec.profile, {"CLEANWIRE_REDIS_CRAWL_ID": spec.crawl_id,
                                    "CLEANWIRE_MAX_PAGES": spec.max_pages,
                                    "CLEANWIRE_MAX_DEPTH": spec.max_depth},
            mode="crawl", seed=False)
        began = time.monotonic()

        def record(result: Any) -> Any:
            stats = crawler.stats.get_stats() if crawler.stats else {}
            results.append(CrawlResult(spec.profile.name, stats, time.monotonic() - began,
                                       interrupted=process.interrupted))
            print(summary_table(results[-1]), flush=True)
            return result

        return deferred.addBoth(record)

    lost = run_worker(process, start, process.settings.get("CLEANWIRE_REDIS_PREFIX"),
                      process.settings.getfloat("CLEANWIRE_REDIS_IDLE"), args.forever,
                      process.settings.getfloat("CLEANWIRE_REDIS_POLL"), frozenset(args.site))
    print(f"worker {overrides['CLEANWIRE_WORKER_ID']}: {len(results)} site crawl(s) from "
          f"{redact_redis_url(redis_url)}; "
          f"database: {redact_url(overrides['CLEANWIRE_DATABASE_URL'])}")
    lost = lost or next((str(r.stats[Counter.QUEUE_ERROR]) for r in results
                         if r.stats.get(Counter.QUEUE_ERROR)), None)
    if lost:
        raise WorkFailed(f"{lost} ({redact_redis_url(redis_url)})")
    stopped = process.exit_code()
    return EXIT_OK if stopped is None else stopped
