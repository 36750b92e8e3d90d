"""Run crawls in-process (one Scrapy reactor, one crawler per site) and summarise them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from . import settings as default_settings
from .items import FetchItem, PageItem
from .profiles import SiteProfile
from .spiders.news import NewsSpider


@dataclass
class CrawlResult:
    """What one site's crawl did, read from its Scrapy stats at the end."""

    site: str
    stats: dict[str, Any]
    elapsed: float
    items: list[PageItem | FetchItem] = field(default_factory=list)

    def count(self, key: str) -> int:
        return int(self.stats.get(f"cleanwire/{key}", 0) or 0)

    @property
    def stored(self) -> int:
        return sum(self.count(f"articles_{k}") for k in ("new", "updated", "unchanged"))

    def reasons(self, outcome: str) -> dict[str, int]:
        prefix = f"cleanwire/{outcome}/"
        return {k[len(prefix):]: int(v) for k, v in sorted(self.stats.items())
                if k.startswith(prefix)}


def build_settings(overrides: dict[str, Any]) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.setdict({k: v for k, v in overrides.items() if v is not None}, priority="cmdline")
    if settings.get("CLEANWIRE_REDIS_URL"):  # --redis: a shared crawl
        settings.setdict(default_settings.SHARED_QUEUE_SETTINGS, priority="cmdline")
    return settings


def run_crawls(profiles: list[SiteProfile], overrides: dict[str, Any], mode: str = "crawl",
               keep_items: bool = False,
               site_settings: dict[str, dict[str, Any]] | None = None) -> list[CrawlResult]:
    """Crawl every profile concurrently in one process; blocks until all are done."""
    process = CrawlerProcess(build_settings(overrides))
    runs: list[tuple[SiteProfile, Any, list[Any]]] = []
    for profile in profiles:
        extra = (site_settings or {}).get(profile.name, {})
        crawler, collected = start_crawl(process, profile, extra, mode=mode,
                                         keep_items=keep_items)[1:]
        runs.append((profile, crawler, collected))
    started = time.monotonic()
    process.start()
    elapsed = time.monotonic() - started
    return [CrawlResult(profile.name, crawler.stats.get_stats() if crawler.stats else {},
                        elapsed, collected) for profile, crawler, collected in runs]


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
    failed, skipped = result.reasons("failed"), result.reasons("skipped")
    fetched = c("fetched")
    rows = [
        ("pages fetched", f"{fetched}"),
        ("articles stored", f"{result.stored}  (new {c('articles_new')}, updated "
                            f"{c('articles_updated')}, unchanged {c('articles_unchanged')})"),
        ("non-article pages", f"{c('non_articles')}  " + _reasons(result.reasons("non_articles"))),
        ("skipped", f"{sum(skipped.values())}  " + _reasons(skipped)),
        ("failed", f"{sum(failed.values())}  " + _reasons(failed)),
        ("duplicate content", f"{c('duplicates_exact') + c('duplicates_near')}  (exact copies "
                              f"{c('duplicates_exact')}, near copies {c('duplicates_near')})"),
        ("duplicate URLs", f"{c('duplicate_urls')}  (seen again, not fetched)"),
        ("known, not fetched", f"{c('known_skipped')}  (stored before, outside the refresh "
                               "window)"),
        ("not modified", f"{c('not_modified')}  (304 to a conditional GET, not re-cleaned)"),
        ("elapsed", f"{result.elapsed:.1f} s"),
        ("pages/s", f"{fetched / result.elapsed if result.elapsed else 0:.1f}"),
    ]
    run_id = result.stats.get("cleanwire/run_id")
    head = f"crawl of {result.site}" + (f" (run {run_id})" if run_id else "")
    width = max(len(k) for k, _ in rows)
    return "\n".join([head] + [f"  {k:<{width}}  {v.rstrip()}" for k, v in rows])


def _reasons(counts: dict[str, int]) -> str:
    return "(" + ", ".join(f"{k}: {v}" for k, v in counts.items()) + ")" if counts else ""
