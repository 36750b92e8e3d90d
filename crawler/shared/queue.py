"""The shared request queue in Redis: key layout, a JSON request codec, and in-flight tracking.

One key family per site, under a prefix (CLEANWIRE_REDIS_PREFIX, "cleanwire"):

    {p}:sites                       set: sites with a crawl in progress
    {p}:site:{site}:spec            JSON: the crawl's profile and id (written by the seeder)
    {p}:site:{site}:requests        zset: the queue, scrapy-redis's PriorityQueue layout
    {p}:site:{site}:seen            set: URL-key fingerprints, the shared dupefilter
    {p}:site:{site}:pages           counter: page requests admitted (max_pages across workers)
    {p}:site:{site}:workers         set: workers that may hold in-flight requests of the site
    {p}:site:{site}:inflight:{id}   zset: requests worker {id} took and has not finished
    {p}:site:{site}:pops:{id}       hash: pop id -> request, for what is in worker {id}'s set
    {p}:worker:{id}                 heartbeat: expires unless the live worker renews it

A worker pops a request by moving it from the queue into its own in-flight set in one
Lua script, and removes it from there (acks) once what it produced is stored. A worker
that dies (SIGKILL, a lost machine) stops renewing its heartbeat; the next worker to
look moves the dead worker's in-flight requests back into the queue, atomically, so
nothing popped is ever lost. The codec is JSON, not pickle: whoever can write to Redis
must not be able to run code in the workers.

Every script may run twice: a call that timed out (Redis paused, a slow network) is
retried by the client while the first attempt still waits in Redis's socket buffer. So
each is idempotent: a pop carries a pop id the worker made up, and the script records
pop id -> request, returning the same request when that id comes again (a second pop
would leave a request in flight that nobody fetches, keeping the crawl open for ever);
an ack names pop ids, which it forgets; a push adds to the seen-set and the queue in one
step. Pops, acks and pushes also renew the crawl's keys' time to live
(CLEANWIRE_REDIS_CRAWL_TTL), so a crawl nobody makes progress on expires.
"""

from __future__ import annotations

import base64
import functools
import json
import uuid
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
    def pops_prefix(self) -> str:
        return self._key("pops:")

    def pops(self, worker: str) -> str:
        return self.pops_prefix + worker

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


# ---- Lua: each step one atomic script, each safe to run twice ----------------------------

# renews the expiry of KEYS[first..last] (the crawl's keys) by ms milliseconds
_RENEW = """
local function renew(first, last, ms)
  for i = first, last do redis.call('PEXPIRE', KEYS[i], ms) end
end
"""

# KEYS: spec, queue, seen, pages, workers, inflight, pops; ARGV: worker, pop id, ttl ms
_POP = _RENEW + """
local again = redis.call('HGET', KEYS[7], ARGV[2])
if again then return again end
local item = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if #item == 0 then return false end
redis.call('ZREM', KEYS[2], item[1])
redis.call('ZADD', KEYS[6], item[2], item[1])
redis.call('HSET', KEYS[7], ARGV[2], item[1])
redis.call('SADD', KEYS[5], ARGV[1])
renew(1, 7, ARGV[3])
return item[1]
"""

# KEYS: spec, queue, seen, pages, workers, inflight, pops; ARGV: ttl ms, pop ids...
_ACK = _RENEW + """
local n = 0
for i = 2, #ARGV do
  local item = redis.call('HGET', KEYS[7], ARGV[i])
  if item then
    redis.call('HDEL', KEYS[7], ARGV[i])
    redis.call('ZREM', KEYS[6], item)
    n = n + 1
  end
end
renew(1, 7, ARGV[1])
return n
"""

# KEYS: spec, queue, seen, pages, workers; ARGV: ttl ms, request, score, fingerprint ("":
# not filtered), max pages (0: no cap) -> 1 queued, 0 seen before, -1 over the page budget
_PUSH = _RENEW + """
if ARGV[4] ~= '' and redis.call('SADD', KEYS[3], ARGV[4]) == 0 then return 0 end
if tonumber(ARGV[5]) > 0 and redis.call('INCR', KEYS[4]) > tonumber(ARGV[5]) then
  return -1
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
renew(1, 5, ARGV[1])
return 1
"""

