"""Scrapy settings for cleanwire: polite, bounded, no listening ports.

Defaults only: this module reads no environment. Every CLEANWIRE_* setting can also come
from the environment when a crawl's settings are built (crawler/config.py); the CLI
overrides them from its flags.
"""

from crawler.config import user_agent

BOT_NAME = "cleanwire"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# A crawler must not open listening ports.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.extensions.throttle.AutoThrottle": 0,  # Scrapy's, lowered by 404s too
    "crawler.extensions.progress.Progress": 500,
    "crawler.extensions.failures.FailureExamples": 505,
    "crawler.extensions.progress.OneLineLogs": 10,
    "crawler.extensions.progress.SkipDebugRecords": 11,
    "crawler.store.CrawlStore": 0,  # the crawl's one engine and repository
    "crawler.pool.service.CleaningService": 1,  # the pool the spider cleans pages in
    "crawler.extensions.heartbeat.LockHeartbeat": 510,
    "crawler.extensions.memory.TrimMemory": 530,
    "crawler.extensions.memory.QuietGc": 540,
    "crawler.capture.component.CaptureWriter": 2,  # WARC captures of the pages cleaned
}

# USER_AGENT is built from CLEANWIRE_CONTACT_URL below.
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# items and requests a response yields, processed at once; a page yields one item, then the
# requests for its links, and Scrapy starts this many tasks per response: its default (100)
# cost ~0.9 ms of reactor time a page, 8 ~0.1 ms more than 2
CONCURRENT_ITEMS = 2
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024  # also applied after decompression
DOWNLOAD_WARNSIZE = 0
REDIRECT_MAX_TIMES = 5
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_GIVE_UP_LOG_LEVEL = "INFO"  # the failure is recorded in fetches and the summary
HTTPERROR_ALLOW_ALL = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

ITEM_PIPELINES = {
    "crawler.pipelines.store.StorePipeline": 800,
}

