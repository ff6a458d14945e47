"""The live store of visit counts: what the request path touches (never the database).

One interface, two backends:

* `RedisStore` (`TTHC_VISITS_REDIS_URL` set): exact across every web process. Per day a set of
  visitor hashes (de-duplication), a sorted set hash → last seen for "online now", and hashes of
  pending deltas (visitors and page views per day, views per path, searches per query) that
  `tthc.metrics.services.flush_visits` moves to the database. One round trip per counted request
  (a Lua script); every key has a time to live.
* `MemoryStore` (no Redis URL): the same in this process's memory, behind a lock. Counts are per
  process: right for the one-process embedded run (`make run`), wrong behind several workers.
  Because the worker process can't see this memory, the web process flushes its own deltas
  from a background thread every `TTHC_VISITS_MEMORY_FLUSH_INTERVAL` seconds.

Draining is two-phase so that a flush never loses nor double counts: `begin_drain` atomically
moves the pending deltas aside under a batch id (requests arriving meanwhile start new pending
deltas); the database applies the batch once (the batch id is recorded in the same
transaction); `finish_drain` drops the batch and bumps the generation number that keys the
cached database figures. A batch left by a crash is picked up again by the next flush.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.conf import settings

logger = logging.getLogger(__name__)

ONLINE_WINDOW = 300  # seconds: "Đang truy cập" = distinct visitors seen in the last 5 minutes
SALT_TTL = 2 * 24 * 3600
SEEN_TTL = 2 * 24 * 3600
PENDING_TTL = 7 * 24 * 3600  # deltas never flushed for a week are dropped
GENERATION_TTL = 30 * 24 * 3600
LOCK_TTL = 300
RETRY_AFTER = 30  # seconds without trying Redis after it failed


class StoreUnavailable(Exception):
    """The live store can't be reached (Redis down)."""


@dataclass
class Live:
    """What the footer needs from the live store."""

    online: int | None
    # Deltas not yet in the database (pending and being flushed): day → [visitors, page views].
    days: dict[date, list[int]] = field(default_factory=dict)
    generation: int = 0
    # When asked about a visitor: is this visitor already among today's / the online ones?
    visitor_seen_today: bool = True
    visitor_online: bool = True


@dataclass
class Batch:
    id: str
    days: dict[date, list[int]] = field(default_factory=dict)  # [visitors, page views]
    pages: dict[tuple[date, str], int] = field(default_factory=dict)
    searches: dict[tuple[date, str], list[int]] = field(default_factory=dict)  # [all, zero]

    def is_empty(self) -> bool:
        return not (self.days or self.pages or self.searches)


def day_key(day: date) -> str:
    return day.strftime("%Y%m%d")


