"""Run crawls in-process (one Scrapy reactor, one crawler per site) and summarise them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler import settings as default_settings
from crawler.config import environment_settings
from crawler.interrupts import CrawlProcess
from crawler.items import FetchItem, PageItem
from crawler.profiles import SiteProfile
from crawler.spiders.news import NewsSpider
from storage.contract import (
    REFETCH_COUNTERS,
    Counter,
    Outcome,
    Reason,
    count,
    declared_examples,
    examples,
    non_articles_by_type,
    reasons,
    tally,
    unreachable_hosts,
)


@dataclass
class CrawlResult:
    """What one site's crawl did, read from its Scrapy stats at the end."""

    site: str
    stats: dict[str, Any]
    elapsed: float
    items: list[PageItem | FetchItem] = field(default_factory=list)
    interrupted: bool = False  # stopped by a signal (crawler/interrupts.py)

    def count(self, counter: Counter) -> int:
        return count(self.stats, counter)

    @property
    def stored(self) -> int:
        return tally(self.stats).stored

    def reasons(self, outcome: Outcome) -> dict[str, int]:
        return reasons(self.stats, outcome)


def build_settings(overrides: dict[str, Any]) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.setdict(environment_settings(), priority="project")  # CLEANWIRE_* variables
    settings.setdict({k: v for k, v in overrides.items() if v is not None}, priority="cmdline")
    if settings.get("CLEANWIRE_REDIS_URL"):  # --redis: a shared crawl
        settings.setdict(default_settings.SHARED_QUEUE_SETTINGS, priority="cmdline")
    return settings


def run_crawls(profiles: list[SiteProfile], overrides: dict[str, Any], mode: str = "crawl",
               keep_items: bool = False,
               site_settings: dict[str, dict[str, Any]] | None = None,
               ) -> tuple[list[CrawlResult], int | None]:
    """Crawl every profile concurrently in one process; blocks until all are done or a
    signal stopped them. (results, the exit code a signal asks for, else None)."""
    process = CrawlProcess(build_settings(overrides))
    runs: list[tuple[SiteProfile, Any, list[Any]]] = []
    for profile in profiles:
        extra = (site_settings or {}).get(profile.name, {})
        crawler, collected = start_crawl(process, profile, extra, mode=mode,
                                         keep_items=keep_items)[1:]
        runs.append((profile, crawler, collected))
    started = time.monotonic()
    process.start()
    elapsed = time.monotonic() - started
    results = [CrawlResult(profile.name, crawler.stats.get_stats() if crawler.stats else {},
                           elapsed, collected, process.interrupted)
               for profile, crawler, collected in runs]
    return results, process.exit_code()


def start_crawl(process: CrawlerProcess, profile: SiteProfile, extra: dict[str, Any],
                keep_items: bool = False, **spider_kwargs: Any) -> tuple[Any, Any, list[Any]]:
    """Add one site's crawler to process: (its Deferred, the crawler, the kept items)."""
    per_site = {**profile.scrapy_settings(), **extra}
    per_site.setdefault("CONCURRENT_REQUESTS", site_concurrency(profile, process.settings,
                                                                per_site))
    crawler = process.create_crawler(NewsSpider)
    if per_site:
        crawler.settings.setdict(per_site, priority="spider")
    collected: list[Any] = []
    if keep_items:
        def _keep(item: Any, sink: list[Any] = collected, **_: Any) -> None:
            sink.append(item)
        crawler.signals.connect(_keep, signal=signals.item_scraped, weak=False)
    deferred = process.crawl(crawler, profile=profile, **spider_kwargs)
    return deferred, crawler, collected


