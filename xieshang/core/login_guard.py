"""Password spraying: one address trying a few passwords at each of many accounts stays under
every account's lockout (django-axes locks per username, so that one person's typos do not
shut out an office behind one NAT address). This refuses an address once its failed logins
across all accounts in the cool-off reach `LOGIN_ADDRESS_FAILURE_LIMIT`, reading the failure
rows django-axes already keeps (one query per login attempt)."""

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from .audit import record_event
from .models import Event

VERB = "auth.address_blocked"


def cooloff() -> dt.timedelta:
    return dt.timedelta(hours=settings.AXES_COOLOFF_TIME)


def failures(address: str, *, now=None) -> int:
    since = (now or timezone.now()) - cooloff()
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


def blocked(address: str) -> bool:
    if not address:
        return False
    return failures(address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def record_block(address: str) -> None:
    """One audit event per address and cool-off, not one per refused attempt (an attacker
    would otherwise write the audit log for us)."""
    since = timezone.now() - cooloff()
    if Event.objects.filter(verb=VERB, note=address, created_at__gte=since).exists():
        return
    record_event(
        actor=None,
        verb=VERB,
        note=address,
        data={"address": address, "failures": failures(address)},
    )


# Set on a login request whose account was already locked before the attempt: the audit
# trail then records one refusal (core.signals), not another wrong password and lock.
LOCKED_BEFORE = "xs_account_locked_before"


def note_account_lock(request) -> None:
    """Before authenticating: was the account typed already locked out? (One query.) A
    locked account's attempt is refused by django-axes before the password is checked, so
    the record can say "refused: locked" and never whether the password was right."""
    from .services import locked_usernames

    username = str(request.POST.get("username", ""))[:150]
    setattr(request, LOCKED_BEFORE, bool(username) and username in locked_usernames([username]))


def locked_before(request) -> bool:
    return bool(getattr(request, LOCKED_BEFORE, False))
