"""Shared crawls in Redis: connecting, worker ids, and the crawl spec a seeder publishes.

The seeder (`cleanwire crawl --redis URL SITE`) writes each site's spec (its profile,
page and depth limits, a crawl id) and adds the site to the set of active crawls;
workers (`cleanwire worker`) read the specs to know which sites to work on and how.
The database URL is never written to Redis: each worker names its own (--db).
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from crawler.errors import WorkFailed
from crawler.profiles import SiteProfile
from crawler.shared.queue import SiteKeys


class SharedQueueError(WorkFailed):
    """Redis is unreachable or refuses us (one-line message, password hidden)."""


def redact_redis_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (
        f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def connect(url: str | None) -> Any:
    """A live Redis client for url, or SharedQueueError saying why not."""
    import redis

    if not url:
        raise SharedQueueError("no Redis URL (give --redis URL or set CLEANWIRE_REDIS_URL)")
    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30,
                                      retry_on_timeout=True, health_check_interval=30)
        server.ping()
    except (redis.RedisError, ValueError) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise SharedQueueError(f"Redis at {redact_redis_url(url)}: {first}") from exc
    return server


def default_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def worker_id(settings: Any) -> str:
    """This process's name in the shared crawl: CLEANWIRE_WORKER_ID or host-pid."""
    return settings.get("CLEANWIRE_WORKER_ID") or default_worker_id()


@dataclass(frozen=True)
class CrawlSpec:
    """What every worker needs to crawl a site the same way."""

    crawl_id: str
    profile: SiteProfile
    max_pages: int = 0
    max_depth: int = 0
    seeded_at: str = ""

    def to_json(self) -> str:
        return json.dumps({"crawl_id": self.crawl_id, "profile": asdict(self.profile),
                           "max_pages": self.max_pages, "max_depth": self.max_depth,
                           "seeded_at": self.seeded_at})

    @classmethod
    def from_json(cls, raw: bytes | str) -> CrawlSpec:
        data = json.loads(raw)
        body = data["profile"]
        profile = SiteProfile(**{k: tuple(v) if isinstance(v, list) else v
                                 for k, v in body.items()})
        return cls(data["crawl_id"], profile, int(data.get("max_pages") or 0),
                   int(data.get("max_depth") or 0), data.get("seeded_at", ""))


def publish(server: Any, prefix: str, profile: SiteProfile, max_pages: int = 0,
            max_depth: int = 0) -> CrawlSpec:
    """Announce a crawl of profile's site; joins the crawl already running, if one is."""
    keys = SiteKeys(prefix, profile.name)
    spec = CrawlSpec(uuid.uuid4().hex[:12], profile, max_pages or profile.max_pages,
                     max_depth or profile.max_depth, datetime.now(UTC).isoformat())
    server.set(keys.spec, spec.to_json(), nx=True)
    server.sadd(keys.sites, profile.name)
    return CrawlSpec.from_json(server.get(keys.spec))


def active_specs(server: Any, prefix: str) -> dict[str, CrawlSpec]:
    """The sites with a crawl in progress, by name."""
    specs: dict[str, CrawlSpec] = {}
    for raw_name in sorted(server.smembers(f"{prefix}:sites")):
        name = raw_name.decode() if isinstance(raw_name, bytes) else raw_name
        raw = server.get(SiteKeys(prefix, name).spec)
        if raw:
            specs[name] = CrawlSpec.from_json(raw)
    return specs