def site_concurrency(profile: SiteProfile, settings: Settings, per_site: dict[str, Any]) -> int:
    """CONCURRENT_REQUESTS for one site's crawler: its per-domain limit for each of its hosts,
    within the process-wide limit. Requests taken beyond what the hosts may fetch at once
    would wait in the downloader's queue in arrival order, out of reach of the scheduler's
    priorities (robots.txt, feeds and sitemaps first; a crawl's start 0.75 s slower)."""
    per_domain = int(per_site.get("CONCURRENT_REQUESTS_PER_DOMAIN")
                     or settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
    hosts = max(1, len(profile.all_hosts))
    return max(1, min(settings.getint("CONCURRENT_REQUESTS"), per_domain * hosts))


def summary_table(result: CrawlResult) -> str:
    """The end-of-crawl summary a person reads."""
    c = result.count
    t = tally(result.stats)  # the numbers the progress line shows
    failed, skipped = result.reasons(Outcome.FAILED), result.reasons(Outcome.SKIPPED)
    fetched = t.fetched
    exact, near = c(Counter.DUPLICATES_EXACT), c(Counter.DUPLICATES_NEAR)
    rows = [
        ("pages fetched", f"{fetched}"),
        ("articles stored", f"{t.stored}  (new {t.articles_new}, updated "
                            f"{t.articles_updated}, unchanged {t.articles_unchanged})"),
        ("non-article pages", f"{t.non_articles}  " + _reasons(non_articles_by_type(
            result.stats))),
        *_declared(result),
        ("skipped", f"{t.skipped}"),
        *by_reason(skipped, examples(result.stats, Outcome.SKIPPED)),
        ("failed", f"{t.failed}"),
        *by_reason(failed, examples(result.stats, Outcome.FAILED)),
        ("duplicate content", f"{exact + near}  (exact copies {exact}, near copies {near})"),
        ("duplicate URLs", f"{c(Counter.DUPLICATE_URLS)}  (seen again, not fetched)"),
        ("known, not fetched", f"{c(Counter.KNOWN_SKIPPED)}  (stored before, not due)"),
        ("fetched lately", f"{c(Counter.RECENT_SKIPPED)}  (by a crawl within "
                           "CLEANWIRE_RECENT_FETCH_WINDOW, not again)"),
        ("revisited", f"{sum(c(k) for k in REFETCH_COUNTERS.values())}  " + _reasons(
            {str(r): c(k) for r, k in REFETCH_COUNTERS.items() if c(k)})),
        ("not modified", f"{c(Counter.NOT_MODIFIED)}  (304 to a conditional GET, not "
                         "re-cleaned)"),
        *_captured(result),
        ("elapsed", f"{result.elapsed:.1f} s"),
        ("pages/s", f"{fetched / result.elapsed if result.elapsed else 0:.1f}"),
    ]
    run_id = result.stats.get(Counter.RUN_ID)
    head = ("interrupted: " if result.interrupted else "") + f"crawl of {result.site}" + (
        f" (run {run_id})" if run_id else "")
    width = max(len(k) for k, _ in rows)
    return "\n".join([head] + [f"  {k:<{width}}  {v.rstrip()}" for k, v in rows])


def _captured(result: CrawlResult) -> list[tuple[str, str]]:
    """The pages kept as WARC captures (crawler/capture/); no row when captures are off."""
    pages, errors = result.count(Counter.CAPTURES), result.count(Counter.CAPTURE_ERRORS)
    if not pages and not errors:
        return []
    size = result.count(Counter.CAPTURE_BYTES)
    shown = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"
    return [("captured", f"{pages}  ({shown} of WARC records"
                         + (f"; {errors} pages not captured: the write failed" if errors else "")
                         + ")")]


def _declared(result: CrawlResult) -> list[tuple[str, str]]:
    """The non-article pages that declared themselves articles (possible losses), with
    example URLs; no row when there were none."""
    declared = result.count(Counter.DECLARED_NON_ARTICLES)
    if not declared:
        return []
    example = ", ".join(declared_examples(result.stats))
    return [("  declared articles", f"{declared}" + (f"  e.g. {example}" if example else ""))]


def by_reason(counts: dict[str, int], example: dict[str, str]) -> list[tuple[str, str]]:
    """One row per reason, most frequent first: its count and an example URL."""
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(f"  {reason}", f"{n}" + (f"  e.g. {example[reason]}" if reason in example else ""))
            for reason, n in ordered]


def unreachable_lines(result: CrawlResult) -> list[str]:
    """One line per host that never answered: "cannot reach HOST: DNS lookup failed. Offline?"."""
    return [f"cannot reach {host}: {UNREACHABLE_MESSAGES.get(reason, reason)}"
            for host, reason in unreachable_hosts(result.stats).items()]


UNREACHABLE_MESSAGES = {
    Reason.DNS: "DNS lookup failed. Offline?",
    Reason.CONNECTION_REFUSED: "connection refused. Is the server up, and the port right?",
    Reason.TIMEOUT: "no answer before the download timeout",
}


def _reasons(counts: dict[str, int]) -> str:
    return "(" + ", ".join(f"{k}: {v}" for k, v in counts.items()) + ")" if counts else ""
