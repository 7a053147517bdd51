"""Password spraying: one address trying a few passwords at each of many accounts stays under
every account's lockout (django-axes locks per username, so that one person's typos do not
shut out an office behind one NAT address). This refuses an address once its failed logins
across all accounts in the cool-off reach `LOGIN_ADDRESS_FAILURE_LIMIT`, reading the failure
rows django-axes already keeps (one query per login attempt)."""

import datetime as dt
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from . import access
from .audit import record_event
from .models import Event
from .phrases import Phrase

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
    if failures(address) < settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return False  # the common case: one query
    return _pause(address) is not None


# --- Lifting a pause (the security administrator) ------------------------------------------
# The pause is not stored: it is read from django-axes' failure rows, one per account and
# address, each holding its failure count and its last attempt's time. Deleting or zeroing
# those rows would also unlock the accounts tried from the address, so a lift instead
# records (in its audit event) each row's count at that moment, and the guard then counts
# only the failures added since.
LIFT_VERB = "auth.address_unblocked"


@dataclass(frozen=True)
class Pause:
    address: str
    failures: int
    since: dt.datetime
    until: dt.datetime


def _last_lift(address: str) -> Event | None:
    return (
        Event.objects.filter(verb=LIFT_VERB, data__address=address)
        .order_by("-created_at", "-id")
        .first()
    )


def _pause(address: str, rows=None, *, now=None) -> Pause | None:
    """The address's pause now, counting only failures since its last lift, or None."""
    now = now or timezone.now()
    window = now - cooloff()
    if rows is None:
        rows = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=window)
        rows = list(rows.values("id", "failures_since_start", "attempt_time"))
    lift = _last_lift(address)
    counted = {}
    if lift is not None:
        counted = {int(k): v for k, v in (lift.data or {}).get("counted", {}).items()}
    added = []  # (last attempt, failures since the lift), newest first
    for row in sorted(rows, key=lambda r: r["attempt_time"], reverse=True):
        if lift is not None and row["attempt_time"] <= lift.created_at:
            continue
        n = row["failures_since_start"] - counted.get(row["id"], 0)
        if n > 0:
            added.append((row["attempt_time"], n))
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    total = 0
    for at, n in added:
        total += n
        if total >= limit:
            # Paused until this row leaves the cool-off window (older rows count no more).
            total = sum(n for _at, n in added)
            since = added[0][0]
            block = Event.objects.filter(verb=VERB, note=address, created_at__gte=window)
            if lift is not None:
                block = block.filter(created_at__gt=lift.created_at)
            first = block.order_by("created_at").values_list("created_at", flat=True).first()
            return Pause(address, total, first or since, at + cooloff())
    return None


def paused(*, now=None) -> list[Pause]:
    """The addresses paused now, newest first (two queries, plus two per candidate)."""
    now = now or timezone.now()
    rows = AccessAttempt.objects.filter(attempt_time__gte=now - cooloff()).exclude(
        ip_address__isnull=True
    )
    candidates = [
        row["ip_address"]
        for row in rows.values("ip_address").annotate(n=Sum("failures_since_start"))
        if row["n"] >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
    ]
    found = []
    for address in candidates:
        of_address = list(
            rows.filter(ip_address=address).values("id", "failures_since_start", "attempt_time")
        )
        pause = _pause(address, of_address, now=now)
        if pause is not None:
            found.append(pause)
    return sorted(found, key=lambda p: p.since, reverse=True)


def may_lift(user) -> bool:
    """三员分立: the security administrator, not the system administrator or the auditor."""
    return access.can(user, "security.manage")


@transaction.atomic
def lift(*, actor, address: str, reason: str) -> Pause:
    """Let the address try again now; audited with who, when and why (a reason required).
    The accounts locked from it stay locked (unlocked one by one on their pages)."""
    if not may_lift(actor):
        raise PermissionDenied
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ValidationError(_("请填写解除原因。"))
    rows = list(
        AccessAttempt.objects.select_for_update()
        .filter(ip_address=address, attempt_time__gte=timezone.now() - cooloff())
        .values("id", "failures_since_start", "attempt_time")
    )
    pause = _pause(address, rows)
    if pause is None:
        raise ValidationError(_("该地址当前未被暂停登录。"))
    record_event(
        actor=actor,
        verb=LIFT_VERB,
        note=Phrase(N_("%(address)s；原因：%(reason)s"), address=address, reason=reason),
        data={
            "address": address,
            "failures": pause.failures,
            "since": pause.since.isoformat(),
            "until": pause.until.isoformat(),
            "counted": {str(r["id"]): r["failures_since_start"] for r in rows},
        },
    )
    return pause


def record_block(address: str) -> None:
    """One audit event per address and cool-off, not one per refused attempt (an attacker
    would otherwise write the audit log for us); a pause again after a lift is recorded."""
    since = timezone.now() - cooloff()
    lift_ = _last_lift(address)
    if lift_ is not None and lift_.created_at > since:
        since = lift_.created_at
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