# cleanwire's own settings (defaults; environment CLEANWIRE_* and CLI flags override)
CLEANWIRE_DATABASE_URL = None  # None: CLEANWIRE_DATABASE_URL env, else sqlite:///cleanwire.db
CLEANWIRE_SQL_TIMEOUT = 30.0  # seconds a `cleanwire sql` query may run (--timeout overrides)
CLEANWIRE_STORE = True
CLEANWIRE_CLEAN = True  # clean pages in a process pool (False: a seeder, which only queues)
CLEANWIRE_CLEAN_WORKERS = 0  # 0: one per core
CLEANWIRE_CLEAN_TIMEOUT = 30.0  # seconds per page
CLEANWIRE_BATCH_SIZE = 100  # rows per write transaction
CLEANWIRE_BATCH_SECONDS = 2.0  # longest a stored row waits for its commit
CLEANWIRE_MAX_PAGES = 0  # 0: no limit (pages requested, discovery documents excluded)
# discovery documents have bounds of their own: sitemaps nested in indexes deeper than
# this are not fetched (0: no limit; 3 = robots.txt's sitemap, then three index levels)...
CLEANWIRE_SITEMAP_MAX_DEPTH = 3
CLEANWIRE_MAX_SITEMAPS = 1000  # ...nor more sitemaps than this in a crawl of a site (0: no limit)
# a sitemap's size, downloaded and inflated (sitemaps.org allows 50 MB; pages: DOWNLOAD_MAXSIZE)
CLEANWIRE_SITEMAP_MAXSIZE = 50 * 1024 * 1024
CLEANWIRE_MAX_DEPTH = 0  # 0: no limit (link hops from a start page)
CLEANWIRE_LEARN_BOILERPLATE = True  # drop blocks that recur on many stored pages of a site
CLEANWIRE_BOILERPLATE_SAMPLE = 300  # latest articles of the site looked at
CLEANWIRE_BOILERPLATE_MIN_PAGES = 8  # a block must recur on at least this many of them...
CLEANWIRE_BOILERPLATE_MIN_SHARE = 0.3  # ...and on at least this share
CLEANWIRE_NEAR_DUP_THRESHOLD = 0.5  # MinHash Jaccard for near-duplicate clusters (storage/dedup.py)
CLEANWIRE_PROGRESS_INTERVAL = 5.0  # seconds between progress lines
CLEANWIRE_STOP_GRACE = 2.0  # seconds a stopping crawl gives the pages being cleaned
CLEANWIRE_TRIM_MEMORY_INTERVAL = 10.0  # seconds between giving freed memory back (0: never)
CLEANWIRE_GC_THRESHOLD = 10_000  # objects between young garbage collections (0: Python's)
CLEANWIRE_SITES = None  # path of sites.toml
# raw captures (crawler/capture/): "" a captures/ folder beside the database (a SQLite file's
# folder, else the working directory), "none" off, else that folder (`--captures DIR`)
CLEANWIRE_CAPTURES = ""
CLEANWIRE_CAPTURE_MAX_BYTES = 1024 ** 3  # a WARC file is rotated past this size
CLEANWIRE_COMMAND = "scrapy crawl"
CLEANWIRE_ONE_LINE_LOGS = False  # the CLI turns this on unless -v
CLEANWIRE_ROBOTS_MAX_BYTES = 500 * 1024  # robots.txt parsed up to here (RFC 9309), page cap aside
CLEANWIRE_SAFE_DESTINATIONS = True  # refuse non-http(s) schemes and private addresses
CLEANWIRE_CONTACT_URL = "https://github.com/cleanwire/cleanwire"  # goes into USER_AGENT
# a response's status line and headers, in bytes (DOWNLOAD_MAXSIZE counts only the body);
# past it the fetch fails "too large headers" and the connection is dropped (0: no cap)
CLEANWIRE_MAX_HEADER_BYTES = 256 * 1024
CLEANWIRE_RETRY_MAX_WAIT = 120.0  # longest wait before retrying a 429/503 (0: no waiting)
CLEANWIRE_RETRY_BACKOFF_BASE = 2.0  # seconds; doubled per attempt when no Retry-After
CLEANWIRE_TIMEOUT_RETRIES = 1  # a download timeout is retried this often (RETRY_TIMES: others)
CLEANWIRE_INCREMENTAL = True  # skip stored articles / conditional GETs (crawler/incremental.py)
CLEANWIRE_REFRESH_AFTER = ""  # duration overriding every profile's refresh_after ("": keep)
# adaptive revisits (storage/revisits.py): which stored articles a crawl fetches again
CLEANWIRE_REVISIT = "due"  # due | all | none (`crawl --revisit`)
CLEANWIRE_REVISIT_INTERVALS = "1h,3h,9h,1d,2d"  # grown on no change, reset on a change
CLEANWIRE_REVISIT_NOW = ""  # ISO 8601 time the crawl decides what is due at ("": the clock)
# a page fetched by any crawl of the site this recently (a killed run's, say: any outcome but
# feeds, sitemaps, robots.txt and listings) is not fetched again unless due or
# `--revisit all` (crawler/incremental.py); a duration, "0": off
CLEANWIRE_RECENT_FETCH_WINDOW = "1h"
CLEANWIRE_LOCK_STALE_AFTER = 600.0  # seconds without heartbeat before a crawl lock is stale
CLEANWIRE_LOCK_HEARTBEAT = 30.0  # seconds between heartbeats of a held crawl lock
CLEANWIRE_LOCKED_SITES = ""  # set by `cleanwire crawl`: sites whose lock this process holds
# a shared crawl (crawler/shared/): many workers, one request queue in Redis
CLEANWIRE_REDIS_URL = None  # e.g. redis://127.0.0.1:6379/0; None: a crawl of one process
CLEANWIRE_REDIS_PREFIX = "cleanwire"  # Redis key prefix (one crawl family per prefix)
CLEANWIRE_REDIS_WORK = True  # False: only seed the queue (start URLs, feeds, sitemaps)
CLEANWIRE_REDIS_IDLE = 30.0  # seconds with nothing queued or in flight before a worker stops
CLEANWIRE_REDIS_HEARTBEAT_TTL = 15.0  # a worker silent this long is dead: requeue its requests
CLEANWIRE_REDIS_POLL = 1.0  # seconds between an idle worker's looks at the queue
CLEANWIRE_REDIS_SOCKET_TIMEOUT = 10.0  # seconds one Redis call may take before it is retried
CLEANWIRE_REDIS_RETRY_FOR = 60.0  # seconds a failing Redis call is retried before giving up
CLEANWIRE_REDIS_CRAWL_TTL = 3600.0  # seconds without a pop or ack before a crawl's keys expire
CLEANWIRE_REDIS_CRAWL_ID = ""  # set per site by the seeder / worker (from the crawl spec)
CLEANWIRE_WORKER_ID = ""  # this process's name in a shared crawl ("": host-pid)

# Only public http(s) destinations: other schemes have no download handler, and
# SafeDestinationMiddleware (650: sees 3xx before RedirectMiddleware at 600 follows them)
# refuses other schemes and private addresses in requests and redirects. 429/503 wait for
# Retry-After (or back off exponentially) before retrying.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None,
                     # Scrapy's HTTP/1.1 handler with the response headers capped
                     "http": "crawler.download.HeaderCappedDownloadHandler",
                     "https": "crawler.download.HeaderCappedDownloadHandler"}
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robots.RobotsTxtMiddleware": 100,  # Scrapy's, with every waiter served
    # robots.txt for its rules: up to CLEANWIRE_ROBOTS_MAX_BYTES, inflated within them (above
    # HttpCompressionMiddleware's 590)
    "crawler.middlewares.robots_fetch.RobotsRulesFetch": 595,
    # page responses kept as received, for the WARC captures: after RedirectMiddleware (600)
    # has followed 3xx, before HttpCompressionMiddleware (590) inflates the body
    "crawler.capture.component.RawResponses": 592,
    "crawler.middlewares.destinations.SafeDestinationMiddleware": 650,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    # Scrapy's, skipped without "refresh"
    "crawler.middlewares.destinations.MetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
}
USER_AGENT = user_agent(CLEANWIRE_CONTACT_URL)

# A shared crawl: scrapy-redis's scheduler and dupefilter (nothing Redis-related is
# imported unless CLEANWIRE_REDIS_URL is set, here from the environment or by --redis).
SHARED_QUEUE_SETTINGS = {
    "SCHEDULER": "crawler.shared.scheduler.SharedScheduler",
    "SPIDER_MIDDLEWARES": {"crawler.shared.scheduler.InflightMiddleware": 10},
    "EXTENSIONS": {**EXTENSIONS, "crawler.shared.worker.WorkerLifecycle": 520},
}
