"""Abuse control for public submissions: fixed-window counters per address (IP) and per phone,
counted with `tthc.core.ratelimit` (shared by every web process through the cache).

A throttled sender gets `Throttled` (HTTP 429) with a Vietnamese message; nothing is stored for
that attempt and nothing already stored is touched. Only attempts that passed validation are
counted, so a typo does not use up the allowance.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from tthc.core.ratelimit import Throttled, client_ip, digest, hit

__all__ = ["Throttled", "check", "client_ip", "client_key"]

DEFAULT_LIMITS = {
    # (number of submissions, window in seconds)
    "ip": (10, 3600),
    "phone": (5, 24 * 3600),
}


def _limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **settings.TTHC_FEEDBACK_RATE_LIMITS}


def check(*, ip: str | None, phone: str | None) -> None:
    """Raise `Throttled` when this address or this phone sent too much recently."""
    limits = _limits()
    for kind, value in (("ip", ip or ""), ("phone", phone or "")):
        limit, window = limits[kind]
        allowed, wait = hit(f"feedback:{kind}", value, limit=limit, window=window)
        if not allowed:
            minutes = max(1, (wait + 59) // 60)
            who = _("địa chỉ mạng này") if kind == "ip" else _("số điện thoại này")
            raise Throttled(
                _(
                    "Bạn đã gửi quá nhiều phản ánh, kiến nghị từ %(who)s trong thời gian ngắn. "
                    "Vui lòng thử lại sau khoảng %(minutes)s phút hoặc gọi đường dây nóng. "
                    "Những phản ánh bạn đã gửi trước đó vẫn được giữ nguyên và đang được xử lý."
                )
                % {"who": who, "minutes": minutes},
                field="phone" if kind == "phone" else None,
            )


def client_key(request) -> str:
    """A hashed (address, browser) key: the second guard of the one-vote-per-visitor rule."""
    ua = request.META.get("HTTP_USER_AGENT", "")[:300]
    return digest(f"vote:{client_ip(request)}:{ua}")
