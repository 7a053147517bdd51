"""Everything that changes meetings, invitations, leave and attendance.

Each function checks the actor's right and the current state, applies the change and writes
its audit event in one transaction; notifications go out through `core.notifications` and
duty records through `duty.services.record_duty`, both idempotent, so a retried call never
notifies or counts twice.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core import access
from xieshang.core.audit import (
    TransitionError,
    changed_fields,
    lock,
    record_event,
    save_versioned,
    transition,
)
from xieshang.core.notifications import notify
from xieshang.core.text import chinese_date
from xieshang.duty.models import DutyKind
from xieshang.duty.services import record_duty
from xieshang.members.models import Member, Membership
from xieshang.members.selectors import current_term
from xieshang.orgs import config
from xieshang.orgs.models import RoleAssignment

from . import policies, rules
from .models import (
    Attendance,
    Invitation,
    LeaveDelegation,
    LeaveRequest,
    Meeting,
    MeetingKind,
    Sitting,
)

# --- Meetings ---------------------------------------------------------------------------

EDITABLE = [
    "kind",
    "title",
    "session",
    "committee",
    "activity_group",
    "series",
    "host",
    "location",
    "start",
    "end",
    "description",
    "mode",
    "attendees_text",
]


def _require_manage(actor, meeting: Meeting) -> None:
    if not policies.can_manage(actor, meeting):
        raise PermissionDenied


@transaction.atomic
def meeting_create(*, organisation, actor, **fields) -> Meeting:
    """Create a meeting in draft. A meeting other than a plenary gets one sitting covering
    its whole time (a plenary's sittings are added one by one); a recorded event (C6.1,
    C4.8) is published at once, since nobody is invited to it."""
    meeting = Meeting(organisation=organisation, created_by=actor, **fields)
    _require_manage(actor, meeting)
    if meeting.end <= meeting.start:
        raise ValidationError(_("结束时间须晚于开始时间。"))
    if meeting.is_record:
        meeting.status = Meeting.Status.PUBLISHED
    meeting.save()
    if not meeting.is_plenary and not meeting.is_record:
        Sitting.objects.create(
            meeting=meeting,
            kind=Sitting.Kind.MAIN,
            title=_("全程"),
            start=meeting.start,
            end=meeting.end,
            location=meeting.location,
        )
    record_event(actor=actor, verb="meeting.create", subject=meeting)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, actor, expected_version: int, data: dict) -> Meeting:
    _require_manage(actor, meeting)
    if meeting.status in (Meeting.Status.CLOSED, Meeting.Status.CANCELLED):
        raise TransitionError(_("考勤已结束或已取消的会议不能修改。"))
    before = {k: getattr(meeting, k) for k in EDITABLE}
    for key, value in data.items():
        if key in EDITABLE:
            setattr(meeting, key, value)
    if meeting.end <= meeting.start:
        raise ValidationError(_("结束时间须晚于开始时间。"))
    save_versioned(meeting, expected_version=expected_version, fields=EDITABLE)
    if not meeting.is_plenary:
        # The single sitting follows the meeting's time and place.
        meeting.sittings.filter(kind=Sitting.Kind.MAIN).update(
            start=meeting.start, end=meeting.end, location=meeting.location
        )
    record_event(
        actor=actor,
        verb="meeting.edit",
        subject=meeting,
        data={"changed": changed_fields(before, {k: getattr(meeting, k) for k in EDITABLE})},
    )
    return meeting


@transaction.atomic
def sitting_add(
    *, meeting: Meeting, actor, kind: str, title: str, start, end, location=""
) -> Sitting:
    _require_manage(actor, meeting)
    if meeting.status in (Meeting.Status.CLOSED, Meeting.Status.CANCELLED):
        raise TransitionError(_("考勤已结束或已取消的会议不能增加会次。"))
    if end <= start:
        raise ValidationError(_("结束时间须晚于开始时间。"))
    sitting = Sitting.objects.create(
        meeting=meeting,
        kind=kind,
        title=title,
        start=start,
        end=end,
        location=location or meeting.location,
    )
    # The meeting spans all its sittings.
    bounds = meeting.sittings.order_by("start")
    first, last = bounds.first(), bounds.order_by("-end").first()
    Meeting.objects.filter(pk=meeting.pk).update(start=first.start, end=last.end)
    meeting.start, meeting.end = first.start, last.end
    record_event(actor=actor, verb="meeting.sitting_add", subject=meeting, note=title)
    return sitting


@transaction.atomic
def meeting_publish(*, meeting: Meeting, actor) -> Meeting:
    """Send the notice to everyone invited so far (later invitees are notified as they are
    added)."""
    _require_manage(actor, meeting)
    original, meeting = meeting, lock(Meeting, meeting.pk)
    if not meeting.sittings.exists():
        raise TransitionError(_("请先安排会次。"))
    transition(
        meeting,
        to=Meeting.Status.PUBLISHED,
        allowed_from=[Meeting.Status.DRAFT],
        actor=actor,
        verb="meeting.publish",
    )
    _sync(original, meeting)
    _notify_invitees(meeting, meeting.invitations.filter(notified_at__isnull=True))
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor, note: str) -> Meeting:
    _require_manage(actor, meeting)
    original, meeting = meeting, lock(Meeting, meeting.pk)
    transition(
        meeting,
        to=Meeting.Status.CANCELLED,
        allowed_from=[Meeting.Status.DRAFT, Meeting.Status.PUBLISHED],
        actor=actor,
        verb="meeting.cancel",
        note=note,
    )
    _sync(original, meeting)
    users = [
        i.member.user for i in meeting.invitations.select_related("member__user") if i.member_id
    ]
    users += [i.user for i in meeting.invitations.select_related("user") if i.user_id]
    notify(
        [u for u in users if u is not None],
        title=_("会议取消：%(t)s") % {"t": meeting.title},
        body=note,
        url=meeting.get_absolute_url(),
        dedupe_key=f"meeting:{meeting.pk}:cancel",
        channels=("inbox", "email", "sms"),
    )
    return meeting


def _sync(original: Meeting, locked: Meeting) -> None:
    """Keep the caller's instance (and the invitations that point at it) in step."""
    if original is not locked:
        original.status, original.version, original.closed_at = (
            locked.status,
            locked.version,
            locked.closed_at,
        )


