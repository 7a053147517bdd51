"""JSON API tokens: issued by their owner on 接口令牌, valid for a chosen number of days,
revoked by the owner or by a security administrator of the owner's organisation (a lost
laptop, a leaver), and held to a request budget per minute.

The API authenticates with `authenticate(raw)`; the pages and commands call `issue` and
`revoke`, which check the actor and write the audit trail in the same transaction.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from . import access
from .audit import record_event
from .models import ApiToken
from .notifications import notify
from .phrases import Phrase
from .services import Refused

# The choices offered on the page (with the deployment's default); a year at most, so a
# forgotten token does not live on.
VALIDITY_DAYS = (30, 90, 180, 365)
# A person with more live tokens than this is keeping tokens nobody uses.
MAX_ACTIVE = 10
WINDOW = dt.timedelta(minutes=1)
REMIND_BEFORE = dt.timedelta(days=7)


def validity_days() -> list[int]:
    return sorted({*VALIDITY_DAYS, min(settings.API_TOKEN_DAYS, 365)})


def may_use(user) -> bool:
    """Who may hold API tokens: staff and administrators (`access.is_staff_user`, every role
    but 政协委员), who connect office systems to the platform. A member works in the web
    pages, phone included; no member app calls the API (docs/decisions.md)."""
    return access.is_staff_user(user)


def active(queryset=None):
    qs = ApiToken.objects.all() if queryset is None else queryset
    return qs.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


@transaction.atomic
def issue(*, actor, name: str, days: int) -> tuple[ApiToken, str]:
    """A token for the actor's own use. The clear text is returned once and never stored."""
    if not may_use(actor):
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise Refused(_("请填写令牌名称，例如“统计报表同步”。"))
    if days not in validity_days():
        raise Refused(_("请从列表中选择有效期。"))
    if active(ApiToken.objects.filter(user=actor)).count() >= MAX_ACTIVE:
        raise Refused(_("您已有 %(n)s 个有效令牌，请先撤销不再使用的令牌。") % {"n": MAX_ACTIVE})
    token, raw = ApiToken.issue(user=actor, name=name[:100], days=days)
    record_event(
        actor=actor,
        verb="api_token.issue",
        subject=token,
        organisation=access.home_organisation(actor),
        to_state="active",
        data={
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, raw


def may_revoke(actor, token: ApiToken) -> bool:
    if token.user_id == actor.pk:
        return True
    return (
        access.can(actor, "security.manage")
        and access.scoped_users(actor).filter(pk=token.user_id).exists()
    )


@transaction.atomic
def revoke(*, actor, token: ApiToken, reason: str = "") -> ApiToken:
    if not may_revoke(actor, token):
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = token.state
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(
        actor=actor,
        verb="api_token.revoke",
        subject=token,
        organisation=access.home_organisation(token.user),
        from_state=before,
        to_state="revoked",
        note=reason,
        data={"name": token.name, "prefix": token.prefix, "owner": token.user_id},
    )
    if token.user_id != actor.pk:
        notify(
            [token.user],
            title=Phrase(N_("您的接口令牌“%(name)s”已被安全管理员撤销"), name=token.name),
            body=reason,
            url=reverse("api_tokens"),
        )
    return token


@dataclass(frozen=True)
class Verdict:
    """What the API learns from a presented token: whose it is, or why it is refused."""

    user: object = None
    expired: bool = False
    retry_after: int = 0  # seconds, when over the budget
    refused: bool = False  # the owner may no longer hold API tokens (`may_use`)


def authenticate(raw: str, *, now=None) -> Verdict:
    """Find the live token and count this request against its budget. One SELECT and one
    UPDATE; the UPDATE that counts also stamps last_used_at. A token whose owner may no
    longer hold one (`may_use`) is refused before that: it is not marked as used and spends
    no budget, so the token list does not show a refused token as in use."""
    now = now or timezone.now()
    found = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=ApiToken.hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None:
        return Verdict()
    if found.expires_at <= now:
        return Verdict(expired=True)
    if not may_use(found.user):
        return Verdict(user=found.user, refused=True)
    rows = ApiToken.objects.filter(pk=found.pk)
    started = found.window_started_at
    if started is not None and now - started < WINDOW:
        if found.window_hits >= settings.API_RATE_PER_MINUTE:
            wait = (started + WINDOW - now).total_seconds()
            return Verdict(user=found.user, retry_after=max(1, math.ceil(wait)))
        rows.update(last_used_at=now, window_hits=F("window_hits") + 1)
    else:
        rows.update(last_used_at=now, window_started_at=now, window_hits=1)
    return Verdict(user=found.user)


def remind_expiring(*, now=None) -> int:
    """Tell each owner once, a week ahead, that a token in use is about to expire (an
    integration that stops on a Monday morning is worse than a renewal done in time)."""
    now = now or timezone.now()
    due = list(
        active(ApiToken.objects.select_related("user"))
        .filter(expires_at__lte=now + REMIND_BEFORE, expiry_notified_at__isnull=True)
        .order_by("pk")
    )
    for token in due:
        with transaction.atomic():
            notify(
                [token.user],
                # The moment as a parameter: its day in the reader's convention, and the
                # hour (the row keeps 2026年12月12日 09:00, the site's way).
                title=Phrase(
                    N_("接口令牌“%(name)s”将于%(when)s到期"),
                    name=token.name,
                    when=token.expires_at,
                ),
                body=Phrase(N_("到期后使用该令牌的程序将无法访问接口，请及时申请新令牌并替换。")),
                url=reverse("api_tokens"),
                dedupe_key=f"api_token_expiry:{token.pk}",
            )
            ApiToken.objects.filter(pk=token.pk).update(expiry_notified_at=now)
    return len(due)
