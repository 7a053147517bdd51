"""A member who leaves office (辞去委员, 撤销委员资格, 届满) is no longer expected at the
meetings still to come: their invitations to meetings not yet begun are withdrawn, each with
its audit event on the meeting, so closing attendance never counts them absent.

A meeting already under way keeps the invitation: the sittings held are on record, the
former member cannot sign in any more, and what is left is closed as recorded (the office
may still excuse them). Invitations with any attendance recorded are kept for the same
reason. See docs/decisions.md.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from xieshang.core.audit import record_event
from xieshang.core.phrases import Phrase
from xieshang.members.models import Member, Membership

from ..models import Invitation, LeaveRequest, Meeting


@transaction.atomic
def withdraw_former_member(
    *, member: Member, actor, now: dt.datetime | None = None
) -> list[Invitation]:
    """Withdraw the invitations of a member who holds no seat any more to every meeting that
    has not begun (drafted or notified, first sitting still ahead, nothing recorded for
    them). A member seated again (换届: the old seat ends, the new one starts in the same
    step) keeps every invitation. Returns the invitations withdrawn."""
    now = now or timezone.now()
    if Membership.objects.filter(member=member, status=Membership.Status.ACTIVE).exists():
        return []
    invitations = list(
        Invitation.objects.filter(
            member=member,
            meeting__status__in=[Meeting.Status.DRAFT, Meeting.Status.PUBLISHED],
            meeting__start__gt=now,
            attendance__isnull=True,
        )
        .select_related("meeting__organisation")
        .order_by("meeting__start", "pk")
    )
    for inv in invitations:
        pending = LeaveRequest.objects.filter(
            invitation=inv, status=LeaveRequest.Status.PENDING
        ).count()
        record_event(
            actor=actor,
            verb="meeting.uninvite",
            subject=inv.meeting,
            note=Phrase(N_("%(name)s 已不是在任委员，撤回其参会邀请"), name=inv.name),
            data={"invitation": inv.pk, "member": member.pk, "pending_leave": pending},
        )
    Invitation.objects.filter(pk__in=[inv.pk for inv in invitations]).delete()
    return invitations


def on_seat_ended(sender, *, membership: Membership, actor, **kwargs) -> None:
    """`members.signals.seat_ended`: once the exit is committed (a 换届 seats the member
    again in the same transaction), withdraw what the former member was invited to."""
    member_id = membership.member_id

    def withdraw() -> None:
        member = Member.objects.filter(pk=member_id).first()
        if member is not None:
            withdraw_former_member(member=member, actor=actor)

    transaction.on_commit(withdraw)
