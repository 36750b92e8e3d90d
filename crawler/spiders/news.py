"""The news spider: discover (home pages, feeds, sitemaps, robots.txt), fetch pages, follow links.

Run the Scrapy way from the repo root:
    scrapy crawl news -a start=https://example.com/ [-a max_pages=100]
    scrapy crawl news -a site=NAME [-a sites=sites.toml]
The spider keeps its own seen-set, so Scrapy never gets a URL twice; it has every
HTML page cleaned off the reactor (crawler/pool/service.py), yields it to the store
pipeline and follows the links the cleaner read off it. Re-crawls are
incremental (crawler/incremental.py): stored articles are skipped or re-fetched
with conditional GETs; discovery documents and listings are always read.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.settings import Settings
from twisted.python.failure import Failure

from cleaners.dom import parse_html
from cleaners.errors import CleanError
from cleaners.links import page_links
from cleaners.urlkeys import clean_url, host_of, url_key
from crawler import settings as default_settings
from crawler.capture.component import CaptureWriter
from crawler.config import environment_settings
from crawler.failures import failure_reason
from crawler.incremental import Frontier
from crawler.items import FetchItem, PageItem
from crawler.middlewares.retry import blocked_reason
from crawler.middlewares.robots import OWN_ROBOTS
from crawler.pool.service import CleaningService
from crawler.profiles import (
    SiteProfile,
    UrlFilter,
    adhoc_profile,
    load_profiles,
    parse_duration,
    sites_path,
)
from crawler.spiders.discovery import (
    TooLarge,
    document_kind,
    feed_entries,
    feed_links,
    read_sitemap,
    robots_sitemaps,
)
from crawler.store import CrawlStore
from crawler.urls import UrlSet, is_web_url, looks_binary
from storage.contract import (
    REASONED_OUTCOMES,
    REFETCH_COUNTERS,
    Counter,
    Outcome,
    Reason,
    reason_counter,
)

_DISCOVERY_PRIORITY = 100
# sitemap pages wait in the spider's backlog until Scrapy's queue holds fewer than LOW
# requests, then enough are handed over to bring it to HIGH
_BACKLOG_LOW, _BACKLOG_HIGH = 256, 512
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_LINKS_REMEMBERED = 100_000  # link targets remembered before starting afresh (~6 MB)
_SITEMAP_DEPTH = "cw_sitemap_depth"  # request meta: indexes above this sitemap (0: none)
_XML_PATHS = (".xml", ".xml.gz", ".gz")  # start URLs fetched under the sitemap size cap


def _as_int(value: Any) -> int:
    return int(value or 0)


class NewsSpider(scrapy.Spider):
    name = "news"

    @classmethod
    def update_settings(cls, settings: Settings) -> None:
        """`scrapy crawl news` reads the CLEANWIRE_* variables here (crawler/settings.py
        holds defaults only); the cleanwire CLI has applied them already, the same way."""
        super().update_settings(settings)
        settings.setdict(environment_settings(), priority="project")
        if settings.get("CLEANWIRE_REDIS_URL"):
            settings.setdict(default_settings.SHARED_QUEUE_SETTINGS, priority="project")

    def __init__(
        self,
        start: str | None = None,
        site: str | None = None,
        sites: str | None = None,
        profile: SiteProfile | None = None,
        mode: str = "crawl",
        max_pages: int | str = 0,
        max_depth: int | str = 0,
        seed: bool | str = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if profile is None:
            if site:
                profiles = load_profiles(sites_path(sites))
                if site not in profiles:
                    raise ValueError(f"no site named {site!r} in {sites_path(sites)}")
                profile = profiles[site]
            elif start:
                profile = adhoc_profile([u.strip() for u in start.split(",") if u.strip()])
            else:
                raise ValueError("give -a start=URL[,URL...] or -a site=NAME")
        self.profile = profile
        self.mode = mode  # "crawl": discover and follow; "scrape": exactly the start URLs
        # False: a worker of a shared crawl, whose start requests a seeder queued already
        self.seed = seed not in (False, "0", "false", "no")
        self.shared_queue = False  # set from settings: Redis dedups across workers
        self.max_pages = _as_int(max_pages) or profile.max_pages
        self.max_depth = _as_int(max_depth) or profile.max_depth
        self.hosts = profile.all_hosts
        self.allowed_domains = sorted({h.split(":")[0] for h in self.hosts})
        self.url_filter = UrlFilter.from_profile(profile)
        self.seen = UrlSet()  # URL keys claimed (requested, queued or in the backlog)
        # absolute link targets already handed to _follow: a cache that keeps repeated
        # navigation links off URL normalisation (seen is the record of what was claimed)
        self.links_seen = UrlSet(limit=_LINKS_REMEMBERED)
        # the crawl's cleaning service (None: the crawl cleans nothing, and the spider reads
        # each page's links itself); found when the spider starts
        self.cleaner: CleaningService | None = None
        self.captures: CaptureWriter | None = None  # WARC captures (None: off)
        # sitemap pages claimed but not yet handed to Scrapy: (url, depth, headers), released
        # as the scheduler drains (a 50,000-URL sitemap is 50,000 Request objects otherwise)
        self.backlog: deque[tuple[str, int, dict[str, str] | None]] = deque()
        self._backlog_hooked = False  # _release_when_idle is connected to spider_idle
        self.pages_requested = 0
        # discovery's own bounds (crawler/settings.py; set from the crawler's settings)
        self.sitemap_max_depth = default_settings.CLEANWIRE_SITEMAP_MAX_DEPTH
        self.max_sitemaps = default_settings.CLEANWIRE_MAX_SITEMAPS
        self.sitemap_maxsize = default_settings.CLEANWIRE_SITEMAP_MAXSIZE
        self.sitemaps_requested = 0
        self.overflows_recorded: set[str] = set()  # reasons recorded once per crawl
        self.frontier: Frontier | None = None  # stored articles (incremental re-crawls)
        self.known_passed = UrlSet()  # stored articles not fetched this time

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        settings = crawler.settings
        kwargs.setdefault("max_pages", settings.getint("CLEANWIRE_MAX_PAGES"))
        kwargs.setdefault("max_depth", settings.getint("CLEANWIRE_MAX_DEPTH"))
        if settings.get("CLEANWIRE_SITES"):
            kwargs.setdefault("sites", settings.get("CLEANWIRE_SITES"))
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.shared_queue = bool(settings.get("CLEANWIRE_REDIS_URL"))
        spider.sitemap_max_depth = settings.getint("CLEANWIRE_SITEMAP_MAX_DEPTH")
        spider.max_sitemaps = settings.getint("CLEANWIRE_MAX_SITEMAPS")
        spider.sitemap_maxsize = settings.getint("CLEANWIRE_SITEMAP_MAXSIZE")
        return spider

    # ---- start --------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request | FetchItem]:
        self.cleaner = CleaningService.of(self.crawler)
        self.captures = CaptureWriter.of(self.crawler)
        if self.cleaner is not None:
            self.cleaner.open(self.profile, listing_text=self.mode == "scrape")
        self.frontier = self._load_frontier()
        if not self.seed:
            return
        for request in self._start_requests():
            yield request

    def _load_frontier(self) -> Frontier | None:
        """The site's stored articles, when crawling into a database incrementally."""
        settings = self.crawler.settings
        if self.mode != "crawl" or not settings.getbool("CLEANWIRE_STORE") or not (
                settings.getbool("CLEANWIRE_INCREMENTAL")):
            return None
        override = settings.get("CLEANWIRE_REFRESH_AFTER")
        refresh = parse_duration(override) if override else self.profile.refresh_after
        store = CrawlStore.of(self.crawler)
        if store is None:
            return None
        frontier = store.frontier(self.profile.name, refresh, self.profile.all_hosts)
        if frontier is None:
            return None
        self.crawler.stats.set_value(Counter.KNOWN_ARTICLES, len(frontier))
        return frontier

    def _start_requests(self) -> Iterator[scrapy.Request | FetchItem]:
        profile = self.profile
        if self.mode == "scrape":
            for url in profile.start_urls:
                if self._claim(url, page=False):
                    yield self._request(clean_url(url), self.parse_page, depth=0, kind="page")
            return
        for url in profile.sitemaps:
            yield from self._sitemap(url, depth=0)
        for url in profile.feeds:
            if self._claim(url, page=False):
                yield self._request(url, self.parse_feed, kind="feed")
        robots_hosts: set[str] = set()
        for url in profile.start_urls:
            parts = urlsplit(url)
            if parts.netloc not in robots_hosts:
                robots_hosts.add(parts.netloc)
                robots = f"{parts.scheme}://{parts.netloc}/robots.txt"
                if self._claim(robots, page=False):
                    yield self._request(robots, self.parse_robots, kind="robots",
                                        meta={"dont_obey_robotstxt": True, OWN_ROBOTS: True})
            if self._claim(url, page=False):
                # a start URL may be a sitemap (see parse_start): one that looks like XML
                # gets a sitemap's size cap
                xml = urlsplit(url).path.lower().endswith(_XML_PATHS)
                yield self._request(clean_url(url), self.parse_start, depth=0, kind="start",
                                    meta={"download_maxsize": self.sitemap_maxsize} if xml
                                    else None)

    # ---- requests and the seen-set --------------------------------------------------------

    def _request(self, url: str, callback: Any, depth: int = 0, kind: str = "page",
                 meta: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> scrapy.Request:
        priority = 0 if kind == "page" else _DISCOVERY_PRIORITY
        if headers:  # a conditional GET: let its 304 through to the callback
            meta = {**(meta or {}), "handle_httpstatus_list": [304], "cw_conditional": True}
        # the spider's seen-set dedups a crawl of its own; a shared crawl's requests also
        # go through the shared dupefilter in Redis (crawler/shared/scheduler.py)
        return scrapy.Request(
            url, callback=callback, errback=self.on_error, dont_filter=not self.shared_queue,
            priority=priority,
            headers=headers or None,
            meta={"cw_depth": depth, "cw_kind": kind, "cw_started": time.monotonic(),
                  **(meta or {})},
        )

    def _sitemap(self, url: str, depth: int) -> Iterator[scrapy.Request | FetchItem]:
        """The request for a sitemap at nesting depth (0: named by the profile or robots.txt;
        n: listed by an index at n - 1), unless it is nested too deep or past the crawl's
        number of sitemaps (an overflow: counted, and recorded once) or seen already."""
        closed = self._sitemaps_closed(depth)
        if closed:
            yield from self._overflow(url, *closed)
        elif self._claim(url, page=False):
            self.sitemaps_requested += 1
            yield self._request(url, self.parse_sitemap, kind="sitemap",
                                meta={_SITEMAP_DEPTH: depth,
                                      "download_maxsize": self.sitemap_maxsize})

    def _sitemaps_closed(self, depth: int) -> tuple[str, Counter] | None:
        """(reason, counter) when no sitemap at this depth may be requested any more."""
        if self.sitemap_max_depth and depth > self.sitemap_max_depth:
            return Reason.SITEMAP_DEPTH, Counter.SITEMAPS_TOO_DEEP
        if self.max_sitemaps and self.sitemaps_requested >= self.max_sitemaps:
            return Reason.TOO_MANY_SITEMAPS, Counter.SITEMAPS_OVER_CAP
        return None

    def _overflow(self, url: str, reason: str, counter: Counter) -> Iterator[FetchItem]:
        """A discovery document not fetched for a bound: counted each time, recorded (a
        skipped fetch with the reason, under the first such URL) once per crawl."""
        self.crawler.stats.inc_value(counter)
        if reason in self.overflows_recorded:
            return
        self.overflows_recorded.add(reason)
        self.crawler.stats.inc_value(reason_counter(Outcome.SKIPPED, reason))
        yield FetchItem(url=url[:500], status=None, error=reason, outcome=Outcome.SKIPPED,
                        content_type=None, bytes=None, elapsed_ms=None,
                        fetched_at=datetime.now(UTC), site=self.profile.name)

    def _claim(self, url: str, page: bool = True) -> bool:
        """True (and remember it) if url is new; pages also spend the page budget."""
        key = url_key(url)
        if key in self.seen:
            self.crawler.stats.inc_value(Counter.DUPLICATE_URLS)
            return False
        if page and self.max_pages and self.pages_requested >= self.max_pages:
            return False
        self.seen.add(key)
        if page:
            self.pages_requested += 1
        return True

    def _wanted(self, url: str) -> bool:
        return (is_web_url(url) and host_of(url) in self.hosts and not looks_binary(url)
                and self.url_filter.accepts(url))

    def _follows(self, depth: int) -> bool:
        """Whether links found at this depth are followed at all."""
        return self.mode != "scrape" and not (self.max_depth and depth > self.max_depth)

    def _follow(self, links: Iterable[tuple[str, str | None]], depth: int,
                later: bool = False) -> Iterator[scrapy.Request | FetchItem]:
        """Requests for the wanted, unseen of links ((url, lastmod) pairs: a sitemap's or
        feed's date, else None); later: claim them now, but keep them in the backlog
        (compact) and hand them to Scrapy as its queue drains (see _release)."""
        if not self._follows(depth):
            return
        later = later and not self.shared_queue  # Redis holds the queue
        for raw, lastmod in links:
            yield from self._refuse_scheme(raw)
            url = clean_url(raw)
            if not self._wanted(url):
                continue
            decision, headers = (self.frontier.decide(url, lastmod)
                                 if self.frontier is not None else ("fetch", {}))
            if decision == "skip":
                self._pass_known(url)
                continue
            if decision == "recent":  # fetched lately (a killed run's page, say)
                self._pass_known(url, Counter.RECENT_SKIPPED)
                continue
            if decision != "fetch" and self.frontier is not None:  # a stored article, asked
                url = self.frontier.stored_url(url)  # for by its own URL (not a redirect to it)
            if self._claim(url):
                if decision != "fetch" and self.frontier is not None:
                    self.crawler.stats.inc_value(REFETCH_COUNTERS[decision])
                    self.frontier.requested(url, decision)
                if later:
                    self._defer(url, depth, headers or None)
                else:
                    yield self._request(url, self.parse_page, depth=depth, headers=headers)
        yield from self._release()

    def _defer(self, url: str, depth: int, headers: dict[str, str] | None) -> None:
        if not self._backlog_hooked:  # the queue may drain before a page (its _follow)
            self._backlog_hooked = True  # releases more: spider_idle does then
            self.crawler.signals.connect(self._release_when_idle, signal=signals.spider_idle)
        self.backlog.append((url, depth, headers))

    def _release(self, room: int | None = None) -> Iterator[scrapy.Request]:
        """Backlog requests for Scrapy while its scheduler holds fewer than _BACKLOG_LOW."""
        if not self.backlog:
            return
        if room is None:
            stats = self.crawler.stats
            pending = (_as_int(stats.get_value("scheduler/enqueued"))
                       - _as_int(stats.get_value("scheduler/dequeued")))
            if pending >= _BACKLOG_LOW:
                return
            room = _BACKLOG_HIGH - pending
        # taken at once: a page releases too (follow_links) while Scrapy still
        # consumes a sitemap callback's requests one by one
        batch = [self.backlog.popleft() for _ in range(min(room, len(self.backlog)))]
        self.crawler.stats.set_value(Counter.BACKLOG, len(self.backlog))
        for url, depth, headers in batch:
            yield self._request(url, self.parse_page, depth=depth, headers=headers)

    def _release_when_idle(self, spider: Any = None) -> None:
        """spider_idle: Scrapy's queue ran dry with backlog left (no page released it)."""
        if not self.backlog:
            return
        for request in self._release(room=_BACKLOG_HIGH):
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def _pass_known(self, url: str, counter: Counter = Counter.KNOWN_SKIPPED) -> None:
        """A stored article (or a page fetched lately: RECENT_SKIPPED) not fetched again,
        counted once per crawl."""
        key = url_key(url)
        if key not in self.seen and key not in self.known_passed:
            self.known_passed.add(key)
            self.crawler.stats.inc_value(counter)

    # ---- callbacks ------------------------------------------------------------------------

    async def parse_start(self, response: Response) -> AsyncIterator[Any]:
        """A start URL may be a home page, a feed or a sitemap: look before parsing."""
        kind = document_kind(response.body[:2048], self._content_type(response))
        if kind == "sitemap" or response.body[:2] == b"\x1f\x8b":
            self.sitemaps_requested += 1  # one of the crawl's sitemaps, too
            for found in self.parse_sitemap(response):
                yield found
        elif 0 < self.settings.getint("DOWNLOAD_MAXSIZE") < len(response.body):
            # fetched under the sitemap cap (its URL looked like XML), and no sitemap
            yield self._fetch_item(response, Outcome.FAILED, error=Reason.TOO_LARGE)
        elif kind == "feed":
            for found in self.parse_feed(response):
                yield found
        else:
            if isinstance(response, TextResponse):
                for href in self._feed_hrefs(response):
                    if self._wanted_discovery(href) and self._claim(href, page=False):
                        yield self._request(href, self.parse_feed, kind="feed")
            async for found in self.parse_page(response):
                yield found

    def parse_robots(self, response: Response) -> Iterator[Any]:
        yield self._fetch_item(response, Outcome.ROBOTS)
        text = response.body.decode("utf-8", errors="replace")
        for url in robots_sitemaps(text, response.url):
            yield from self._refuse_scheme(url)
            if self._wanted_discovery(url):
                yield from self._sitemap(url, depth=0)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        """A sitemap or sitemap index, gzipped or not, read as a stream (up to
        CLEANWIRE_SITEMAP_MAXSIZE bytes, inflated): an index's entries are sitemaps one
        level deeper, a urlset's are pages (claimed now, requested as the queue drains)."""
        try:
            kind, entries = read_sitemap(response.body, response.url, self.sitemap_maxsize)
        except TooLarge:
            yield self._fetch_item(response, Outcome.FAILED, error=Reason.TOO_LARGE)
            return
        if kind == "other":
            yield self._fetch_item(response, Outcome.SKIPPED, error=Reason.NOT_A_SITEMAP)
            return
        yield self._fetch_item(response, Outcome.SITEMAP)
        if kind == "index":
            depth = response.meta.get(_SITEMAP_DEPTH, 0) + 1
            for entry in entries:
                closed = self._sitemaps_closed(depth)
                if closed:  # no more of them are fetched: counted, not looked at
                    yield from self._overflow(entry.url, *closed)
                    continue
                yield from self._refuse_scheme(entry.url)
                if self._wanted_discovery(entry.url):
                    yield from self._sitemap(entry.url, depth)
        else:
            yield from self._follow(((e.url, e.lastmod) for e in entries), depth=1, later=True)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        if document_kind(response.body[:2048], self._content_type(response)) != "feed":
            yield self._fetch_item(response, Outcome.SKIPPED, error=Reason.NOT_A_FEED)
            return
        yield self._fetch_item(response, Outcome.FEED)
        entries = feed_entries(response.body, response.url)
        yield from self._follow(((e.url, e.lastmod) for e in entries), depth=1)

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        """An HTML page: cleaned (awaiting the cleaning service), then its item, then the
        requests for its links (read by the cleaning worker, else here)."""
        if response.status == 304:  # our conditional GET: the stored copy is current
            self.crawler.stats.inc_value(Counter.NOT_MODIFIED)
            item = self._fetch_item(response, Outcome.NOT_MODIFIED)
            if self.frontier is not None:
                item.url = self.frontier.stored_url(item.url)
            yield item
            return
        blocked = blocked_reason(response.status, response.body)
        if blocked:
            yield self._fetch_item(response, Outcome.FAILED, error=blocked)
            return
        ctype = self._content_type(response)
        sniffed = document_kind(response.body[:2048], ctype)
        if not ctype.startswith(_HTML_TYPES) and sniffed != "html":
            yield self._fetch_item(response, Outcome.SKIPPED, error=Reason.NOT_HTML)
            return
        final_url = clean_url(response.url)
        if response.meta.get("redirect_urls"):
            key = url_key(final_url)
            if key in self.seen:  # redirected to a page fetched (or queued) already
                self.crawler.stats.inc_value(Counter.DUPLICATE_URLS)
                return
            self.seen.add(key)
        item = self._page_item(response, final_url)
        if self.captures is not None:
            item.capture = self.captures.capture(response)
        depth = response.meta.get("cw_depth", 0) + 1
        follow = isinstance(response, TextResponse) and self._follows(depth)
        links: tuple[str, ...] = ()
        if self.cleaner is not None:
            links = await self.cleaner.clean(item, links=follow)
        elif follow:
            links = self._own_links(response, final_url)
        yield item
        if follow:
            for found in self.follow_links(links, depth):
                yield found

    def on_error(self, failure: Failure) -> Iterator[FetchItem]:
        request = failure.request
        reason, status, outcome = failure_reason(failure)
        response = getattr(failure.value, "response", None)
        if response is not None:
            reason = blocked_reason(response.status, response.body) or reason
        self.crawler.stats.inc_value(reason_counter(outcome, reason))
        if status is not None:
            self.crawler.stats.inc_value(Counter.FETCHED)
        yield FetchItem(
            url=clean_url(request.url), status=status, error=reason, outcome=outcome,
            content_type=self._content_type(response) if response is not None else None,
            bytes=len(response.body) if response is not None else None,
            elapsed_ms=self._elapsed(request.meta), fetched_at=datetime.now(UTC),
            site=self.profile.name,
        )

    # ---- helpers --------------------------------------------------------------------------

    def _refuse_scheme(self, url: str) -> Iterator[FetchItem]:
        """A file:, ftp:, data:... URL in a page, feed or sitemap: never fetched, recorded once
        (javascript:, mailto: and tel: hrefs of pages are dropped earlier, unrecorded)."""
        if is_web_url(url) or not self._claim(url, page=False):
            return
        self.crawler.stats.inc_value(reason_counter(Outcome.SKIPPED, Reason.REFUSED_SCHEME))
        yield FetchItem(url=url[:500], status=None, error=Reason.REFUSED_SCHEME,
                        outcome=Outcome.SKIPPED, content_type=None, bytes=None, elapsed_ms=None,
                        fetched_at=datetime.now(UTC), site=self.profile.name)

    def _wanted_discovery(self, url: str) -> bool:
        return is_web_url(url) and host_of(url) in self.hosts

    def follow_links(self, links: tuple[str, ...] | list[str], depth: int
                     ) -> Iterator[scrapy.Request | FetchItem]:
        """Requests (and refusals) for a page's link targets at depth: see _follow.

        parse_page calls this with the targets the cleaning worker read off the page
        (cleaners.links), so the crawl process never parses a page for its links.
        Navigation, footers and related-story boxes repeat the same links on every
        page: each absolute target is looked at once, so URL normalisation stays off
        the hot path."""
        new = self.links_seen.new(links)
        if len(links) > len(new):
            self.crawler.stats.inc_value(Counter.DUPLICATE_URLS, len(links) - len(new))
        yield from self._follow(((link, None) for link in new), depth)

    @staticmethod
    def _own_links(response: TextResponse, url: str) -> tuple[str, ...]:
        """The page's link targets, when no cleaning service reads them in its workers."""
        try:
            return page_links(parse_html(response.text), url)
        except CleanError:
            return ()

    @staticmethod
    def _feed_hrefs(response: TextResponse) -> list[str]:
        pairs = [(node.attrib.get("type", ""), node.attrib.get("href", ""))
                 for node in response.xpath('//link[@rel="alternate"][@href]')]
        return feed_links(pairs, response.url)

    @staticmethod
    def _content_type(response: Response | None) -> str:
        if response is None:
            return ""
        raw = response.headers.get(b"Content-Type") or b""
        return raw.decode("latin-1").strip().lower()

    @staticmethod
    def _elapsed(meta: dict[str, Any]) -> float | None:
        if "download_latency" in meta:
            return round(meta["download_latency"] * 1000.0, 1)
        started = meta.get("cw_started")
        return round((time.monotonic() - started) * 1000.0, 1) if started else None

    def _fetch_item(self, response: Response, outcome: str, error: str | None = None) -> FetchItem:
        self.crawler.stats.inc_value(Counter.FETCHED)
        if outcome in REASONED_OUTCOMES:
            self.crawler.stats.inc_value(reason_counter(outcome, str(error)))
        return FetchItem(
            url=clean_url(response.url), status=response.status, error=error, outcome=outcome,
            content_type=self._content_type(response) or None, bytes=len(response.body),
            elapsed_ms=self._elapsed(response.meta), fetched_at=datetime.now(UTC),
            site=self.profile.name,
        )

    def _page_item(self, response: Response, final_url: str) -> PageItem:
        self.crawler.stats.inc_value(Counter.FETCHED)
        headers = response.headers
        charset = response.encoding if isinstance(response, TextResponse) else None
        declared = b"charset=" in (headers.get(b"Content-Type") or b"").lower()
        return PageItem(
            url=final_url, status=response.status, body=response.body,
            content_type=self._content_type(response), http_charset=charset if declared else None,
            etag=(headers.get(b"ETag") or b"").decode("latin-1") or None,
            last_modified=(headers.get(b"Last-Modified") or b"").decode("latin-1") or None,
            fetched_at=datetime.now(UTC), elapsed_ms=self._elapsed(response.meta) or 0.0,
            site=self.profile.name, site_host=host_of(final_url), bytes=len(response.body),
            aliases=self._aliases(response, final_url),
        )

    @staticmethod
    def _aliases(response: Response, final_url: str) -> tuple[str, ...]:
        """The URLs that redirected to final_url, tracking-free, first seen first."""
        redirected = map(clean_url, response.meta.get("redirect_urls", ()))
        return tuple(dict.fromkeys(u for u in redirected if u != final_url))