# KEYS: queue, inflight, workers, pops; ARGV: worker id, pop ids to give back (none: all)
_REQUEUE_OWN = """
if #ARGV > 1 then
  local n = 0
  for i = 2, #ARGV do
    local item = redis.call('HGET', KEYS[4], ARGV[i])
    if item then
      local score = redis.call('ZSCORE', KEYS[2], item)
      if score then
        redis.call('ZADD', KEYS[1], score, item)
        redis.call('ZREM', KEYS[2], item)
        n = n + 1
      end
      redis.call('HDEL', KEYS[4], ARGV[i])
    end
  end
  return n
end
local n = redis.call('ZCARD', KEYS[2])
if n > 0 then
  redis.call('ZUNIONSTORE', KEYS[1], 2, KEYS[1], KEYS[2], 'AGGREGATE', 'MIN')
end
redis.call('DEL', KEYS[2], KEYS[4])
redis.call('SREM', KEYS[3], ARGV[1])
return n
"""

# requeues what the dead workers of one crawl held (KEYS[q]: queue, KEYS[w]: workers);
# skip: the caller, alive whatever its heartbeat says (it expired while Redis was paused)
_REAP_FN = """
local function reap(q, w, inflight_prefix, pops_prefix, heart_prefix, skip)
  local moved = 0
  for _, id in ipairs(redis.call('SMEMBERS', KEYS[w])) do
    if id ~= skip and redis.call('EXISTS', heart_prefix .. id) == 0 then
      local inflight = inflight_prefix .. id
      moved = moved + redis.call('ZCARD', inflight)
      redis.call('ZUNIONSTORE', KEYS[q], 2, KEYS[q], inflight, 'AGGREGATE', 'MIN')
      redis.call('DEL', inflight, pops_prefix .. id)
      redis.call('SREM', KEYS[w], id)
    end
  end
  return moved
end
"""

# KEYS: queue, workers; ARGV: inflight prefix, pops prefix, heartbeat prefix, caller
_REAP = _REAP_FN + """
return reap(1, 2, ARGV[1], ARGV[2], ARGV[3], ARGV[4])
"""

# KEYS: queue, workers; ARGV: inflight prefix
_PENDING = """
local n = redis.call('ZCARD', KEYS[1])
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  n = n + redis.call('ZCARD', ARGV[1] .. id)
end
return n
"""

# KEYS: queue, workers, seen, pages, spec, sites; ARGV: inflight prefix, site, crawl id,
# pops prefix
_FINISH = """
if redis.call('GET', KEYS[5]) ~= false then
  local spec = cjson.decode(redis.call('GET', KEYS[5]))
  if spec['crawl_id'] ~= ARGV[3] then return 0 end
end
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
local workers = redis.call('SMEMBERS', KEYS[2])
for _, id in ipairs(workers) do
  if redis.call('ZCARD', ARGV[1] .. id) > 0 then return 0 end
end
for _, id in ipairs(workers) do redis.call('DEL', ARGV[4] .. id) end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call('SREM', KEYS[6], ARGV[2])
return 1
"""

# KEYS: queue, workers, seen, pages, spec, sites; ARGV: spec, ttl ms, site, inflight prefix,
# pops prefix, heartbeat prefix -> the spec in force (the new one, or the running crawl's).
# A crawl with work left (queued, or in flight of a live worker) is joined; one that is
# finished but was never cleared (its last worker died first) is cleared and starts afresh.
_PUBLISH = _REAP_FN + """
local current = redis.call('GET', KEYS[5])
if current then
  reap(1, 2, ARGV[4], ARGV[5], ARGV[6], '')
  local n = redis.call('ZCARD', KEYS[1])
  for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    n = n + redis.call('ZCARD', ARGV[4] .. id)
  end
  if n > 0 then
    redis.call('SADD', KEYS[6], ARGV[3])
    return current
  end
  for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('DEL', ARGV[5] .. id) end
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
end
redis.call('SET', KEYS[5], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[6], ARGV[3])
return ARGV[1]
"""

# KEYS: sites, spec; ARGV: site -> the spec, or nil (and the site forgotten) once expired
_SPEC = """
local spec = redis.call('GET', KEYS[2])
if not spec then redis.call('SREM', KEYS[1], ARGV[1]) end
return spec
"""


