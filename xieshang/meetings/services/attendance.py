"""Attendance: QR sign-in, staff marks, closing attendance and the duty records it writes."""

import datetime as dt

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access
from xieshang.core.audit import TransitionError, lock, record_event, transition
from xieshang.core.phrases import Phrase
from xieshang.core.text import chinese_datetime
from xieshang.duty.models import DutyKind
from xieshang.duty.services import Fact, record_duties
from xieshang.orgs import config

from .. import policies, rules
from ..models import Attendance, Invitation, LeaveRequest, Meeting, MeetingKind, Sitting
from .common import _require_manage, _sync
from .leave import leave_close_pending

# --- Sign-in -----------------------------------------------------------------------------


class SignInRefused(Exception):
    """A scan or mark that is not accepted; the message is shown to the member as is."""


def _signer(sitting: Sitting) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"xieshang.meetings.signin:{sitting.pk}:{sitting.qr_nonce}")


def signin_token(sitting: Sitting) -> str:
    return _signer(sitting).sign(str(sitting.pk))


def signin_path(sitting: Sitting) -> str:
    return reverse("meetings:signin", args=[sitting.pk, signin_token(sitting)])


def check_token(sitting: Sitting, token: str) -> None:
    max_age = config.get(sitting.meeting.organisation, rules.QR_MAX_AGE_MINUTES)
    try:
        value = _signer(sitting).unsign(token, max_age=dt.timedelta(minutes=max_age))
    except signing.SignatureExpired as exc:
        raise SignInRefused(_("签到二维码已过期，请扫描会场屏幕上的最新二维码。")) from exc
    except signing.BadSignature as exc:
        raise SignInRefused(_("签到二维码无效，请扫描会场屏幕上的二维码。")) from exc
    if value != str(sitting.pk):
        raise SignInRefused(_("签到二维码无效，请扫描会场屏幕上的二维码。"))


def _state_for_arrival(sitting: Sitting, now: dt.datetime) -> str:
    grace = config.get(sitting.meeting.organisation, rules.LATE_AFTER_MINUTES)
    if now > sitting.start + dt.timedelta(minutes=grace):
        return Attendance.State.LATE
    return Attendance.State.PRESENT


@transaction.atomic
def signin_by_token(
    *, sitting: Sitting, token: str, user, now: dt.datetime | None = None
) -> Attendance:
    """A member scans the sitting's QR code: accepted only with a valid, unexpired code,
    for an invitee, inside the sign-in window, and once."""
    now = now or timezone.now()
    check_token(sitting, token)
    meeting = sitting.meeting
    if meeting.status != Meeting.Status.PUBLISHED:
        raise SignInRefused(_("本次会议不在签到状态。"))
    invitation = policies.own_invitation(user, meeting)
    if invitation is None:
        raise SignInRefused(_("您不在本次会议的参会名单中，无法签到。如有疑问请联系会务工作人员。"))
    if access.is_former_member(user) and invitation.member_id == access.member_of(user).pk:
        # Invited as a member who has since left office: the record stays, the seat is gone.
        raise SignInRefused(_("您已不是在任委员，无法以委员身份签到。如有疑问请联系会务工作人员。"))
    if not policies.signin_window_open(sitting, now):
        start = timezone.localtime(policies.signin_opens_at(sitting))
        end = timezone.localtime(sitting.end)
        raise SignInRefused(
            _("现在不是签到时间。本会次签到时间为 %(a)s 至 %(b)s。")
            % {"a": chinese_datetime(start), "b": end.strftime("%H:%M")}
        )
    if Attendance.objects.filter(sitting=sitting, invitation=invitation).exists():
        raise SignInRefused(_("您已签到，无需重复签到。"))
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                sitting=sitting,
                invitation=invitation,
                state=_state_for_arrival(sitting, now),
                method=Attendance.Method.QR,
                signed_at=now,
                marked_by=user,
                updated_at=now,
            )
    except IntegrityError as exc:  # two scans at the same moment
        raise SignInRefused(_("您已签到，无需重复签到。")) from exc
    record_event(
        actor=user,
        verb="attendance.signin",
        subject=meeting,
        note=_who_where(sitting, invitation),
        data={"sitting": sitting.pk, "state": attendance.state},
    )
    return attendance


MARKABLE = (Attendance.State.PRESENT, Attendance.State.LATE, "clear")