def _notify_invitees(meeting: Meeting, invitations) -> None:
    invitations = list(invitations.select_related("member__user", "user"))
    users = []
    for inv in invitations:
        user = inv.member.user if inv.member_id else inv.user
        if user is not None:
            users.append(user)
    first = meeting.sittings.order_by("start").first()
    when = timezone.localtime(first.start if first else meeting.start)
    body = _(
        "%(date)s %(time)s 在%(place)s 召开%(title)s，请准时参加。如不能出席，请在平台提出请假。"
    ) % {
        "date": chinese_date(when.date()),
        "time": when.strftime("%H:%M"),
        "place": meeting.location or _("（地点另行通知）"),
        "title": meeting.title,
    }
    notify(
        users,
        title=_("会议通知：%(t)s") % {"t": meeting.title},
        body=body,
        url=meeting.get_absolute_url(),
        dedupe_key=f"meeting:{meeting.pk}:invite",
        channels=("inbox", "email", "sms"),
    )
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(notified_at=timezone.now())


# --- Invitations ------------------------------------------------------------------------


@dataclass
class InviteCriteria:
    """Who to invite. Member criteria select active members of the organisation's current
    term; every criterion adds to the list (a person is invited once)."""

    all_members: bool = False
    standing: bool = False
    sectors: list = field(default_factory=list)
    committees: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    members: list = field(default_factory=list)
    roles: list = field(default_factory=list)
    departments: list = field(default_factory=list)
    leaders: list = field(default_factory=list)  # [(name, title), …]


