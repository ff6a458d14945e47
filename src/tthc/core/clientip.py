"""The client's address, the same way for rate limits and visitor counting.

`X-Forwarded-For` is read only when `TTHC_TRUSTED_PROXY_COUNT` says how many proxies of ours
stand in front: with N proxies the client is the N-th address from the right. Addresses further
left were written by the client and could be forged.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def trusted_proxy_count() -> int:
    try:
        return max(0, int(getattr(settings, "TTHC_TRUSTED_PROXY_COUNT", 0) or 0))
    except (TypeError, ValueError):
        return 0


def normalise_address(value: str) -> str:
    value = value.strip()[:100]
    candidate = value
    if candidate.startswith("[") and "]" in candidate:  # [v6]:port
        candidate = candidate[1 : candidate.index("]")]
    elif candidate.count(":") == 1:  # v4:port
        candidate = candidate.split(":", 1)[0]
    try:
        return ipaddress.ip_address(candidate).compressed
    except ValueError:
        return value.lower()


def client_ip(request) -> str:
    proxies = trusted_proxy_count()
    if proxies:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "") or "")[:4000]
        parts = [p.strip() for p in forwarded.split(",") if p.strip()]
        if parts:
            return normalise_address(parts[-proxies] if len(parts) >= proxies else parts[0])
    return normalise_address(str(request.META.get("REMOTE_ADDR", "") or ""))