@transaction.atomic
def attendance_mark(
    *, sitting: Sitting, invitation: Invitation, state: str, actor
) -> Attendance | None:
    """Staff mark an invitee present or late at a sitting, or clear the mark ("clear")."""
    meeting = sitting.meeting
    _require_manage(actor, meeting)
    if invitation.meeting_id != meeting.pk:
        raise PermissionDenied
    if meeting.status != Meeting.Status.PUBLISHED:
        raise TransitionError(_("只能在会议进行期间登记出勤。"))
    if state not in MARKABLE:
        raise ValidationError(_("出勤状态不正确。"))
    if state != "clear" and not policies.marking_open(sitting):
        # Nobody has attended a sitting that has not begun: a click on the wrong sitting's
        # board (or a meeting's board opened weeks ahead) would otherwise count in the duty
        # file. Staff mark from the sign-in window on, and after the sitting from the paper
        # sheet; a mark is cleared at any time.
        start = timezone.localtime(policies.signin_opens_at(sitting))
        raise TransitionError(
            _("本会次尚未开始，%(a)s 起才能登记出勤。") % {"a": chinese_datetime(start)}
        )
    current = Attendance.objects.filter(sitting=sitting, invitation=invitation).first()
    before = current.state if current else ""
    if state == "clear":
        if current:
            current.delete()
        result = None
    else:
        now = timezone.now()
        result, _created = Attendance.objects.update_or_create(
            sitting=sitting,
            invitation=invitation,
            defaults={
                "state": state,
                "method": Attendance.Method.STAFF,
                "signed_at": current.signed_at if current and current.signed_at else now,
                "marked_by": actor,
                "updated_at": now,
            },
        )
    record_event(
        actor=actor,
        verb="attendance.mark",
        subject=meeting,
        from_state=before,
        to_state="" if state == "clear" else state,
        note=_who_where(sitting, invitation),
        # The history names the states ("— → 出席"), not their codes, in the reader's
        # language: they are an attendance's, not the meeting's the event is about, so the
        # event names the choices (core.audit.state_label); the labels are a fallback.
        data={
            "choices": "meetings.Attendance.state",
            "sitting": sitting.pk,
            "invitation": invitation.pk,
            "from_label": _state_name(before),
            "to_label": "" if state == "clear" else _state_name(state),
        },
    )
    return result


def _who_where(sitting: Sitting, invitation: Invitation) -> Phrase:
    """ "全程 · 甲委员" in the history, read in the reader's language: the one sitting stored
    as 全程 reads as its kind's label (Sitting.title_label)."""
    return Phrase(N_("%(sitting)s · %(name)s"), sitting=sitting.title_label, name=invitation.name)


def _state_name(state: str) -> str:
    return str(Attendance.State(state).label) if state in Attendance.State.values else ""


@transaction.atomic
def qr_renew(*, sitting: Sitting, actor) -> Sitting:
    """Invalidate every code shown so far (a photo of the code went round, say)."""
    from ..models import _nonce

    _require_manage(actor, sitting.meeting)
    sitting.qr_nonce = _nonce()
    sitting.save(update_fields=["qr_nonce"])
    return sitting


# --- Closing attendance -----------------------------------------------------------------

ATTENDED = (Attendance.State.PRESENT, Attendance.State.LATE)


def sitting_state(attendance: Attendance | None, excused: bool) -> str:
    """The state of one invitee at one sitting once attendance closes."""
    if attendance is not None and attendance.state in ATTENDED:
        return attendance.state
    return Attendance.State.EXCUSED if excused else Attendance.State.ABSENT


def meeting_outcome(*, plenary: bool, states: list[str], expected: bool, min_share: float) -> str:
    """The meeting-level result from the per-sitting states.

    A plenary attended at fewer than `min_share` of its sittings counts as an absence
    (excused if every missed sitting was excused, otherwise unexcused); other meetings count
    as attended if any sitting was attended."""
    attended = [s for s in states if s in ATTENDED]
    if not expected and not attended:
        return Invitation.Outcome.NOT_EXPECTED
    if not states:
        return Invitation.Outcome.PENDING
    enough = len(attended) >= min_share * len(states) - 1e-9 if plenary else bool(attended)
    if attended and enough:
        late = Attendance.State.LATE in attended
        return Invitation.Outcome.LATE if late else Invitation.Outcome.PRESENT
    missed = [s for s in states if s not in ATTENDED]
    if all(s == Attendance.State.EXCUSED for s in missed):
        return Invitation.Outcome.EXCUSED
    return Invitation.Outcome.ABSENT


DUTY_KIND_FOR_MEETING = {
    MeetingKind.TRAINING: DutyKind.TRAINING,
    MeetingKind.INSPECTION: DutyKind.INSPECTION,
    MeetingKind.STUDIO: DutyKind.STUDIO,
    MeetingKind.LECTURE: DutyKind.STUDIO,
}


