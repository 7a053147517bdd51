"""Residents' phone numbers are deleted N days after their issue closed (PIPL: keep no
longer than needed)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from xieshang.core.phrases import Phrase
from xieshang.core.retention import Expiry, delete_expired, rule_reader

from . import rules
from .models import ResidentIssue


def purge_phones(*, now: dt.datetime | None = None) -> int:
    """Delete residents' phone numbers N days (`residents.phone_keep_days`, per organisation)
    after their issue closed. Idempotent: a deleted number is an empty field."""
    keep_days = rule_reader(rules.PHONE_KEEP_DAYS)

    def expiry(issue: ResidentIssue) -> Expiry:
        days = int(keep_days(issue.organisation))
        return Expiry(
            at=issue.closed_at + dt.timedelta(days=days),
            note=Phrase(N_("办结满%(n)s天，已删除群众联系电话。"), n=days),
        )

    candidates = (
        ResidentIssue.objects.filter(closed_at__isnull=False)
        .exclude(phone="")
        .select_related("organisation")
        .order_by("id")
    )
    return delete_expired(
        candidates.iterator(),
        field="phone",
        deleted_at_field="phone_deleted_at",
        verb="resident_issue.phone_delete",
        expiry=expiry,
        now=now or timezone.now(),
    )