def _member_seats(meeting: Meeting, c: InviteCriteria) -> list[tuple[Membership, str]]:
    term = current_term(meeting.organisation)
    if term is None:
        return []
    seats = Membership.objects.filter(
        term=term, status=Membership.Status.ACTIVE, member__organisation=meeting.organisation
    ).select_related("member")
    chosen: dict[int, tuple[Membership, str]] = {}

    def add(qs, via: str) -> None:
        for seat in qs:
            chosen.setdefault(seat.member_id, (seat, via))

    if c.all_members:
        add(seats, _("全体委员"))
    if c.standing:
        add(seats.filter(is_standing=True), _("常委"))
    if c.sectors:
        add(seats.filter(sector__in=c.sectors), _("按界别"))
    if c.committees:
        add(seats.filter(committees__in=c.committees).distinct(), _("按专委会"))
    if c.groups:
        add(seats.filter(activity_group__in=c.groups), _("按活动小组"))
    if c.members:
        add(seats.filter(member__in=c.members), _("按姓名"))
    return list(chosen.values())


@transaction.atomic
def invite(*, meeting: Meeting, actor, criteria: InviteCriteria) -> int:
    """Add invitees; returns how many were new. Once the notice is out, new invitees are
    notified at once."""
    _require_manage(actor, meeting)
    if meeting.is_record or meeting.status in (Meeting.Status.CLOSED, Meeting.Status.CANCELLED):
        raise TransitionError(_("该会议不能再邀请参会人员。"))
    existing_members = set(
        meeting.invitations.exclude(member=None).values_list("member_id", flat=True)
    )
    existing_users = set(meeting.invitations.exclude(user=None).values_list("user_id", flat=True))
    rows: list[Invitation] = []
    for seat, via in _member_seats(meeting, criteria):
        if seat.member_id in existing_members:
            continue
        existing_members.add(seat.member_id)
        rows.append(
            Invitation(
                meeting=meeting,
                category=Invitation.Category.MEMBER,
                member=seat.member,
                name=seat.member.name,
                title=seat.position,
                sector_id=seat.sector_id,
                sort_key=seat.member.stroke_key,
                via=via,
            )
        )
    if criteria.roles:
        ras = RoleAssignment.objects.filter(
            organisation=meeting.organisation, role__in=criteria.roles
        ).select_related("user")
        linked = dict(
            Member.objects.filter(user__in=[ra.user_id for ra in ras]).values_list("user_id", "pk")
        )
        for ra in ras:
            member_id = linked.get(ra.user_id)
            if member_id is not None:
                if member_id in existing_members:
                    continue
                existing_members.add(member_id)
                member = Member.objects.get(pk=member_id)
                rows.append(
                    Invitation(
                        meeting=meeting,
                        member=member,
                        name=member.name,
                        title=ra.get_role_display(),
                        sort_key=member.stroke_key,
                        via=_("按角色"),
                    )
                )
            elif ra.user_id not in existing_users:
                existing_users.add(ra.user_id)
                rows.append(
                    Invitation(
                        meeting=meeting,
                        category=Invitation.Category.GUEST,
                        user=ra.user,
                        name=ra.user.display_name,
                        title=ra.get_role_display(),
                        via=_("按角色"),
                    )
                )
    for dept in criteria.departments:
        if dept.leader_user_id and dept.leader_user_id in existing_users:
            continue
        if meeting.invitations.filter(department=dept).exists() or any(
            r.department_id == dept.pk for r in rows
        ):
            continue
        if dept.leader_user_id:
            existing_users.add(dept.leader_user_id)
        rows.append(
            Invitation(
                meeting=meeting,
                category=Invitation.Category.DEPARTMENT,
                department=dept,
                user_id=dept.leader_user_id,
                name=dept.leader_name or dept.name,
                title=_("%(d)s负责人") % {"d": dept.name},
                via=_("邀请部门负责人"),
            )
        )
    for name, title in criteria.leaders:
        name = name.strip()
        if (
            not name
            or meeting.invitations.filter(category=Invitation.Category.LEADER, name=name).exists()
        ):
            continue
        rows.append(
            Invitation(
                meeting=meeting,
                category=Invitation.Category.LEADER,
                name=name[:50],
                title=title.strip()[:100],
                via=_("邀请党政领导"),
            )
        )
    created = Invitation.objects.bulk_create(rows)
    if created:
        record_event(
            actor=actor,
            verb="meeting.invite",
            subject=meeting,
            note=_("新增邀请 %(n)d 人") % {"n": len(created)},
            data={"count": len(created)},
        )
        if meeting.status == Meeting.Status.PUBLISHED:
            new_ids = [r.pk for r in created]
            _notify_invitees(meeting, Invitation.objects.filter(pk__in=new_ids))
    return len(created)


