"""The crawl's one database wiring: the engine (migrated once) and the repository, and what
the spider, the cleaning service and the lock heartbeat need from them.

CrawlStore is a Scrapy extension built from_crawler (NotConfigured when the crawl stores
nothing); the others find it with crawler.get_extension(CrawlStore). The engine opens on
first use (migrating the schema once) and is disposed by StorePipeline once the run is
recorded (SQLite folds its write-ahead log into the file then), or when the engine stops.
No other crawl component opens an engine.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.incremental import Frontier, RevisitOptions, revisit_options
from storage.boilerplate import BoilerplateRule, learn_boilerplate
from storage.engine import absolute_database_url, open_engine, resolve_database_url
from storage.errors import StorageError
from storage.frontier import known_aliases, known_articles, recently_fetched
from storage.locks import heartbeat
from storage.repository import Repository

if TYPE_CHECKING:
    from sqlalchemy import Engine

logger = logging.getLogger(__name__)


class CrawlStore:
    """One crawl's engine and repository, opened on first use."""

    def __init__(self, database_url: str, near_dup_threshold: float,
                 revisits: RevisitOptions | None = None) -> None:
        self.database_url = database_url
        self.near_dup_threshold = near_dup_threshold
        self.revisits = revisits or RevisitOptions()
        self._engine: Engine | None = None
        self._repository: Repository | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlStore:
        settings = crawler.settings
        if not settings.getbool("CLEANWIRE_STORE"):
            raise NotConfigured("storing disabled (CLEANWIRE_STORE=False)")
        store = cls(absolute_database_url(resolve_database_url(
                        settings.get("CLEANWIRE_DATABASE_URL"))),
                    settings.getfloat("CLEANWIRE_NEAR_DUP_THRESHOLD"),
                    revisit_options(settings.get))
        crawler.signals.connect(store.release, signal=signals.engine_stopped)
        return store

    @classmethod
    def of(cls, crawler: Any) -> CrawlStore | None:
        """The crawl's store, or None when it stores nothing."""
        return crawler.get_extension(cls)

    @property
    def engine(self) -> Engine:
        """The crawl's engine: opened, and its schema migrated, on first use.
        Raises storage.errors.StorageError when the database cannot be used."""
        if self._engine is None:
            self._engine = open_engine(self.database_url)
        return self._engine

    @property
    def repository(self) -> Repository:
        if self._repository is None:
            self._repository = Repository(self.engine,
                                          near_dup_threshold=self.near_dup_threshold,
                                          revisits=self.revisits.policy)
        return self._repository

    def frontier(self, site: str, refresh_after: float,
                 hosts: Iterable[str] = ()) -> Frontier | None:
        """The stored articles of the site (its label or host) and of its profile's hosts,
        the pages fetched within the recent-fetch window, and the revisit policy
        (storage.frontier, the crawl's RevisitOptions); None, with a warning, when they
        cannot be read (the crawl goes on, fetching every page)."""
        now = self.revisits.clock()
        frontier = Frontier(refresh_after, now=now, mode=self.revisits.mode)
        try:
            for url, known in known_articles(self.engine, site, hosts):
                frontier.add(url, known)
            for alias, url in known_aliases(self.engine, site, hosts):
                frontier.add_alias(alias, url)
            if self.revisits.recent_window > 0:
                since = now - timedelta(seconds=self.revisits.recent_window)
                for url in recently_fetched(self.engine, site, since, hosts):
                    frontier.add_recent(url)
        except StorageError as exc:
            logger.warning("not incremental: %s", str(exc).splitlines()[0])
            return None
        return frontier

    def boilerplate(self, site: str, rule: BoilerplateRule) -> frozenset[str]:
        """The site's recurring blocks, learned from its stored articles."""
        return learn_boilerplate(self.engine, site, rule)

    def heartbeat(self, site: str) -> bool:
        """Refresh this process's crawl lock of site; False when another crawl took it."""
        return heartbeat(self.engine, site)

    def release(self) -> None:
        """Close the engine's connections (it reopens them if used again)."""
        if self._engine is not None:
            self._engine.dispose()
