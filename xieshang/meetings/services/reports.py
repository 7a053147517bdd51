"""Reports: on a meeting (C2.13 inspections, C6.1/C4.8 recorded events) and the committees'
periodic work reports to the chairman's meeting (C4.10). Leaders' instructions on an
inspection report go through followups (meetings/instructions.py)."""

import calendar as pycal
import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access
from xieshang.core.audit import TransitionError, lock, record_event, save_versioned, transition
from xieshang.core.phrases import Phrase
from xieshang.orgs import config
from xieshang.orgs.models import Committee

from .. import rules
from ..models import CommitteeReport, Meeting
from .common import _require_manage

# --- Reports on meetings (C2.13 inspections, C6.1/C4.8 recorded events) ------------------


@transaction.atomic
def meeting_file_report(
    *, meeting: Meeting, actor, text: str, attendees_text: str | None = None
) -> Meeting:
    _require_manage(actor, meeting)
    if not text.strip():
        raise ValidationError(_("请填写报告内容。"))
    meeting.report = text.strip()
    meeting.report_filed_at = timezone.now()
    fields = ["report", "report_filed_at"]
    if attendees_text is not None:
        meeting.attendees_text = attendees_text.strip()[:300]
        fields.append("attendees_text")
    save_versioned(meeting, expected_version=meeting.version, fields=fields)
    record_event(
        actor=actor,
        verb="meeting.record" if meeting.is_record else "meeting.report",
        subject=meeting,
        note=text[:200],
    )
    return meeting


# --- Committee work reports (C4.10) -------------------------------------------------------


def _period_label(year: int, month: int) -> str:
    """The period a report covers, stored in the site's language whoever schedules: it is
    part of the report's identity (one per committee and period), so a schedule run from an
    English page must find the reports a Chinese one made."""
    with translation.override(settings.LANGUAGE_CODE):
        return _period_text(year, month)


def _period_text(year: int, month: int) -> str:
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
            note=Phrase(N_("%(y)d年 %(n)d 份"), y=year, n=created),
        )
    return created


def can_file(user, report: CommitteeReport) -> bool:
    if access.can(user, "meetings.manage", report.organisation):
        return True
    from .. import policies

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
