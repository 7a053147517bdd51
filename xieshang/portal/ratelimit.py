"""Per-client rate limits of the public forms, correct behind the office's reverse proxy.

`client_ip(request)` (from core.clientip) is the address of the person, not of the
proxy. `allow(key, limit, window)` counts in the database, so every app server and worker
process shares one count.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xieshang.core.clientip import client_ip

from .models import RateHit

__all__ = ["allow", "client_ip"]


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
