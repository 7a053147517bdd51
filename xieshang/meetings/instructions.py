"""Leaders' instructions (批示, C4.7) on an inspection or research report, through the one
mechanism of followups (found there by autodiscovery): once the report is filed, the
meeting's office records them, and so does the Party committee's or government's office
the report was sent to (报送党委 / 报送政府, found on its 报送本机关 list); each named unit
gets a follow-up task. The members who
took part (the inspection team) read the units' answers on the meeting's page and are told
when one comes in, as a 社情民意 item's authors are."""

from django.core.exceptions import ValidationError
from django.db.models import Case, DateField, F, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from xieshang.core import access
from xieshang.core.notifications import notify
from xieshang.core.phrases import Phrase
from xieshang.core.text import reader_date
from xieshang.followups import instructions, subjects

from . import policies
from .models import Attendance, Invitation, Meeting, MeetingKind, Speech
from .services.reports import REPORT_SENT_TO

TOOK_PART = (Invitation.Outcome.PRESENT, Invitation.Outcome.LATE)


def _team(meeting: Meeting):
    """The members who took part (present or late): one query."""
    return meeting.invitations.filter(
        category=Invitation.Category.MEMBER, outcome__in=TOOK_PART, member__user__isnull=False
    )


def in_team(user, meeting: Meeting) -> bool:
    return bool(getattr(user, "pk", None)) and _team(meeting).filter(member__user=user).exists()


def answered(instruction, task, feedback, actor) -> None:
    meeting = instruction.item
    users = [i.member.user for i in _team(meeting).select_related("member__user")]
    notify(
        users,
        title=Phrase(
            N_("领导批示落实情况：%(unit)s已就“%(title)s”书面反馈"),
            unit=task.assignee_phrase,
            title=meeting.title,
        ),
        body=feedback.text[:500],
        url=meeting.get_absolute_url(),
        dedupe_key=f"instr:{instruction.pk}:answer:{feedback.pk}",
        channels=("inbox",),
    )


def can_record(user, meeting: Meeting) -> bool:
    """The meeting's office, and the Party committee's or government's office the report was
    sent to (报送党委 / 报送政府), which records its own leaders' instructions on it."""
    if meeting.kind != MeetingKind.INSPECTION:
        return False
    return policies.can_manage(user, meeting) or bool(policies.report_sent_to(user, meeting))


def received(user):
    """报送本机关 · 待批示: the inspection reports sent to the Party committee's or the
    government's office `user` is, at its own node."""
    q = Q(pk__in=[])
    for ra in access.assignments(user):
        field = REPORT_SENT_TO.get(ra.role)
        if field:
            q |= Q(organisation_id=ra.organisation_id, **{f"{field}__isnull": False})
    return Meeting.objects.filter(q, kind=MeetingKind.INSPECTION).select_related("organisation")


def sent_on(user):
    """The day the report went to `user`'s own office (each office has its own day)."""
    whens = [
        When(organisation_id=ra.organisation_id, then=F(REPORT_SENT_TO[ra.role]))
        for ra in access.assignments(user)
        if ra.role in REPORT_SENT_TO
    ]
    return Case(*whens, default=Value(None), output_field=DateField())


def _earliest(meeting: Meeting):
    """The first day an instruction on the report may bear: the day it first went to a
    Party or government office (a tester dated one months before the inspection)."""
    days = [getattr(meeting, field) for field in REPORT_SENT_TO.values()]
    return min((day for day in days if day), default=None)


def _after(instruction, actor) -> None:
    """A Party committee's or government's office records an instruction on the report no
    earlier than the day the report went to it (`_earliest`, which the form checks, is the
    first day it went to either). Here, in the recording's transaction, where the recording
    office is known; raising undoes the instruction."""
    field = REPORT_SENT_TO.get(instruction.recorded_as)
    day = getattr(instruction.item, field) if field else None
    if day and instruction.instructed_on < day:
        raise ValidationError(
            {
                "instructed_on": _("批示日期不能早于调研报告报送本机关的日期（%(day)s）。")
                % {"day": reader_date(day)}
            }
        )


def _check(meeting: Meeting) -> str:
    if meeting.kind != MeetingKind.INSPECTION:
        return _("只有视察调研报告可以登记领导批示。")
    if not meeting.report:
        return _("调研报告提交后才能登记批示。")
    return ""


instructions.register(
    Meeting,
    label=gettext_lazy("视察调研报告"),
    url_name="meetings:detail",
    can_record=can_record,
    check=_check,
    received=received,
    sent_on=sent_on,
    earliest=_earliest,
    after=_after,
    applies=lambda m: m.kind == MeetingKind.INSPECTION,
    title=lambda m: m.title,
    answered=answered,
    reads_feedback=in_team,
)
subjects.register(Meeting, can_view=policies.can_view, can_view_many=policies.viewable_ids)
# The duty file's records of a meeting are kept on its invitations, attendance marks and
# speeches: each is shown on the meeting's page.
subjects.register_part(Invitation, page="meeting")
subjects.register_part(Attendance, page="invitation__meeting")
subjects.register_part(Speech, page="meeting")