@transaction.atomic
def signup(*, invitation: Invitation, actor) -> Invitation:
    """An invited member signs up for an activity open to sign-up (C2.12)."""
    meeting = invitation.meeting
    if policies.own_invitation(actor, meeting) != invitation:
        raise PermissionDenied
    if meeting.mode != Meeting.Mode.SIGNUP or meeting.status != Meeting.Status.PUBLISHED:
        raise TransitionError(_("该活动不接受报名。"))
    if invitation.response == Invitation.Response.SIGNED_UP:
        return invitation
    Invitation.objects.filter(pk=invitation.pk).update(response=Invitation.Response.SIGNED_UP)
    invitation.response = Invitation.Response.SIGNED_UP
    record_event(actor=actor, verb="meeting.signup", subject=meeting, note=invitation.name)
    return invitation


# --- Leave -------------------------------------------------------------------------------


def leave_due_date(meeting: Meeting) -> dt.date:
    if meeting.kind == MeetingKind.PLENARY:
        key = rules.LEAVE_DAYS_PLENARY
    elif meeting.kind == MeetingKind.STANDING:
        key = rules.LEAVE_DAYS_STANDING
    else:
        key = rules.LEAVE_DAYS_OTHER
    days = config.get(meeting.organisation, key)
    return timezone.localdate(meeting.start) - dt.timedelta(days=int(days))


@transaction.atomic
def leave_submit(
    *,
    invitation: Invitation,
    actor,
    reason: str,
    sittings: Iterable[Sitting] | None = None,
    today: dt.date | None = None,
) -> LeaveRequest:
    """Ask leave for the whole meeting (`sittings` None or all of them) or some sittings.

    By the invitee themselves, or by the office on their behalf. A request after the
    configured deadline is accepted and flagged late; the approver is told."""
    meeting = invitation.meeting
    own = policies.own_invitation(actor, meeting)
    if own != invitation and not policies.can_manage(actor, meeting):
        raise PermissionDenied
    if meeting.status != Meeting.Status.PUBLISHED:
        raise TransitionError(_("会议未发出通知或考勤已结束，不能请假。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写请假事由。"))
    all_sittings = list(meeting.sittings.all())
    chosen = list(sittings) if sittings else all_sittings
    if any(s.meeting_id != meeting.pk for s in chosen):
        raise ValidationError(_("所选会次不属于本次会议。"))
    if not chosen:
        raise ValidationError(_("请选择请假的会次。"))
    if invitation.leave_requests.filter(
        status__in=[LeaveRequest.Status.PENDING, LeaveRequest.Status.APPROVED],
        sittings__in=chosen,
    ).exists():
        raise ValidationError(_("所选会次已有待审批或已批准的请假。"))
    today = today or timezone.localdate()
    due = leave_due_date(meeting)
    leave = LeaveRequest.objects.create(
        meeting=meeting,
        invitation=invitation,
        whole_meeting=len(chosen) == len(all_sittings),
        reason=reason,
        due_date=due,
        is_late=today > due,
        submitted_by=actor,
    )
    leave.sittings.set(chosen)
    record_event(
        actor=actor,
        verb="leave.submit",
        subject=leave,
        organisation=meeting.organisation,
        to_state=leave.status,
        note=reason,
        data={"late": leave.is_late, "sittings": [s.title for s in chosen]},
    )
    notify(
        leave_approvers(meeting),
        title=_("请假待审批：%(n)s · %(t)s") % {"n": invitation.name, "t": meeting.title},
        body=(_("（逾期请假）") if leave.is_late else "") + reason,
        url=reverse("meetings:leave_queue"),
        dedupe_key=f"leave:{leave.pk}:submitted",
    )
    return leave


