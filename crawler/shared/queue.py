"""The shared request queue in Redis: key layout, a JSON request codec, and in-flight tracking.

One key family per site, under a prefix (CLEANWIRE_REDIS_PREFIX, "cleanwire"):

    {p}:sites                       set: sites with a crawl in progress
    {p}:site:{site}:spec            JSON: the crawl's profile and id (written by the seeder)
    {p}:site:{site}:requests        zset: the queue, scrapy-redis's PriorityQueue layout
    {p}:site:{site}:seen            set: URL-key fingerprints, the shared dupefilter
    {p}:site:{site}:pages           counter: page requests admitted (max_pages across workers)
    {p}:site:{site}:workers         set: workers that may hold in-flight requests of the site
    {p}:site:{site}:inflight:{id}   zset: requests worker {id} took and has not finished
    {p}:worker:{id}                 heartbeat: expires unless the live worker renews it

A worker pops a request by moving it from the queue into its own in-flight set in one
Lua script, and removes it from there (acks) once what it produced is stored. A worker
that dies (SIGKILL, a lost machine) stops renewing its heartbeat; the next worker to
look moves the dead worker's in-flight requests back into the queue, atomically, so
nothing popped is ever lost. The codec is JSON, not pickle: whoever can write to Redis
must not be able to run code in the workers.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from redis import RedisError
from scrapy_redis.queue import Base

_SKIP = object()
_T = TypeVar("_T")


class QueueUnavailable(RuntimeError):
    """Redis did not answer a queue operation (one line: what failed and why)."""


def _redis_call(method: Callable[..., _T]) -> Callable[..., _T]:
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> _T:
        try:
            return method(self, *args, **kwargs)
        except RedisError as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise QueueUnavailable(f"shared queue unreachable: {first}") from exc
    return call


# ---- keys -------------------------------------------------------------------------------

@dataclass(frozen=True)
class SiteKeys:
    """The Redis key names of one site's crawl."""

    prefix: str
    site: str

    def _key(self, name: str) -> str:
        return f"{self.prefix}:site:{self.site}:{name}"

    @property
    def sites(self) -> str:
        return f"{self.prefix}:sites"

    @property
    def spec(self) -> str:
        return self._key("spec")

    @property
    def requests(self) -> str:
        return self._key("requests")

    @property
    def seen(self) -> str:
        return self._key("seen")

    @property
    def pages(self) -> str:
        return self._key("pages")

    @property
    def workers(self) -> str:
        return self._key("workers")

    @property
    def inflight_prefix(self) -> str:
        return self._key("inflight:")

    def inflight(self, worker: str) -> str:
        return self.inflight_prefix + worker

    @property
    def heartbeat_prefix(self) -> str:
        return f"{self.prefix}:worker:"

    def heartbeat(self, worker: str) -> str:
        return self.heartbeat_prefix + worker


# ---- the request codec (scrapy-redis serializer interface: loads/dumps) -----------------

