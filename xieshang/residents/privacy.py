"""Residents' phone numbers are deleted N days after their issue closed (PIPL: keep no
longer than needed)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.audit import record_event
from xieshang.orgs import config

from . import rules
from .models import ResidentIssue


def purge_phones(*, now: dt.datetime | None = None) -> int:
    """Delete residents' phone numbers N days (`residents.phone_keep_days`, per organisation)
    after their issue closed. Idempotent: a deleted number is an empty field."""
    now = now or timezone.now()
    candidates = (
        ResidentIssue.objects.filter(closed_at__isnull=False)
        .exclude(phone="")
        .select_related("organisation")
        .order_by("id")
    )
    keep_by_org: dict[int, int] = {}
    purged = 0
    for issue in candidates.iterator():
        days = keep_by_org.get(issue.organisation_id)
        if days is None:
            days = keep_by_org[issue.organisation_id] = int(
                config.get(issue.organisation, rules.PHONE_KEEP_DAYS)
            )
        if issue.closed_at > now - dt.timedelta(days=days):
            continue
        with transaction.atomic():
            changed = (
                ResidentIssue.objects.filter(pk=issue.pk)
                .exclude(phone="")
                .update(phone="", phone_deleted_at=now)
            )
            if changed:
                record_event(
                    actor=None,
                    verb="resident_issue.phone_delete",
                    subject=issue,
                    organisation=issue.organisation,
                    note=_("办结满%(n)s天，已删除群众联系电话。") % {"n": days},
                )
                purged += 1
    return purged
