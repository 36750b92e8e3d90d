"""Shared crawls in Redis: connecting, worker ids, and the crawl spec a seeder publishes.

The seeder (`cleanwire crawl --redis URL SITE`) writes each site's spec (its profile,
page and depth limits, a crawl id) and adds the site to the set of active crawls;
workers (`cleanwire worker`) read the specs to know which sites to work on and how.
The database URL is never written to Redis: each worker names its own (--db).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from crawler.config import setting
from crawler.errors import WorkFailed
from crawler.profiles import SiteProfile
from crawler.shared.queue import SiteKeys, publish_spec, read_spec

logger = logging.getLogger(__name__)
_T = TypeVar("_T")


class SharedQueueError(WorkFailed):
    """Redis is unreachable or refuses us (one-line message, password hidden)."""


def redact_redis_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (
        f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class PatientRetry:
    """redis-py's retry policy, bounded by time instead of a count: a call that times out or
    cannot connect is tried again (backing off up to 2 s) until `retry_for` seconds have
    passed (safe because every queue script is idempotent). Once a call has given up, the
    next ones fail at once until one succeeds, so a worker whose Redis is gone stops soon."""

    def __init__(self, retry_for: float) -> None:
        import redis

        self.retry_for = max(0.0, retry_for)
        self.given_up = False
        self._errors: tuple[type[Exception], ...] = (
            redis.ConnectionError, redis.TimeoutError, socket.timeout)

    def __deepcopy__(self, memo: dict[int, Any]) -> PatientRetry:
        return self  # one policy (and one given_up) for all the client's connections

    def get_retries(self) -> int:
        return -1

    def update_supported_errors(self, errors: Any) -> None:
        self._errors = tuple({*self._errors, *errors})

    def call_with_retry(self, do: Callable[[], _T], fail: Callable[..., Any],
                        is_retryable: Any = None, with_failure_count: bool = False) -> _T:
        deadline = time.monotonic() + self.retry_for
        failures = 0
        while True:
            try:
                result = do()
            except self._errors as error:
                failures += 1
                if with_failure_count:
                    fail(error, failures)
                else:
                    fail(error)
                if self.given_up or time.monotonic() >= deadline:
                    self.given_up = True
                    raise
                if failures == 1:
                    first = (str(error).splitlines() or [type(error).__name__])[0]
                    logger.warning("Redis did not answer (%s); retrying for up to %.0f s",
                                   first, self.retry_for)
                time.sleep(min(2.0, 0.05 * 2 ** failures, max(0.0, deadline - time.monotonic())))
            else:
                self.given_up = False
                return result


def connect(url: str | None, settings: Any = None) -> Any:
    """A live Redis client for url, or SharedQueueError saying why not. Calls time out after
    CLEANWIRE_REDIS_SOCKET_TIMEOUT and are retried for CLEANWIRE_REDIS_RETRY_FOR seconds."""
    import redis

    def get(name: str) -> float:
        return float(settings.getfloat(name) if settings is not None else setting(name))

    if not url:
        raise SharedQueueError("no Redis URL (give --redis URL or set CLEANWIRE_REDIS_URL)")
    timeout = get("CLEANWIRE_REDIS_SOCKET_TIMEOUT")
    retry = PatientRetry(get("CLEANWIRE_REDIS_RETRY_FOR"))
    retry.given_up = True  # the first call, here, fails at once: say so in one line
    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=min(5.0, timeout),
                                      socket_timeout=timeout, health_check_interval=30,
                                      retry=retry)
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
            max_depth: int = 0, ttl: float | None = None) -> CrawlSpec:
    """Announce a crawl of profile's site: joins the crawl already running if it has work left,
    else starts afresh (its keys expire after `ttl` seconds without a pop or an ack)."""
    keys = SiteKeys(prefix, profile.name)
    spec = CrawlSpec(uuid.uuid4().hex[:12], profile, max_pages or profile.max_pages,
                     max_depth or profile.max_depth, datetime.now(UTC).isoformat())
    ttl = float(setting("CLEANWIRE_REDIS_CRAWL_TTL")) if ttl is None else ttl
    return CrawlSpec.from_json(publish_spec(server, keys, spec.to_json(), ttl))


def active_specs(server: Any, prefix: str) -> dict[str, CrawlSpec]:
    """The sites with a crawl in progress, by name (expired crawls are forgotten)."""
    specs: dict[str, CrawlSpec] = {}
    for raw_name in sorted(server.smembers(f"{prefix}:sites")):
        name = raw_name.decode() if isinstance(raw_name, bytes) else raw_name
        raw = read_spec(server, SiteKeys(prefix, name))
        if raw:
            specs[name] = CrawlSpec.from_json(raw)
    return specs
