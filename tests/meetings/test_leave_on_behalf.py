"""The office records the leave a member asked by phone (代为请假); it goes to the usual
approver like the member's own request."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from xieshang.core.models import Notification
from xieshang.meetings.models import LeaveRequest, MeetingKind

from .factories import world

pytestmark = pytest.mark.django_db

BEFORE = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)


@pytest.mark.clause("C5.9")
def test_the_office_records_a_members_leave_and_the_chair_is_asked(client):
    w = world()
    m = w.member("甲委员", standing=True)
    with time_machine.travel(BEFORE):
        meeting = w.meeting(MeetingKind.STANDING)
        inv = meeting.invitations.get(member=m)
        client.force_login(w.office)
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert 'id="behalf-leave"' in page
        url = reverse("meetings:leave", args=[meeting.pk])
        refused = client.post(url, {"invitation": inv.pk, "reason": ""})
        assert refused.status_code == 400
        assert "请写明请假事由" in refused.content.decode()
        done = client.post(
            url, {"invitation": inv.pk, "reason_kind": "", "reason": "电话请假：住院"}, follow=True
        )
    assert "已代甲委员提交请假" in done.content.decode()
    leave = LeaveRequest.objects.get(invitation=inv)
    assert leave.status == LeaveRequest.Status.PENDING
    assert leave.submitted_by == w.office
    assert leave.reason == "电话请假：住院"
    assert Notification.objects.filter(recipient=w.chair, title__startswith="请假待审批").exists()


@pytest.mark.clause("C5.9")
def test_a_member_cannot_ask_leave_for_someone_else(client):
    w = world()
    m = w.member("甲委员")
    other = w.member("乙委员")
    with time_machine.travel(BEFORE):
        meeting = w.meeting(MeetingKind.SYMPOSIUM)
        theirs = meeting.invitations.get(member=other)
        client.force_login(m.user)
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert 'id="behalf-leave"' not in page
        client.post(
            reverse("meetings:leave", args=[meeting.pk]),
            {"invitation": theirs.pk, "reason": "替人请假"},
        )
    # The pick is ignored: the request, if any, is the member's own.
    assert not LeaveRequest.objects.filter(invitation=theirs).exists()
    assert LeaveRequest.objects.get().invitation.member == m
