"""The address of the person making a request, correct behind the office's reverse proxy.

With `TRUSTED_PROXY_COUNT = n` (environment, default 0) it is the address n hops from the
right of X-Forwarded-For, the one the outermost trusted proxy saw; with 0 the header is
ignored, because without a proxy that overwrites it anyone can write any address there.
Rate limits, the audit trail and the health endpoint's allow-list all use this one rule.
"""

import ipaddress

from django.conf import settings


def trusted_proxies() -> int:
    return int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = trusted_proxies()
    if trusted <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    # Each trusted proxy appends the address it received from; the rightmost `trusted`
    # entries are theirs, everything further left was written by the client and may be
    # forged. Too few entries: the request did not pass all proxies, keep REMOTE_ADDR.
    if len(hops) < trusted:
        return remote
    candidate = hops[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