def leave_approvers(meeting: Meeting) -> list:
    """The users who decide leave for `meeting` (for the notice; the policy decides)."""
    from xieshang.orgs.models import Role

    kind = policies.approver_kind(meeting)
    org_ids = meeting.organisation.ancestor_ids()
    if kind == policies.CHAIR:
        ras = RoleAssignment.objects.filter(organisation_id__in=org_ids, role=Role.CHAIR)
        users = [ra.user for ra in ras.select_related("user")]
        users += [
            d.delegate
            for d in LeaveDelegation.objects.filter(
                organisation_id__in=org_ids, revoked_at__isnull=True
            ).select_related("delegate")
        ]
        return users
    if kind == policies.COMMITTEE:
        ras = RoleAssignment.objects.filter(
            role=Role.COMMITTEE_STAFF, committee_id=meeting.committee_id
        ).select_related("user")
        return [ra.user for ra in ras]
    if kind == policies.GROUP:
        leader = meeting.activity_group.leader
        return [leader.user] if leader is not None and leader.user_id else []
    ras = RoleAssignment.objects.filter(organisation_id__in=org_ids, role=Role.OFFICE)
    return [ra.user for ra in ras.select_related("user")]


@transaction.atomic
def leave_decide(*, leave: LeaveRequest, approve: bool, actor, note: str = "") -> LeaveRequest:
    if not policies.can_decide_leave(actor, leave):
        raise PermissionDenied
    leave = lock(LeaveRequest, leave.pk)
    if leave.meeting.status == Meeting.Status.CLOSED:
        raise TransitionError(_("考勤已结束，不能再审批请假。"))
    if not approve and not note.strip():
        raise ValidationError(_("不批准请假时请填写理由。"))
    leave.decided_by, leave.decided_at, leave.decision_note = actor, timezone.now(), note[:200]
    transition(
        leave,
        to=LeaveRequest.Status.APPROVED if approve else LeaveRequest.Status.REFUSED,
        allowed_from=[LeaveRequest.Status.PENDING],
        actor=actor,
        verb="leave.approve" if approve else "leave.refuse",
        note=note,
        extra_fields=["decided_by", "decided_at", "decision_note"],
    )
    invitation = leave.invitation
    user = invitation.member.user if invitation.member_id else invitation.user
    notify(
        [user],
        title=(_("请假已批准：%(t)s") if approve else _("请假未批准：%(t)s"))
        % {"t": leave.meeting.title},
        body=note or (_("请按时参会。") if not approve else ""),
        url=leave.meeting.get_absolute_url(),
        dedupe_key=f"leave:{leave.pk}:decided",
        channels=("inbox", "sms"),
    )
    return leave


@transaction.atomic
def leave_withdraw(*, leave: LeaveRequest, actor) -> LeaveRequest:
    if policies.own_invitation(actor, leave.meeting) != leave.invitation:
        raise PermissionDenied
    leave = lock(LeaveRequest, leave.pk)
    transition(
        leave,
        to=LeaveRequest.Status.WITHDRAWN,
        allowed_from=[LeaveRequest.Status.PENDING],
        actor=actor,
        verb="leave.withdraw",
    )
    return leave


@transaction.atomic
def leave_delegate(*, organisation, delegate, actor) -> LeaveDelegation:
    """The chair hands the approval of chair-approved leave to `delegate`."""
    if not access.can(actor, "meetings.leave_approve", organisation):
        raise PermissionDenied
    found = LeaveDelegation.objects.filter(
        organisation=organisation, delegate=delegate, revoked_at__isnull=True
    ).first()
    if found:
        return found
    delegation = LeaveDelegation.objects.create(
        organisation=organisation, delegate=delegate, granted_by=actor
    )
    record_event(
        actor=actor,
        verb="leave.delegate",
        subject=delegation,
        organisation=organisation,
        note=delegate.display_name,
    )
    return delegation


