"""Briefings to members (情况通报, C2.14) and the committees' periodic work reports to the
chairman's meeting (C4.10)."""

import calendar as pycal
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.audit import TransitionError, lock, record_event, transition
from xieshang.core.notifications import notify
from xieshang.members.models import Member, Membership
from xieshang.members.selectors import current_term
from xieshang.orgs import config
from xieshang.orgs.models import Committee

from . import rules
from .models import Briefing, BriefingReceipt, CommitteeReport

# --- Briefings --------------------------------------------------------------------------


@transaction.atomic
def briefing_create(*, organisation, actor, title: str, source: str, body: str) -> Briefing:
    if not access.can(actor, "meetings.manage", organisation):
        raise PermissionDenied
    if not title.strip() or not body.strip():
        raise ValidationError(_("请填写标题和内容。"))
    briefing = Briefing.objects.create(
        organisation=organisation,
        title=title.strip()[:200],
        source=source.strip()[:100],
        body=body.strip(),
        created_by=actor,
    )
    record_event(
        actor=actor,
        verb="briefing.publish",
        subject=briefing,
        to_state=briefing.status,
        note=_("起草"),
    )
    return briefing


@transaction.atomic
def briefing_publish(*, briefing: Briefing, actor) -> Briefing:
    """Publish to every active member of the current term: a receipt row each (the read
    receipts) and an inbox notice."""
    if not access.can(actor, "meetings.manage", briefing.organisation):
        raise PermissionDenied
    briefing = lock(Briefing, briefing.pk)
    term = current_term(briefing.organisation)
    members = (
        list(
            Member.objects.filter(
                memberships__term=term, memberships__status=Membership.Status.ACTIVE
            ).select_related("user")
        )
        if term
        else []
    )
    briefing.published_at = timezone.now()
    briefing.recipients_count = len(members)
    transition(
        briefing,
        to=Briefing.Status.PUBLISHED,
        allowed_from=[Briefing.Status.DRAFT],
        actor=actor,
        verb="briefing.publish",
        extra_fields=["published_at", "recipients_count"],
    )
    BriefingReceipt.objects.bulk_create(
        [BriefingReceipt(briefing=briefing, member=m) for m in members], ignore_conflicts=True
    )
    notify(
        [m.user for m in members if m.user_id],
        title=_("情况通报：%(t)s") % {"t": briefing.title},
        body=briefing.source,
        url=reverse("meetings:briefing", args=[briefing.pk]),
        dedupe_key=f"briefing:{briefing.pk}",
    )
    return briefing


def briefing_read(*, briefing: Briefing, member) -> bool:
    """Mark the member's copy read (first read only); True when this call marked it."""
    if member is None:
        return False
    return bool(
        BriefingReceipt.objects.filter(
            briefing=briefing, member=member, read_at__isnull=True
        ).update(read_at=timezone.now())
    )


# --- Committee work reports (C4.10) -------------------------------------------------------


def _period_label(year: int, month: int) -> str:
    if month == 12:
        return _("%(y)d年下半年") % {"y": year}
    if month == 6:
        return _("%(y)d年上半年") % {"y": year}
    return _("%(y)d年截至%(m)d月") % {"y": year, "m": month}


@transaction.atomic
def committee_reports_schedule(*, organisation, year: int, actor=None) -> int:
    """Create this year's due reports of every special committee, one per configured month
    (idempotent: an existing report for a committee and period is kept)."""
    if actor is not None and not access.can(actor, "meetings.manage", organisation):
        raise PermissionDenied
    months = config.get(organisation, rules.COMMITTEE_REPORT_MONTHS)
    rows = []
    for committee in Committee.objects.filter(organisation=organisation):
        for month in sorted({int(m) for m in months if 1 <= int(m) <= 12}):
            last = pycal.monthrange(year, month)[1]
            rows.append(
                CommitteeReport(
                    organisation=organisation,
                    committee=committee,
                    period=_period_label(year, month),
                    due_date=dt.date(year, month, last),
                )
            )
    before = CommitteeReport.objects.filter(organisation=organisation).count()
    CommitteeReport.objects.bulk_create(rows, ignore_conflicts=True)
    created = CommitteeReport.objects.filter(organisation=organisation).count() - before
    if created:
        record_event(
            actor=actor,
            verb="committee_report.schedule",
            organisation=organisation,
            note=_("%(y)d年 %(n)d 份") % {"y": year, "n": created},
        )
    return created


def can_file(user, report: CommitteeReport) -> bool:
    if access.can(user, "meetings.manage", report.organisation):
        return True
    from . import policies

    return report.committee_id in policies.committee_ids(user)


@transaction.atomic
def committee_report_file(*, report: CommitteeReport, actor, content: str, meeting=None):
    if not can_file(actor, report):
        raise PermissionDenied
    if not content.strip():
        raise ValidationError(_("请填写工作报告内容。"))
    if meeting is not None and meeting.organisation_id != report.organisation_id:
        raise ValidationError(_("所选主席会议不属于本组织。"))
    report = lock(CommitteeReport, report.pk)
    if report.status == CommitteeReport.Status.FILED:
        raise TransitionError(_("该报告已报送。"))
    report.content, report.filed_at, report.filed_by, report.meeting = (
        content.strip(),
        timezone.now(),
        actor,
        meeting,
    )
    transition(
        report,
        to=CommitteeReport.Status.FILED,
        allowed_from=[CommitteeReport.Status.DUE],
        actor=actor,
        verb="committee_report.file",
        extra_fields=["content", "filed_at", "filed_by", "meeting"],
    )
    return report
