"""Per-client rate limits of the public forms, correct behind the office's reverse proxy.

`client_ip(request)` is the address of the person, not of the proxy: with
`TRUSTED_PROXY_COUNT = n` (environment, default 0) the address n hops from the right of
X-Forwarded-For, which is the one the outermost trusted proxy saw; with 0 the header is
ignored, because without a proxy that overwrites it anyone can write any address there and
escape the limit. `allow(key, limit, window)` counts in the database, so every app server
and worker process shares one count.
"""

import datetime as dt
import hashlib
import ipaddress

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import RateHit


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
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


def _key(key: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:rate:{key}".encode()).hexdigest()


@transaction.atomic
def allow(key: str, limit: int, window: dt.timedelta | int) -> bool:
    """Count one request under `key` (e.g. "topic:" + client_ip) and say whether it is
    within `limit` requests per `window` (a timedelta or seconds). A refused request is not
    counted, so a client that waits gets through once the window moves on."""
    if isinstance(window, int | float):
        window = dt.timedelta(seconds=window)
    hashed = _key(key)
    since = timezone.now() - window
    RateHit.objects.filter(key=hashed, created_at__lt=since).delete()
    if RateHit.objects.filter(key=hashed, created_at__gte=since).count() >= limit:
        return False
    RateHit.objects.create(key=hashed)
    return True


def prune(older_than: dt.timedelta = dt.timedelta(days=2)) -> int:
    """Delete counts of keys nobody used lately (`allow` prunes only its own key)."""
    deleted, _ = RateHit.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
