"""Leave: requests, the deadline, decisions and the chair's delegation of approval."""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from xieshang.core import access, calendar
from xieshang.core.audit import TransitionError, lock, record_event, transition
from xieshang.core.notifications import notify, settle
from xieshang.core.phrases import Phrase, listed
from xieshang.orgs import config

from .. import policies, rules
from ..models import (
    Attendance,
    Invitation,
    LeaveDelegation,
    LeaveRequest,
    Meeting,
    MeetingKind,
    Sitting,
)


def leave_due_date(meeting: Meeting) -> dt.date:
    if meeting.kind == MeetingKind.PLENARY:
        key = rules.LEAVE_DAYS_PLENARY
    elif meeting.kind == MeetingKind.STANDING:
        key = rules.LEAVE_DAYS_STANDING
    else:
        key = rules.LEAVE_DAYS_OTHER
    days = int(config.get(meeting.organisation, key))
    day = timezone.localdate(meeting.start)
    # Counted in working days before the meeting's day, as every deadline the product sets
    # (core.calendar): "会前3个工作日" never falls on a Sunday the office does not work.
    # 0: up to the meeting's own day, whatever day that is.
    return calendar.add_working_days(day, -days) if days else day


# A sitting is in at most one request of an invitee that is still waiting or granted.
LIVE_LEAVE = (LeaveRequest.Status.PENDING, LeaveRequest.Status.APPROVED)

# Signed in (by QR or marked by staff): there at the sitting, nothing to be excused from.
_ATTENDED = (Attendance.State.PRESENT, Attendance.State.LATE)


def settle_submitted(leave: LeaveRequest) -> None:
    """The request is decided, withdrawn or closed: its 请假待审批 notice no longer waits as
    unread with the approvers (`notifications.settle`)."""
    settle(f"leave:{leave.pk}:submitted")


def _signed_in(invitation: Invitation):
    return Sitting.objects.filter(
        attendance__invitation=invitation, attendance__state__in=_ATTENDED
    )


def leave_open_sittings(invitation: Invitation) -> list[Sitting]:
    """The sittings of the invitee's meeting that none of their pending or approved requests
    covers and that they have not signed in to: what is left to ask leave for (none: the
    leave form is not offered)."""
    covered = Sitting.objects.filter(
        leave_requests__invitation=invitation, leave_requests__status__in=LIVE_LEAVE
    )
    return list(
        invitation.meeting.sittings.exclude(pk__in=covered.values("pk")).exclude(
            pk__in=_signed_in(invitation).values("pk")
        )
    )


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
    if invitation.leave_requests.filter(status__in=LIVE_LEAVE, sittings__in=chosen).exists():
        raise ValidationError(_("所选会次已有待审批或已批准的请假。"))
    signed = [s for s in _signed_in(invitation).order_by("start", "id") if s in chosen]
    if signed:
        # Whoever asks (the member, the office on their behalf): a sitting the invitee is
        # signed in to was attended, and closing attendance counts it so whatever leave says.
        raise ValidationError(
            _("%(name)s已签到的会次不能请假：%(sittings)s。")
            % {"name": invitation.name, "sittings": _("、").join(s.display_title for s in signed)}
        )
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
        leave_approvers(meeting, asker=invitation.account),
        title=Phrase(N_("请假待审批：%(n)s · %(t)s"), n=invitation.name, t=meeting.title),
        body=Phrase(N_("（逾期请假）%(reason)s"), reason=reason) if leave.is_late else reason,
        url=reverse("meetings:leave_queue"),
        dedupe_key=f"leave:{leave.pk}:submitted",
    )
    return leave


def leave_approvers(meeting: Meeting, *, asker=None) -> list:
    """The users who decide leave for `meeting` (for the notice; the policy decides). Nobody
    decides their own: a group leader's own request goes to the office."""
    return [u for u in _approvers(meeting, asker) if u != asker]


