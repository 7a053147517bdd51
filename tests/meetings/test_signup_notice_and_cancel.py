"""An activity open to sign-up (自愿报名) is announced as optional, not as a meeting to attend
on time; a member who signed up can withdraw before it starts (audited, the office's count
drops), and not once it has started."""

import datetime as dt

import pytest
import time_machine

from xieshang.core.models import Event, Notification
from xieshang.meetings.models import Invitation, MeetingKind

from .factories import at, world

pytestmark = pytest.mark.django_db

BEFORE = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 16)


def test_signup_activity_notice_is_optional_and_signup_can_be_withdrawn(client):
    w = world()
    m = w.member("甲委员")
    with time_machine.travel(BEFORE):
        studio = w.meeting(MeetingKind.STUDIO, series="民生委员工作室", mode="signup", day=DAY)
        notice = Notification.objects.get(recipient=m.user, title__startswith="会议通知")
        assert "自愿报名参加" in notice.body
        assert "请准时参加" not in notice.body and "请假" not in notice.body

        client.force_login(m.user)
        client.post(f"/meetings/{studio.pk}/signup/")
        assert 'id="signup-cancel"' in client.get(f"/meetings/{studio.pk}/").content.decode()
        client.force_login(w.office)
        assert "已报名 1 人" in client.get(f"/meetings/{studio.pk}/").content.decode()

        client.force_login(m.user)
        client.post(f"/meetings/{studio.pk}/signup/cancel/")
        inv = studio.invitations.get(member=m)
        assert inv.response == Invitation.Response.NONE
        assert Event.objects.filter(
            verb="meeting.signup_cancel", object_id=str(studio.pk), actor=m.user
        ).exists()
        client.force_login(w.office)
        assert "已报名 0 人" in client.get(f"/meetings/{studio.pk}/").content.decode()

        client.force_login(m.user)
        client.post(f"/meetings/{studio.pk}/signup/")

    with time_machine.travel(at(DAY, 10)):
        client.force_login(m.user)  # a session of six days before has expired
        page = client.post(f"/meetings/{studio.pk}/signup/cancel/", follow=True)
        assert "活动已开始，不能再取消报名" in page.content.decode()
        assert 'id="signup-cancel"' not in page.content.decode()
        inv.refresh_from_db()
        assert inv.response == Invitation.Response.SIGNED_UP


def test_cancelling_a_sign_up_withdraws_the_leave_still_waiting_for_a_decision(client):
    from xieshang.meetings import services
    from xieshang.meetings.models import LeaveRequest

    w = world()
    m = w.member("乙委员")
    with time_machine.travel(BEFORE):
        studio = w.meeting(MeetingKind.STUDIO, series="民生委员工作室", mode="signup", day=DAY)
        client.force_login(m.user)
        client.post(f"/meetings/{studio.pk}/signup/")
        inv = studio.invitations.get(member=m)
        leave = services.leave_submit(invitation=inv, actor=m.user, reason="临时出差")

        client.post(f"/meetings/{studio.pk}/signup/cancel/")
        leave.refresh_from_db()
        # Nobody is asked to decide leave from an activity the member no longer attends.
        assert leave.status == LeaveRequest.Status.WITHDRAWN
        event = Event.objects.get(verb="leave.withdraw", object_id=str(leave.pk))
        assert event.actor == m.user and "取消报名" in event.note
        # Nor does its 请假待审批 notice wait unread with the approvers.
        asked = Notification.objects.filter(title__startswith="请假待审批")
        assert asked.exists() and not asked.filter(read_at__isnull=True).exists()