def _pack(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, bytes):
        return {"__b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, list | tuple):
        return [v for v in map(_pack, value) if v is not _SKIP]
    if isinstance(value, dict):
        pairs = [(_pack(k), _pack(v)) for k, v in value.items()]
        pairs = [(k, v) for k, v in pairs if k is not _SKIP and v is not _SKIP]
        if all(isinstance(k, str) and not k.startswith("__") for k, _ in pairs):
            return dict(pairs)
        return {"__d": [[k, v] for k, v in pairs]}
    return _SKIP  # an object in meta (rare): not worth failing the request for


def _unpack(value: Any) -> Any:
    if isinstance(value, list):
        return [_unpack(v) for v in value]
    if isinstance(value, dict):
        if "__b" in value:
            return base64.b64decode(value["__b"])
        if "__d" in value:
            return {_unpack(k): _unpack(v) for k, v in value["__d"]}
        return {k: _unpack(v) for k, v in value.items()}
    return value


def dumps(obj: dict[str, Any]) -> bytes:
    """A request dict (Request.to_dict) as compact JSON; bytes survive as base64."""
    return json.dumps(_pack(obj), separators=(",", ":"), sort_keys=True).encode()


def loads(data: bytes | str) -> dict[str, Any]:
    return _unpack(json.loads(data))


# ---- Lua: each step one atomic script --------------------------------------------------

# KEYS: queue, inflight, workers; ARGV: worker id
_POP = """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return false end
redis.call('ZREM', KEYS[1], item[1])
redis.call('ZADD', KEYS[2], item[2], item[1])
redis.call('SADD', KEYS[3], ARGV[1])
return item[1]
"""

# KEYS: queue, inflight, workers; ARGV: worker id
_REQUEUE_OWN = """
local n = redis.call('ZCARD', KEYS[2])
if n > 0 then
  redis.call('ZUNIONSTORE', KEYS[1], 2, KEYS[1], KEYS[2], 'AGGREGATE', 'MIN')
end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return n
"""

# KEYS: queue, workers; ARGV: inflight prefix, heartbeat prefix
_REAP = """
local moved = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[2] .. id) == 0 then
    local inflight = ARGV[1] .. id
    moved = moved + redis.call('ZCARD', inflight)
    redis.call('ZUNIONSTORE', KEYS[1], 2, KEYS[1], inflight, 'AGGREGATE', 'MIN')
    redis.call('DEL', inflight)
    redis.call('SREM', KEYS[2], id)
  end
end
return moved
"""

# KEYS: queue, workers; ARGV: inflight prefix
_PENDING = """
local n = redis.call('ZCARD', KEYS[1])
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  n = n + redis.call('ZCARD', ARGV[1] .. id)
end
return n
"""

# KEYS: queue, workers, seen, pages, spec, sites; ARGV: inflight prefix, site, crawl id
_FINISH = """
if redis.call('GET', KEYS[5]) ~= false then
  local spec = cjson.decode(redis.call('GET', KEYS[5]))
  if spec['crawl_id'] ~= ARGV[3] then return 0 end
end
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('ZCARD', ARGV[1] .. id) > 0 then return 0 end
end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call('SREM', KEYS[6], ARGV[2])
return 1
"""


class SharedQueue(Base):
    """scrapy-redis's priority queue (zset, score = -priority) with per-worker in-flight sets."""

    def __init__(self, server: Any, spider: Any, keys: SiteKeys, worker: str) -> None:
        super().__init__(server, spider, keys.requests, serializer=_Codec)
        self.keys = keys
        self.worker = worker
        self._pop = server.register_script(_POP)
        self._requeue_own = server.register_script(_REQUEUE_OWN)
        self._reap = server.register_script(_REAP)
        self._pending = server.register_script(_PENDING)
        self._finish = server.register_script(_FINISH)

    @_redis_call
    def __len__(self) -> int:
        return int(self.server.zcard(self.key))

    def push(self, request: Any) -> None:
        self.push_encoded(self._encode_request(request), request.priority)

    @_redis_call
    def push_encoded(self, data: bytes, priority: int) -> None:
        self.server.execute_command("ZADD", self.key, -priority, data)

    @_redis_call
    def pop(self, timeout: int = 0) -> tuple[Any, bytes] | None:  # type: ignore[override]
        """The next request and its in-flight token (the stored bytes), or None."""
        data = self._pop(keys=[self.key, self.keys.inflight(self.worker), self.keys.workers],
                         args=[self.worker])
        if not data:
            return None
        return self._decode_request(data), data

    @_redis_call
    def ack(self, tokens: list[bytes]) -> None:
        if tokens:
            self.server.zrem(self.keys.inflight(self.worker), *tokens)

    @_redis_call
    def requeue_own(self) -> int:
        """Everything this worker took and did not finish goes back to the queue."""
        return int(self._requeue_own(
            keys=[self.key, self.keys.inflight(self.worker), self.keys.workers],
            args=[self.worker]))

    @_redis_call
    def reap(self) -> int:
        """Requeue the in-flight requests of workers whose heartbeat has expired."""
        return int(self._reap(keys=[self.key, self.keys.workers],
                              args=[self.keys.inflight_prefix, self.keys.heartbeat_prefix]))

    @_redis_call
    def pending(self) -> int:
        """Requests queued or in flight anywhere: the crawl is over when this is 0."""
        return int(self._pending(keys=[self.key, self.keys.workers],
                                 args=[self.keys.inflight_prefix]))

    @_redis_call
    def finish(self, crawl_id: str) -> bool:
        """End the site's crawl (forget its seen URLs) if nothing is queued or in flight."""
        k = self.keys
        return bool(self._finish(
            keys=[self.key, k.workers, k.seen, k.pages, k.spec, k.sites],
            args=[k.inflight_prefix, k.site, crawl_id]))


class _Codec:
    loads = staticmethod(loads)
    dumps = staticmethod(dumps)