def _approvers(meeting: Meeting, asker) -> list:
    from xieshang.orgs.models import Role

    kind = policies.approver_kind(meeting)
    if kind == policies.GROUP:
        leader = meeting.activity_group.leader
        if leader is None or not leader.user_id or not leader.user.is_active:
            return []
        if asker is None or leader.user_id != asker.pk:
            return [leader.user]
        kind = None  # the leader's own request: the office decides
    org_ids = meeting.organisation.ancestor_ids()
    if kind == policies.CHAIR:
        users = list(access.role_holders(list(org_ids), Role.CHAIR))
        users += [
            d.delegate
            for d in LeaveDelegation.objects.filter(
                organisation_id__in=org_ids, revoked_at__isnull=True, delegate__is_active=True
            ).select_related("delegate")
        ]
        return users
    if kind == policies.COMMITTEE:
        return list(
            access.role_holders(
                meeting.organisation_id, Role.COMMITTEE_STAFF, committee=meeting.committee_id
            )
        )
    return list(access.role_holders(list(org_ids), Role.OFFICE))


class SignedInRefused(TransitionError):
    """Approval refused: the invitee signed in to a sitting the request covers. `phrase`,
    the reason for the audit row, read in each reader's language."""

    def __init__(self, phrase: Phrase):
        super().__init__(phrase.render())
        self.phrase = phrase


def leave_signed_in(leave: LeaveRequest) -> list[Sitting]:
    """The sittings of the request the invitee has signed in to (by QR or marked by staff):
    approving it would excuse them from sittings they attended."""
    return list(
        _signed_in(leave.invitation).filter(leave_requests=leave).order_by("start", "id").distinct()
    )


def signed_in_refusal(name: str, sittings: Iterable[Sitting]) -> Phrase:
    """Why such a request cannot be approved, naming the sittings (the refusal, its audit
    row and the queue's row say the same)."""
    return Phrase(
        N_("%(name)s已在以下会次签到，不能批准请假，请选择不批准：%(sittings)s。"),
        name=name,
        sittings=listed(s.title_label for s in sittings),
    )


def leave_decide(*, leave: LeaveRequest, approve: bool, actor, note: str = "") -> LeaveRequest:
    """Approve or refuse a pending request. Approving one whose invitee has signed in to a
    sitting it covers is refused (it would excuse someone who came), and the refused attempt
    is audited after its rolled-back transaction, as a refused role grant is."""
    try:
        return _leave_decide(leave=leave, approve=approve, actor=actor, note=note)
    except SignedInRefused as refused:
        record_event(
            actor=actor,
            verb="leave.approve_refused",
            subject=leave,
            organisation=leave.meeting.organisation,
            note=refused.phrase,
        )
        raise


@transaction.atomic
def _leave_decide(*, leave: LeaveRequest, approve: bool, actor, note: str = "") -> LeaveRequest:
    if not policies.can_decide_leave(actor, leave):
        raise PermissionDenied
    leave = lock(LeaveRequest, leave.pk)
    if leave.meeting.status == Meeting.Status.CLOSED:
        raise TransitionError(_("考勤已结束，不能再审批请假。"))
    if leave.meeting.status == Meeting.Status.CANCELLED:
        raise TransitionError(_("会议已取消，无需再审批请假。"))
    if not approve and not note.strip():
        raise ValidationError(_("不批准请假时请填写理由。"))
    if approve and leave.status == LeaveRequest.Status.PENDING:
        signed = leave_signed_in(leave)
        if signed:
            raise SignedInRefused(signed_in_refusal(leave.invitation.name, signed))
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
    settle_submitted(leave)
    notify(
        [leave.invitation.account],
        title=Phrase(
            N_("请假已批准：%(t)s") if approve else N_("请假未批准：%(t)s"), t=leave.meeting.title
        ),
        body=note or (Phrase(N_("请按时参会。")) if not approve else ""),
        url=leave.meeting.get_absolute_url(),
        dedupe_key=f"leave:{leave.pk}:decided",
        channels=("inbox", "sms"),
    )
    return leave


