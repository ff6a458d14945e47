"""Abuse control for public submissions: fixed-window counters per address (IP) and per phone,
kept in Django's cache so every web process shares them (Redis through `CACHE_URL`; the
default local-memory cache counts per process only). Counting uses `add` + `incr`, both atomic
in Redis and in the local-memory cache.

A throttled sender gets `Throttled` (HTTP 429) with a Vietnamese message; nothing is stored for
that attempt and nothing already stored is touched. Only attempts that passed validation are
counted, so a typo does not use up the allowance.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from tthc.core.errors import ApplicationError

DEFAULT_LIMITS = {
    # (number of submissions, window in seconds)
    "ip": (10, 3600),
    "phone": (5, 24 * 3600),
}


class Throttled(ApplicationError):
    status = 429
    code = "throttled"


def _limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "TTHC_FEEDBACK_RATE_LIMITS", {})}


def _digest(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]


def hit(kind: str, value: str) -> tuple[bool, int]:
    """Count one attempt for (`kind`, `value`); (allowed, seconds until the window ends)."""
    if not value:
        return True, 0
    limit, window = _limits()[kind]
    now = int(time.time())
    slot = now // window
    key = f"feedback:rate:{kind}:{_digest(value)}:{slot}"
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 60)
        count = 1
    return count <= limit, (slot + 1) * window - now


def check(*, ip: str | None, phone: str | None) -> None:
    """Raise `Throttled` when this address or this phone sent too much recently."""
    for kind, value in (("ip", ip or ""), ("phone", phone or "")):
        allowed, wait = hit(kind, value)
        if not allowed:
            minutes = max(1, (wait + 59) // 60)
            who = "địa chỉ mạng này" if kind == "ip" else "số điện thoại này"
            raise Throttled(
                f"Bạn đã gửi quá nhiều phản ánh, kiến nghị từ {who} trong thời gian ngắn. "
                f"Vui lòng thử lại sau khoảng {minutes} phút hoặc gọi đường dây nóng. "
                "Những phản ánh bạn đã gửi trước đó vẫn được giữ nguyên và đang được xử lý.",
                field="phone" if kind == "phone" else None,
            )


def client_ip(request) -> str:
    """The client's address; `X-Forwarded-For` is trusted only when settings say a proxy sets
    it (`TTHC_TRUST_X_FORWARDED_FOR`)."""
    if getattr(settings, "TTHC_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or ""


def client_key(request) -> str:
    """A hashed (address, browser) key: the second guard of the one-vote-per-visitor rule."""
    ua = request.META.get("HTTP_USER_AGENT", "")[:300]
    return _digest(f"vote:{client_ip(request)}:{ua}")
