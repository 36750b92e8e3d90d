"""Scrapy settings for cleanwire: polite, bounded, no listening ports.

Every CLEANWIRE_* setting can also come from the environment (see
crawler/config.py); the CLI overrides them from its flags.
"""

BOT_NAME = "cleanwire"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# A crawler must not open listening ports.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.remote_control.RemoteControl": None,
    "crawler.extensions.Progress": 500,
    "crawler.extensions.OneLineLogs": 10,
}

USER_AGENT = "cleanwire/0.1 (+https://github.com/cleanwire/cleanwire; news research crawler)"
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
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
    "crawler.pipelines.CleanPipeline": 300,
    "crawler.pipelines.StorePipeline": 800,
}

# cleanwire's own settings (defaults; environment CLEANWIRE_* and CLI flags override)
CLEANWIRE_DATABASE_URL = None  # None: CLEANWIRE_DATABASE_URL env, else sqlite:///cleanwire.db
CLEANWIRE_STORE = True
CLEANWIRE_CLEAN_WORKERS = 0  # 0: one per core
CLEANWIRE_CLEAN_TIMEOUT = 30.0  # seconds per page
CLEANWIRE_BATCH_SIZE = 100  # rows per write transaction
CLEANWIRE_BATCH_SECONDS = 2.0  # longest a stored row waits for its commit
CLEANWIRE_MAX_PAGES = 0  # 0: no limit (pages requested, discovery documents excluded)
CLEANWIRE_MAX_DEPTH = 0  # 0: no limit (link hops from a start page)
CLEANWIRE_LEARN_BOILERPLATE = True  # drop blocks that recur on many stored pages of a site
CLEANWIRE_BOILERPLATE_SAMPLE = 300  # latest articles of the site looked at
CLEANWIRE_BOILERPLATE_MIN_PAGES = 8  # a block must recur on at least this many of them...
CLEANWIRE_BOILERPLATE_MIN_SHARE = 0.3  # ...and on at least this share
CLEANWIRE_PROGRESS_INTERVAL = 5.0  # seconds between progress lines
CLEANWIRE_SITES = None  # path of sites.toml
CLEANWIRE_COMMAND = "scrapy crawl"
CLEANWIRE_ONE_LINE_LOGS = False  # the CLI turns this on unless -v

# CLEANWIRE_* environment variables win over the defaults above.
from crawler.config import environment_overrides  # noqa: E402

globals().update(environment_overrides(dict(globals())))
