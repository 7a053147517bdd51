"""Per-client rate limits of the public forms, correct behind the office's reverse proxy.

`client_ip(request)` (from core.clientip) is the address of the person, not of the
proxy. `allow(key, limit, window)` counts in the database, so every app server and worker
process shares one count. `over` and `hit` split it, for limits that count only some
requests (a ticket lookup's wrong codes: `tickets.find_limited`).
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xieshang.core.clientip import client_ip

from .models import RateHit

__all__ = ["allow", "client_ip", "hit", "over"]


def _key(key: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:rate:{key}".encode()).hexdigest()


def _window(window: dt.timedelta | int) -> dt.timedelta:
    return dt.timedelta(seconds=window) if isinstance(window, int | float) else window


@transaction.atomic
def allow(key: str, limit: int, window: dt.timedelta | int) -> bool:
    """Count one request under `key` (e.g. "topic:" + client_ip) and say whether it is
    within `limit` requests per `window` (a timedelta or seconds). A refused request is not
    counted, so a client that waits gets through once the window moves on."""
    if over(key, limit, window):
        return False
    hit(key)
    return True


def over(key: str, limit: int, window: dt.timedelta | int) -> bool:
    """Whether `key` already has `limit` counts in the last `window`; counts nothing."""
    hashed = _key(key)
    since = timezone.now() - _window(window)
    RateHit.objects.filter(key=hashed, created_at__lt=since).delete()
    return RateHit.objects.filter(key=hashed, created_at__gte=since).count() >= limit


def hit(key: str) -> None:
    """Count one request under `key`, whatever the limit."""
    RateHit.objects.create(key=_key(key))


def prune(older_than: dt.timedelta = dt.timedelta(days=2)) -> int:
    """Delete counts of keys nobody used lately (`allow` prunes only its own key)."""
    deleted, _ = RateHit.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
