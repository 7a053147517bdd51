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
from xieshang.core.audit import (
    StaleEdit,
    TransitionError,
    lock,
    record_event,
    save_versioned,
    transition,
)
from xieshang.core.notifications import notify, settle
from xieshang.core.phrases import Phrase
from xieshang.core.text import chinese_date
from xieshang.orgs import config
from xieshang.orgs.models import Committee, Role

from .. import rules
from ..models import CommitteeReport, Meeting, MeetingKind, report_period
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


# The Party committee's or government's office an inspection report is sent to (报送党委 /
# 报送政府, C4.7), by the field keeping the day it went.
REPORT_SENT_TO = {
    Role.PARTY_OFFICE: "report_to_party_on",
    Role.GOVERNMENT_OFFICE: "report_to_government_on",
}

SENT_NOTES = {
    Role.PARTY_OFFICE: N_("报送党委（%(day)s）"),
    Role.GOVERNMENT_OFFICE: N_("报送政府（%(day)s）"),
}


@transaction.atomic
def meeting_report_send(
    *,
    meeting: Meeting,
    actor,
    to: str,
    sent_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Meeting:
    """报送党委 / 报送政府: an inspection or research report is marked as sent to the Party
    committee (`to` = 党委办公室) or the government (政府办公室) of the meeting's node on
    `sent_on` (today by default; a report sent on paper earlier is marked with that day, not
    before the report was filed). That office finds it on 报送本机关, reads it and records its
    leaders' instructions on it; its clerks are told in the inbox. Once per office; audited
    (meeting.report_send). `expected_version`: the meeting's version the page showed (None:
    not checked)."""
    _require_manage(actor, meeting)
    locked = lock(Meeting, meeting.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(current_version=locked.version)
    field = REPORT_SENT_TO.get(to)
    if field is None:
        raise ValidationError(_("请选择报送党委或政府。"))
    if locked.kind != MeetingKind.INSPECTION:
        raise ValidationError(_("只有视察调研报告可以报送党委、政府。"))
    if not locked.report or locked.report_filed_at is None:
        raise ValidationError(_("调研报告提交后才能报送。"))
    where = Role(to).label
    already = getattr(locked, field)
    if already is not None:
        raise ValidationError(
            _("该报告已于%(date)s报送%(office)s。")
            % {"date": chinese_date(already), "office": where}
        )
    today = timezone.localdate()
    sent_on = sent_on or today
    if sent_on > today:
        raise ValidationError({"sent_on": _("报送日期不能晚于今天。")})
    filed = timezone.localdate(locked.report_filed_at)
    if sent_on < filed:
        raise ValidationError(
            {
                "sent_on": _("报送日期不能早于报告提交日期（%(date)s）。")
                % {"date": chinese_date(filed)}
            }
        )
    setattr(locked, field, sent_on)
    save_versioned(locked, expected_version=locked.version, fields=[field])
    setattr(meeting, field, sent_on)
    meeting.version = locked.version
    record_event(
        actor=actor,
        verb="meeting.report_send",
        subject=locked,
        note=Phrase(SENT_NOTES[to], day=sent_on),
        data={"to": to, "sent_on": sent_on.isoformat()},
    )
    notify(
        access.role_holders(locked.organisation_id, to),
        title=Phrase(N_("政协报送的视察调研报告：%(title)s"), title=locked.title),
        body=Phrase(N_("%(day)s报送。可在报送本机关的事项中记录领导批示。"), day=sent_on),
        url=locked.get_absolute_url(),
        # With the version: marked again after an undo, the office is told again.
        dedupe_key=f"meeting:{locked.pk}:report_send:{to}:{locked.version}",
        channels=("inbox",),
    )
    return meeting


UNSENT_NOTES = {
    Role.PARTY_OFFICE: N_("撤销报送党委标记（原报送日期%(day)s）：%(reason)s"),
    Role.GOVERNMENT_OFFICE: N_("撤销报送政府标记（原报送日期%(day)s）：%(reason)s"),
}


@transaction.atomic
def meeting_report_unsend(
    *, meeting: Meeting, actor, to: str, reason: str, expected_version: int | None = None
) -> Meeting:
    """撤销报送标记: a 报送党委 / 报送政府 mark set by mistake is taken back, by whoever may
    mark it (those who run the meeting), with a reason, audited (meeting.report_unsend), as
    long as that office has recorded no leader's instruction on the report: after one, the
    mark is the ground of a decision taken and stays. The office is told it was withdrawn;
    the report leaves its 报送本机关 list."""
    from django.contrib.contenttypes.models import ContentType

    from xieshang.followups.models import Instruction

    _require_manage(actor, meeting)
    locked = lock(Meeting, meeting.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(current_version=locked.version)
    field = REPORT_SENT_TO.get(to)
    if field is None:
        raise ValidationError(_("请选择报送党委或政府。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因。")})
    where = Role(to).label
    sent_on = getattr(locked, field)
    if sent_on is None:
        raise ValidationError(_("该报告未标记报送%(office)s。") % {"office": where})
    if Instruction.objects.filter(
        content_type=ContentType.objects.get_for_model(Meeting),
        object_id=locked.pk,
        recorded_as=to,
    ).exists():
        raise ValidationError(
            _("%(office)s已在本报告上记录领导批示，报送标记不能撤销。") % {"office": where}
        )
    setattr(locked, field, None)
    save_versioned(locked, expected_version=locked.version, fields=[field])
    setattr(meeting, field, None)
    meeting.version = locked.version
    record_event(
        actor=actor,
        verb="meeting.report_unsend",
        subject=locked,
        note=Phrase(UNSENT_NOTES[to], day=sent_on, reason=reason),
        data={"to": to, "sent_on": sent_on.isoformat(), "reason": reason},
    )
    settle(f"meeting:{locked.pk}:report_send:{to}:")  # the office's 报送 notice is moot
    notify(
        access.role_holders(locked.organisation_id, to),
        title=Phrase(N_("政协撤销了视察调研报告的报送标记：%(title)s"), title=locked.title),
        body=Phrase(N_("撤销原因：%(reason)s"), reason=reason),
        url=locked.get_absolute_url(),
        dedupe_key=f"meeting:{locked.pk}:report_unsend:{to}:{locked.version}",
        channels=("inbox",),
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
    return report_period(year, month)


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