class SharedQueue(Base):
    """scrapy-redis's priority queue (zset, score = -priority) with per-worker in-flight sets."""

    def __init__(self, server: Any, spider: Any, keys: SiteKeys, worker: str,
                 ttl: float = 3600.0) -> None:
        super().__init__(server, spider, keys.requests, serializer=_Codec)
        self.keys = keys
        self.worker = worker
        self.ttl_ms = max(1000, int(ttl * 1000))
        self._pop = server.register_script(_POP)
        self._ack = server.register_script(_ACK)
        self._push = server.register_script(_PUSH)
        self._requeue_own = server.register_script(_REQUEUE_OWN)
        self._reap = server.register_script(_REAP)
        self._pending = server.register_script(_PENDING)
        self._finish = server.register_script(_FINISH)

    def _crawl_keys(self) -> list[str]:
        k = self.keys
        return [k.spec, k.requests, k.seen, k.pages, k.workers]

    def _own_keys(self) -> list[str]:
        return [*self._crawl_keys(), self.keys.inflight(self.worker), self.keys.pops(self.worker)]

    @_redis_call
    def __len__(self) -> int:
        return int(self.server.zcard(self.key))

    def push(self, request: Any) -> None:
        self.add(self._encode_request(request), request.priority)

    @_redis_call
    def add(self, data: bytes, priority: int, fingerprint: str = "", max_pages: int = 0) -> int:
        """Queue a request unless its fingerprint was seen or the page budget is spent:
        1 queued, 0 seen before, -1 over budget. Run twice, it queues once (and says 0)."""
        return int(self._push(keys=self._crawl_keys(),
                              args=[self.ttl_ms, data, -priority, fingerprint, max_pages]))

    @_redis_call
    def pop(self, timeout: int = 0, pop_id: str | None = None  # type: ignore[override]
            ) -> tuple[Any, str] | None:
        """The next request and its in-flight token (the pop id), or None. Called again with
        the same pop id, it returns the same request (a retry after a lost reply)."""
        pop_id = pop_id or uuid.uuid4().hex
        data = self._pop(keys=self._own_keys(), args=[self.worker, pop_id, self.ttl_ms])
        if not data:
            return None
        return self._decode_request(data), pop_id

    @_redis_call
    def ack(self, tokens: list[str]) -> int:
        """Forget finished pops (by pop id); pops already forgotten are skipped."""
        if not tokens:
            return 0
        return int(self._ack(keys=self._own_keys(), args=[self.ttl_ms, *tokens]))

    @_redis_call
    def held(self) -> set[str]:
        """The pop ids this worker holds in flight, as Redis sees them."""
        return {t.decode() if isinstance(t, bytes) else t
                for t in self.server.hkeys(self.keys.pops(self.worker))}

    @_redis_call
    def requeue_own(self, tokens: list[str] | None = None) -> int:
        """Everything this worker took and did not finish goes back to the queue (only the
        pops named by tokens, when given)."""
        k = self.keys
        return int(self._requeue_own(
            keys=[self.key, k.inflight(self.worker), k.workers, k.pops(self.worker)],
            args=[self.worker, *(tokens or [])]))

    @_redis_call
    def reap(self) -> int:
        """Requeue the in-flight requests of workers whose heartbeat has expired."""
        k = self.keys
        return int(self._reap(keys=[self.key, k.workers],
                              args=[k.inflight_prefix, k.pops_prefix, k.heartbeat_prefix,
                                    self.worker]))

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
            args=[k.inflight_prefix, k.site, crawl_id, k.pops_prefix]))

    @_redis_call
    def renew(self) -> None:
        """Renew the crawl keys' time to live (a seeder, once its start requests are in)."""
        if self.server.exists(self.keys.spec):
            for key in self._crawl_keys():
                self.server.pexpire(key, self.ttl_ms)


def publish_spec(server: Any, keys: SiteKeys, spec: str, ttl: float) -> bytes:
    """Write a crawl spec unless a crawl with work left runs (_PUBLISH); the spec in force."""
    script = server.register_script(_PUBLISH)
    return script(keys=[keys.requests, keys.workers, keys.seen, keys.pages, keys.spec,
                        keys.sites],
                  args=[spec, max(1000, int(ttl * 1000)), keys.site, keys.inflight_prefix,
                        keys.pops_prefix, keys.heartbeat_prefix])


def read_spec(server: Any, keys: SiteKeys) -> bytes | None:
    """A site's crawl spec, or None (the site forgotten) once it has expired."""
    return server.register_script(_SPEC)(keys=[keys.sites, keys.spec], args=[keys.site])


class _Codec:
    loads = staticmethod(loads)
    dumps = staticmethod(dumps)
