"""A request whose invitee has since signed in to a sitting it covers cannot be approved:
the approver is told why (on the refusal and in the queue), the refused attempt is audited,
and the request can still be refused."""

import datetime as dt
import re

import pytest
import time_machine

from xieshang.core.models import Event
from xieshang.meetings import services
from xieshang.meetings.models import Attendance, LeaveRequest, MeetingKind

from .factories import world

pytestmark = pytest.mark.django_db

BEFORE = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)  # the meeting is on 2026-03-16
DURING = dt.datetime(2026, 3, 16, 1, 30, tzinfo=dt.UTC)  # 09:30 in Beijing


def row(page: str, leave) -> str:
    return re.search(rf'<tr id="leave-{leave.pk}".*?</tr>', page, re.S).group(0)


def test_leave_of_someone_signed_in_is_refused_approval_and_says_why(client):
    w = world()
    member = w.member("甲委员")
    with time_machine.travel(BEFORE):
        meeting = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 3, 16))
        inv = meeting.invitations.get(member=member)
        leave = services.leave_submit(invitation=inv, actor=member.user, reason="出差")
    with time_machine.travel(DURING):
        services.attendance_mark(
            sitting=meeting.sittings.get(),
            invitation=inv,
            state=Attendance.State.PRESENT,
            actor=w.office,
        )
        client.force_login(w.office)
        queue = client.get("/meetings/leave/").content.decode()
        assert "甲委员已在以下会次签到，不能批准请假" in row(queue, leave)
        assert 'value="approve"' not in row(queue, leave)

        response = client.post(f"/meetings/leave/{leave.pk}/decide/", {"decision": "approve"})
        assert response.status_code == 400
        assert "甲委员已在以下会次签到，不能批准请假" in response.content.decode()
        leave.refresh_from_db()
        assert leave.status == LeaveRequest.Status.PENDING
        audited = Event.objects.get(verb="leave.approve_refused", object_id=str(leave.pk))
        assert audited.actor == w.office and "不能批准请假" in audited.note

        client.post(f"/meetings/leave/{leave.pk}/decide/", {"decision": "refuse", "note": "已到会"})
        leave.refresh_from_db()
        assert leave.status == LeaveRequest.Status.REFUSED