@transaction.atomic
def meeting_close(*, meeting: Meeting, actor) -> dict[str, int]:
    """End attendance: write every invitee's state at every sitting, their meeting result
    and their duty records. Returns the count of each result.

    Duty records (members only): a plenary counts each attended half-day sitting, or one
    excused or unexcused plenary absence; other meetings count one attendance of the kind's
    duty (meeting, training, inspection, studio) or one unexcused absence. Excused absence
    from other meetings is kept in the attendance record and scores nothing."""
    if actor is not None:
        _require_manage(actor, meeting)
    original, meeting = meeting, lock(Meeting, meeting.pk)
    if meeting.is_record:
        raise TransitionError(_("记录类事项没有考勤。"))
    now = timezone.now()
    last = meeting.sittings.order_by("-start").values_list("start", flat=True).first()
    if last is not None and last > now:
        # Closing marks everyone not signed in absent, with penalties, and is final.
        raise TransitionError(
            _("会议还没有全部举行（最后一场 %(when)s 开始），不能结束考勤。")
            % {"when": chinese_datetime(last)}
        )
    meeting.closed_at = now
    transition(
        meeting,
        to=Meeting.Status.CLOSED,
        allowed_from=[Meeting.Status.PUBLISHED],
        actor=actor,
        verb="meeting.close",
        extra_fields=["closed_at"],
    )
    _sync(original, meeting)
    from .. import selectors

    # Leave still waiting is decided by nobody now: it excuses nothing (only approved leave
    # does, below) and is closed as such, its invitee told.
    leave_close_pending(meeting=meeting, actor=actor, to=LeaveRequest.Status.LAPSED)

    sittings = list(meeting.sittings.all())
    invitations = list(meeting.invitations.select_related("member"))
    marks = selectors.attendance_map(meeting)
    excused = selectors.excused_map(meeting)
    min_share = float(config.get(meeting.organisation, rules.PLENARY_MIN_SHARE))
    new_rows, counts = [], {}
    by_outcome: dict[str, list[Invitation]] = {}
    for inv in invitations:
        expected = inv.is_expected(meeting)
        states = []
        for s in sittings:
            mark = marks.get((inv.pk, s.pk))
            state = sitting_state(mark, (inv.pk, s.pk) in excused)
            states.append(state)
            if mark is None and expected:
                new_rows.append(
                    Attendance(
                        sitting=s,
                        invitation=inv,
                        state=state,
                        method=Attendance.Method.CLOSE,
                        updated_at=now,
                    )
                )
        outcome = meeting_outcome(
            plenary=meeting.is_plenary, states=states, expected=expected, min_share=min_share
        )
        inv.outcome = outcome
        counts[outcome] = counts.get(outcome, 0) + 1
        by_outcome.setdefault(outcome, []).append(inv)
    Attendance.objects.bulk_create(new_rows)
    Invitation.objects.bulk_update(invitations, ["outcome"], batch_size=500)
    _write_duty(meeting, sittings, invitations, marks, actor)
    return counts


def _write_duty(meeting, sittings, invitations, marks, actor) -> None:
    day = timezone.localdate(meeting.start)
    facts = []
    for inv in invitations:
        if inv.member_id is None:
            continue  # leaders and departments have no duty file
        outcome = inv.outcome
        if meeting.is_plenary:
            if outcome in (Invitation.Outcome.PRESENT, Invitation.Outcome.LATE):
                for s in sittings:
                    mark = marks.get((inv.pk, s.pk))
                    if mark is not None and mark.state in ATTENDED:
                        facts.append(
                            Fact(
                                inv.member,
                                DutyKind.PLENARY_HALF_DAY,
                                timezone.localdate(s.start),
                                f"{meeting.title}·{s.title}",
                                source=mark,
                            )
                        )
            elif outcome == Invitation.Outcome.EXCUSED:
                facts.append(
                    Fact(inv.member, DutyKind.PLENARY_ABSENCE_EXCUSED, day, meeting.title, inv)
                )
            elif outcome == Invitation.Outcome.ABSENT:
                facts.append(
                    Fact(inv.member, DutyKind.PLENARY_ABSENCE_UNEXCUSED, day, meeting.title, inv)
                )
            continue
        if outcome in (Invitation.Outcome.PRESENT, Invitation.Outcome.LATE):
            kind = DUTY_KIND_FOR_MEETING.get(meeting.kind, DutyKind.MEETING)
            facts.append(Fact(inv.member, kind, day, meeting.title, inv))
        elif outcome == Invitation.Outcome.ABSENT:
            facts.append(Fact(inv.member, DutyKind.ABSENCE_UNEXCUSED, day, meeting.title, inv))
    record_duties(facts, actor=actor)


def close_finished_meetings(*, now: dt.datetime | None = None) -> int:
    """Close the attendance of meetings that ended more than the configured hours ago
    (the scheduled job). Idempotent: a closed meeting is not closed again."""
    now = now or timezone.now()
    closed = 0
    candidates = Meeting.objects.filter(
        status=Meeting.Status.PUBLISHED, end__lt=now - dt.timedelta(hours=1)
    ).exclude(kind__in=[MeetingKind.PARTY_REPORT, MeetingKind.PARTY_INVITATION])
    for meeting in candidates.select_related("organisation"):
        hours = config.get(meeting.organisation, rules.AUTO_CLOSE_HOURS)
        if meeting.end > now - dt.timedelta(hours=hours):
            continue
        try:
            meeting_close(meeting=meeting, actor=None)
        except TransitionError:
            continue
        closed += 1
    return closed