@transaction.atomic
def leave_delegation_revoke(*, delegation: LeaveDelegation, actor) -> None:
    if not access.can(actor, "meetings.leave_approve", delegation.organisation):
        raise PermissionDenied
    LeaveDelegation.objects.filter(pk=delegation.pk).update(revoked_at=timezone.now())
    record_event(
        actor=actor,
        verb="leave.delegate",
        subject=delegation,
        organisation=delegation.organisation,
        note=_("撤销委托"),
    )


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
    if not policies.signin_window_open(sitting, now):
        opens = config.get(meeting.organisation, rules.SIGNIN_OPEN_MINUTES)
        start = timezone.localtime(sitting.start - dt.timedelta(minutes=opens))
        end = timezone.localtime(sitting.end)
        raise SignInRefused(
            _("现在不是签到时间。本会次签到时间为 %(a)s 至 %(b)s。")
            % {"a": start.strftime("%m-%d %H:%M"), "b": end.strftime("%H:%M")}
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
        note=f"{sitting.title} · {invitation.name}",
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
        note=f"{sitting.title} · {invitation.name}",
        data={"sitting": sitting.pk, "invitation": invitation.pk},
    )
    return result


@transaction.atomic
def qr_renew(*, sitting: Sitting, actor) -> Sitting:
    """Invalidate every code shown so far (a photo of the code went round, say)."""
    from .models import _nonce

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
    from . import selectors

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
    for inv in invitations:
        if inv.member_id is None:
            continue  # leaders and departments have no duty file
        outcome = inv.outcome
        if meeting.is_plenary:
            if outcome in (Invitation.Outcome.PRESENT, Invitation.Outcome.LATE):
                for s in sittings:
                    mark = marks.get((inv.pk, s.pk))
                    if mark is not None and mark.state in ATTENDED:
                        record_duty(
                            member=inv.member,
                            kind=DutyKind.PLENARY_HALF_DAY,
                            date=timezone.localdate(s.start),
                            title=f"{meeting.title}·{s.title}",
                            source=mark,
                            actor=actor,
                        )
            elif outcome == Invitation.Outcome.EXCUSED:
                record_duty(
                    member=inv.member,
                    kind=DutyKind.PLENARY_ABSENCE_EXCUSED,
                    date=day,
                    title=meeting.title,
                    source=inv,
                    actor=actor,
                )
            elif outcome == Invitation.Outcome.ABSENT:
                record_duty(
                    member=inv.member,
                    kind=DutyKind.PLENARY_ABSENCE_UNEXCUSED,
                    date=day,
                    title=meeting.title,
                    source=inv,
                    actor=actor,
                )
            continue
        if outcome in (Invitation.Outcome.PRESENT, Invitation.Outcome.LATE):
            record_duty(
                member=inv.member,
                kind=DUTY_KIND_FOR_MEETING.get(meeting.kind, DutyKind.MEETING),
                date=day,
                title=meeting.title,
                source=inv,
                actor=actor,
            )
        elif outcome == Invitation.Outcome.ABSENT:
            record_duty(
                member=inv.member,
                kind=DutyKind.ABSENCE_UNEXCUSED,
                date=day,
                title=meeting.title,
                source=inv,
                actor=actor,
            )


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


def meeting_instruction(*, meeting: Meeting, actor, department, text: str, working_days: int):
    """A leader's instruction (批示) on an inspection report: a follow-up task for the named
    department, with deadline, reminders and escalation from the follow-up engine."""
    from xieshang.followups.models import Task
    from xieshang.followups.services import task_open

    _require_manage(actor, meeting)
    if not meeting.report:
        raise TransitionError(_("调研报告提交后才能登记批示。"))
    with transaction.atomic():
        task = task_open(
            organisation=meeting.organisation,
            title=_("落实批示：%(t)s") % {"t": meeting.title},
            actor=actor,
            kind=Task.Kind.INSTRUCTION,
            subject=meeting,
            department=department,
            working_days=working_days,
            request=text,
        )
        record_event(
            actor=actor,
            verb="meeting.instruction",
            subject=meeting,
            note=text[:200],
            data={"task": task.pk},
        )
    return task