# What closes the requests still waiting when their meeting is cancelled or its attendance
# ends: the state, the notice to the invitee and the note of the audit row.
_CLOSED_UNDECIDED = {
    LeaveRequest.Status.CANCELLED: (
        N_("请假申请已关闭：%(t)s"),
        N_("会议已取消，请假申请无需审批。"),
    ),
    LeaveRequest.Status.LAPSED: (
        N_("请假未获审批：%(t)s"),
        N_("考勤已结束，请假申请未经审批即关闭；未出席的会次按缺席统计。"),
    ),
}


def leave_close_pending(*, meeting: Meeting, actor, to: str) -> int:
    """Close every request of `meeting` still waiting for a decision, when the meeting is
    cancelled (`to` CANCELLED) or its attendance ends (LAPSED): nobody may decide them any
    more (leave_decide refuses both), so they leave 待审批 for a state that says why, each
    with its audit row, and the invitee is told as of any other outcome of their request.
    Called by meeting_cancel and meeting_close inside their transaction. Returns the count."""
    title, body = _CLOSED_UNDECIDED[to]
    now = timezone.now()
    pending = list(
        # Only the requests are locked: FOR UPDATE may not reach the nullable side of the
        # outer joins that fetch the invitee (PostgreSQL refuses it).
        LeaveRequest.objects.select_for_update(of=("self",))
        .filter(meeting=meeting, status=LeaveRequest.Status.PENDING)
        .select_related("invitation__member__user", "invitation__user")
        .order_by("pk")
    )
    for leave in pending:
        leave.decided_at = now
        transition(
            leave,
            to=to,
            allowed_from=[LeaveRequest.Status.PENDING],
            actor=actor,
            verb="leave.close",
            note=Phrase(body),
            extra_fields=["decided_at"],
        )
        settle_submitted(leave)
        notify(
            [leave.invitation.account],
            title=Phrase(title, t=meeting.title),
            body=Phrase(body),
            url=meeting.get_absolute_url(),
            dedupe_key=f"leave:{leave.pk}:decided",
            # The cancellation itself went out by every channel: the inbox says the rest.
            channels=("inbox",) if to == LeaveRequest.Status.CANCELLED else ("inbox", "sms"),
        )
    return len(pending)


@transaction.atomic
def leave_withdraw(*, leave: LeaveRequest, actor) -> LeaveRequest:
    if policies.own_invitation(actor, leave.meeting) != leave.invitation:
        raise PermissionDenied
    leave = lock(LeaveRequest, leave.pk)
    _withdraw(leave, actor=actor)
    return leave


def leave_withdraw_pending(*, invitation: Invitation, actor, note) -> int:
    """The invitee's requests still waiting, withdrawn because they are no longer expected
    (a sign-up cancelled): nothing is left to excuse, and the approvers' queue would keep a
    request nobody needs decided. In the caller's transaction. Returns the count."""
    pending = LeaveRequest.objects.select_for_update().filter(
        invitation=invitation, status=LeaveRequest.Status.PENDING
    )
    count = 0
    for leave in pending:
        _withdraw(leave, actor=actor, note=note)
        count += 1
    return count


def _withdraw(leave: LeaveRequest, *, actor, note="") -> None:
    transition(
        leave,
        to=LeaveRequest.Status.WITHDRAWN,
        allowed_from=[LeaveRequest.Status.PENDING],
        actor=actor,
        verb="leave.withdraw",
        note=note,
    )
    settle_submitted(leave)


@transaction.atomic
def leave_delegate(*, organisation, delegate, actor) -> LeaveDelegation:
    """The chair hands the approval of chair-approved leave to `delegate`."""
    if not access.can(actor, "meetings.leave_approve", organisation):
        raise PermissionDenied
    if delegate.pk == actor.pk:
        raise ValidationError(_("不能委托给自己。"))
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
        note=Phrase(N_("撤销委托")),
    )
