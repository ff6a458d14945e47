"""Fixed-window rate limits for public submissions, kept in Django's cache so every web process
shares them (Redis through `CACHE_URL`; the default local-memory cache counts per process
only). Counting uses `add` + `incr`, both atomic in Redis and in the local-memory cache.

A throttled sender gets `Throttled` (HTTP 429) with a Vietnamese message; nothing is stored for
that attempt and nothing already stored is touched.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from tthc.core.clientip import client_ip
from tthc.core.errors import ApplicationError

__all__ = ["Throttled", "client_ip", "digest", "hit"]


class Throttled(ApplicationError):
    status = 429
    code = "throttled"


def digest(value: str) -> str:
    """A keyed hash, so cache keys and stored keys never hold an address or a phone number."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]


def hit(namespace: str, value: str, *, limit: int, window: int) -> tuple[bool, int]:
    """Count one attempt for `value` in `namespace`; (allowed, seconds until the window ends)."""
    if not value:
        return True, 0
    now = int(time.time())
    slot = now // window
    key = f"rate:{namespace}:{digest(value)}:{slot}"
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 60)
        count = 1
    return count <= limit, (slot + 1) * window - now