def parse_day(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except (ValueError, IndexError):
        return None


def _add_day_field(days: dict[date, list[int]], name: str, value: int) -> None:
    kind, _, day_text = name.partition(":")
    day = parse_day(day_text)
    if day is None or kind not in ("v", "pv"):
        return
    days.setdefault(day, [0, 0])[0 if kind == "v" else 1] += int(value)


class VisitStore:
    """The interface both backends implement."""

    key: str = ""

    def salt(self, day: date) -> bytes:
        raise NotImplementedError

    def record_hit(self, *, day: date, visitor: str, now: float, path: str | None) -> bool:
        """Count one hit; True when the visitor is new today."""
        raise NotImplementedError

    def record_search(self, *, day: date, query: str, zero: bool) -> None:
        raise NotImplementedError

    def live(self, *, now: float, day: date | None = None, visitor: str | None = None) -> Live:
        """The figures not yet flushed; with `visitor`, also whether that visitor is already
        counted today and online (so a page can include its own visit)."""
        raise NotImplementedError

    @contextmanager
    def flush_lock(self) -> Iterator[bool]:
        raise NotImplementedError
        yield False

    def begin_drain(self) -> Batch | None:
        raise NotImplementedError

    def finish_drain(self, batch_id: str) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        """Forget everything (tests)."""
        raise NotImplementedError


# --------------------------------------------------------------------------- memory


class MemoryStore(VisitStore):
    def __init__(self) -> None:
        self.key = "memory"
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self._salts: dict[date, bytes] = {}
            self._seen: dict[date, set[str]] = {}
            self._online: dict[str, float] = {}
            self._pending = Batch(id="")
            self._draining: Batch | None = None
            self._generation = 0
            self._last_now = 0.0

    def salt(self, day: date) -> bytes:
        with self._lock:
            salt = self._salts.get(day)
            if salt is None:
                salt = self._salts[day] = secrets.token_bytes(32)
                for old in [d for d in self._salts if d < day - timedelta(days=1)]:
                    del self._salts[old]
            return salt

    def record_hit(self, *, day: date, visitor: str, now: float, path: str | None) -> bool:
        with self._lock:
            seen = self._seen.setdefault(day, set())
            new = visitor not in seen
            seen.add(visitor)
            if len(self._seen) > 2:
                for old in [d for d in self._seen if d < day - timedelta(days=1)]:
                    del self._seen[old]
            # Kept in order of last visit (moved to the end on each hit), so pruning stops at
            # the first visitor still inside the window: a footer read costs O(1) amortised,
            # not O(visitors online).
            self._online.pop(visitor, None)
            self._online[visitor] = max(now, self._last_now)
            self._last_now = self._online[visitor]
            self._prune_online(now)
            counts = self._pending.days.setdefault(day, [0, 0])
            counts[0] += int(new)
            counts[1] += 1
            if path:
                self._pending.pages[(day, path)] = self._pending.pages.get((day, path), 0) + 1
            return new

    def _prune_online(self, now: float) -> None:
        cutoff = now - ONLINE_WINDOW
        online = self._online
        while online:
            visitor, seen = next(iter(online.items()))
            if seen > cutoff:
                break
            del online[visitor]

    def record_search(self, *, day: date, query: str, zero: bool) -> None:
        with self._lock:
            counts = self._pending.searches.setdefault((day, query), [0, 0])
            counts[0] += 1
            counts[1] += int(zero)

    def live(self, *, now: float, day: date | None = None, visitor: str | None = None) -> Live:
        with self._lock:
            self._prune_online(now)
            days: dict[date, list[int]] = defaultdict(lambda: [0, 0])
            for batch in (self._pending, self._draining):
                if batch is None:
                    continue
                for day, (visitors, views) in batch.days.items():
                    days[day][0] += visitors
                    days[day][1] += views
            return Live(
                online=len(self._online),
                days=dict(days),
                generation=self._generation,
                visitor_seen_today=visitor is None or visitor in self._seen.get(day, ()),
                visitor_online=visitor is None or visitor in self._online,
            )

    @contextmanager
    def flush_lock(self) -> Iterator[bool]:
        acquired = self._flush_lock.acquire(blocking=False)
        try:
            yield acquired
        finally:
            if acquired:
                self._flush_lock.release()

    def begin_drain(self) -> Batch | None:
        with self._lock:
            if self._draining is None:
                if self._pending.is_empty():
                    return None
                self._draining, self._pending = self._pending, Batch(id="")
                self._draining.id = uuid.uuid4().hex
            return self._draining

    def finish_drain(self, batch_id: str) -> None:
        with self._lock:
            if self._draining is not None and self._draining.id == batch_id:
                self._draining = None
            self._generation += 1


# --------------------------------------------------------------------------- redis

_RECORD = """
local new = redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[2]) - tonumber(ARGV[6]))
redis.call('EXPIRE', KEYS[2], 2 * tonumber(ARGV[6]))
if new == 1 then redis.call('HINCRBY', KEYS[3], 'v:' .. ARGV[3], 1) end
redis.call('HINCRBY', KEYS[3], 'pv:' .. ARGV[3], 1)
redis.call('EXPIRE', KEYS[3], ARGV[7])
if ARGV[4] ~= '' then
  redis.call('HINCRBY', KEYS[4], ARGV[3] .. ':' .. ARGV[4], 1)
  redis.call('EXPIRE', KEYS[4], ARGV[7])
end
return new
"""

_SALT = """
local salt = redis.call('GET', KEYS[1])
if not salt then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  salt = ARGV[1]
end
return salt
"""

# KEYS: pending days, pages, searches; draining days, pages, searches; draining batch id.
_BEGIN_DRAIN = """
local existing = redis.call('GET', KEYS[7])
if existing then return existing end
local any = 0
for i = 1, 3 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('RENAME', KEYS[i], KEYS[i + 3])
    any = 1
  end
end
if any == 0 then return false end
redis.call('SET', KEYS[7], ARGV[1], 'EX', ARGV[2])
return ARGV[1]
"""

# KEYS: draining days, pages, searches, batch id, generation.
_FINISH_DRAIN = """
if redis.call('GET', KEYS[4]) == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
end
redis.call('INCR', KEYS[5])
redis.call('EXPIRE', KEYS[5], ARGV[2])
return 1
"""

_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisStore(VisitStore):
    def __init__(self, url: str, prefix: str = "tthc:visits:") -> None:
        import redis

        self.key = f"redis:{prefix}"
        self.prefix = prefix
        self.client = redis.Redis.from_url(
            url,
            socket_timeout=0.5,
            socket_connect_timeout=0.5,
            health_check_interval=30,
        )
        self._errors = (redis.RedisError, OSError)
        self._record = self.client.register_script(_RECORD)
        self._salt_script = self.client.register_script(_SALT)
        self._begin = self.client.register_script(_BEGIN_DRAIN)
        self._finish = self.client.register_script(_FINISH_DRAIN)
        self._unlock = self.client.register_script(_UNLOCK)
        self._salts: dict[date, bytes] = {}
        self._down_until = 0.0
        self._warned = False
        self._last_live: Live | None = None

    # keys
    def k(self, name: str) -> str:
        return f"{self.prefix}{name}"

    @property
    def _pending_keys(self) -> list[str]:
        return [self.k("pending:days"), self.k("pending:pages"), self.k("pending:search")]

    @property
    def _draining_keys(self) -> list[str]:
        return [self.k("draining:days"), self.k("draining:pages"), self.k("draining:search")]

    # failures: log once, then leave Redis alone for a while so pages don't wait on it
    def _call(self, fn, *args, **kwargs):
        if time.monotonic() < self._down_until:
            raise StoreUnavailable("Redis tạm thời không truy cập được")
        try:
            result = fn(*args, **kwargs)
        except self._errors as exc:
            self._down_until = time.monotonic() + RETRY_AFTER
            if not self._warned:
                self._warned = True
                logger.warning(
                    "Thống kê truy cập: không kết nối được Redis (%s); trang vẫn hiển thị, "
                    "số liệu trực tiếp tạm dừng.",
                    exc.__class__.__name__,
                )
            raise StoreUnavailable(str(exc)) from exc
        if self._warned:
            self._warned = False
            logger.warning("Thống kê truy cập: đã kết nối lại Redis.")
        return result

    def salt(self, day: date) -> bytes:
        salt = self._salts.get(day)
        if salt is None:
            value = self._call(
                self._salt_script,
                keys=[self.k(f"salt:{day_key(day)}")],
                args=[secrets.token_hex(32), SALT_TTL],
            )
            salt = value if isinstance(value, bytes) else str(value).encode()
            self._salts = {d: s for d, s in self._salts.items() if d >= day - timedelta(days=1)}
            self._salts[day] = salt
        return salt

    def record_hit(self, *, day: date, visitor: str, now: float, path: str | None) -> bool:
        new = self._call(
            self._record,
            keys=[
                self.k(f"seen:{day_key(day)}"),
                self.k("online"),
                self.k("pending:days"),
                self.k("pending:pages"),
            ],
            args=[visitor, now, day_key(day), path or "", SEEN_TTL, ONLINE_WINDOW, PENDING_TTL],
        )
        return bool(new)

    def record_search(self, *, day: date, query: str, zero: bool) -> None:
        def run():
            pipe = self.client.pipeline(transaction=True)
            key = self.k("pending:search")
            pipe.hincrby(key, f"s:{day_key(day)}:{query}", 1)
            if zero:
                pipe.hincrby(key, f"z:{day_key(day)}:{query}", 1)
            pipe.expire(key, PENDING_TTL)
            pipe.execute()

        self._call(run)

    def live(self, *, now: float, day: date | None = None, visitor: str | None = None) -> Live:
        def run():
            pipe = self.client.pipeline(transaction=False)
            pipe.zcount(self.k("online"), f"({now - ONLINE_WINDOW}", "+inf")
            pipe.hgetall(self.k("pending:days"))
            pipe.hgetall(self.k("draining:days"))
            pipe.get(self.k("generation"))
            if visitor is not None:  # in the same round trip
                pipe.sismember(self.k(f"seen:{day_key(day)}"), visitor)
                pipe.zscore(self.k("online"), visitor)
            return pipe.execute()

        try:
            online, pending, draining, generation, *presence = self._call(run)
        except StoreUnavailable:
            if self._last_live is not None:
                return self._last_live
            raise
        days: dict[date, list[int]] = {}
        for fields in (pending, draining):
            for name, value in fields.items():
                _add_day_field(days, name.decode(), int(value))
        live = Live(online=int(online), days=days, generation=int(generation or 0))
        self._last_live = live
        if presence:
            seen, last = presence
            online_now = last is not None and float(last) > now - ONLINE_WINDOW
            return replace(live, visitor_seen_today=bool(seen), visitor_online=online_now)
        return live

    @contextmanager
    def flush_lock(self) -> Iterator[bool]:
        token = uuid.uuid4().hex
        acquired = bool(
            self._call(self.client.set, self.k("flush-lock"), token, nx=True, ex=LOCK_TTL)
        )
        try:
            yield acquired
        finally:
            if acquired:
                with suppress(StoreUnavailable):  # else it expires by itself
                    self._call(self._unlock, keys=[self.k("flush-lock")], args=[token])

    def begin_drain(self) -> Batch | None:
        batch_id = self._call(
            self._begin,
            keys=[*self._pending_keys, *self._draining_keys, self.k("draining:batch")],
            args=[uuid.uuid4().hex, PENDING_TTL],
        )
        if not batch_id:
            return None

        def read():
            pipe = self.client.pipeline(transaction=True)
            for key in self._draining_keys:
                pipe.hgetall(key)
            return pipe.execute()

        days_raw, pages_raw, search_raw = self._call(read)
        batch = Batch(id=batch_id.decode() if isinstance(batch_id, bytes) else str(batch_id))
        for name, value in days_raw.items():
            _add_day_field(batch.days, name.decode(), int(value))
        for name, value in pages_raw.items():
            day_text, _, path = name.decode("utf-8", "replace").partition(":")
            day = parse_day(day_text)
            if day is not None and path:
                batch.pages[(day, path)] = batch.pages.get((day, path), 0) + int(value)
        for name, value in search_raw.items():
            kind, _, rest = name.decode("utf-8", "replace").partition(":")
            day_text, _, query = rest.partition(":")
            day = parse_day(day_text)
            if day is None or not query or kind not in ("s", "z"):
                continue
            counts = batch.searches.setdefault((day, query), [0, 0])
            counts[0 if kind == "s" else 1] += int(value)
        return batch

    def finish_drain(self, batch_id: str) -> None:
        self._call(
            self._finish,
            keys=[*self._draining_keys, self.k("draining:batch"), self.k("generation")],
            args=[batch_id, GENERATION_TTL],
        )

    def clear(self) -> None:
        keys = list(self.client.scan_iter(match=f"{self.prefix}*", count=1000))
        if keys:
            self.client.delete(*keys)
        self._salts = {}
        self._last_live = None


# --------------------------------------------------------------------------- the store in use

_store: VisitStore | None = None
_store_config: tuple | None = None
_store_lock = threading.Lock()


def _config() -> tuple:
    return (
        getattr(settings, "TTHC_VISITS_REDIS_URL", "") or "",
        getattr(settings, "TTHC_VISITS_REDIS_PREFIX", "tthc:visits:"),
    )


def get_store() -> VisitStore:
    """The store these settings ask for (one per process)."""
    global _store, _store_config
    config = _config()
    if _store is None or config != _store_config:
        with _store_lock:
            if _store is None or config != _store_config:
                url, prefix = config
                _store = RedisStore(url, prefix) if url else MemoryStore()
                _store_config = config
    return _store


def is_current(store: VisitStore) -> bool:
    """Whether `store` is still the process's store (not replaced by `get_store` or reset)."""
    return _store is store


def reset_store() -> None:
    """Forget the process's store object (tests; a new one is made on next use)."""
    global _store, _store_config
    with _store_lock:
        _store = None
        _store_config = None
