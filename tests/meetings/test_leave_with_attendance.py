"""Leave kept consistent with attendance: no leave for a sitting already signed in to, a
request still waiting is closed (not left pending for ever) when its meeting is cancelled or
its attendance ends, and the approver's 已处理 tab shows the latest outcome first."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from xieshang.core.models import Event, Notification
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.meetings import selectors, services
from xieshang.meetings.forms import BehalfLeaveForm
from xieshang.meetings.models import Attendance, LeaveRequest, MeetingKind

from .factories import world

pytestmark = pytest.mark.django_db

BEFORE = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)  # the meetings are on 2026-03-16
DURING = dt.datetime(2026, 3, 16, 1, 30, tzinfo=dt.UTC)  # 09:30 in Beijing
AFTER = dt.datetime(2026, 3, 16, 6, 0, tzinfo=dt.UTC)


def mark(w, meeting, member, sitting=None):
    inv = meeting.invitations.get(member=member)
    services.attendance_mark(
        sitting=sitting or meeting.sittings.get(),
        invitation=inv,
        state=Attendance.State.LATE,
        actor=w.office,
    )
    return inv


def ask(meeting, member, actor=None, sittings=None) -> LeaveRequest:
    return services.leave_submit(
        invitation=meeting.invitations.get(member=member),
        actor=actor or member.user,
        reason="因公出差",
        sittings=sittings,
    )


@pytest.mark.clause("C5.9")
def test_no_leave_for_a_sitting_already_signed_in_to_by_the_member_or_the_office(client):
    w = world()
    member, other = w.member("甲委员"), w.member("乙委员")
    with time_machine.travel(DURING):
        meeting = w.meeting(MeetingKind.TRAINING)
        inv = mark(w, meeting, member)
        with pytest.raises(ValidationError, match="甲委员已签到的会次不能请假"):
            ask(meeting, member)
        with pytest.raises(ValidationError, match="已签到的会次不能请假"):
            ask(meeting, member, actor=w.office)  # 代为请假
        # Nothing left to ask for: the member's page offers no leave form, the office's
        # 代为请假 does not offer them; someone not signed in is still offered both.
        assert services.leave_open_sittings(inv) == []
        client.force_login(member.user)
        assert 'id="leave-form"' not in client.get(meeting.get_absolute_url()).content.decode()
        client.force_login(other.user)
        assert 'id="leave-form"' in client.get(meeting.get_absolute_url()).content.decode()
        offered = BehalfLeaveForm(meeting=meeting).fields["invitation"].queryset
        assert set(offered.values_list("name", flat=True)) == {"乙委员"}
        # Posted anyway (a page opened before the sign-in): refused with the reason.
        client.force_login(member.user)
        page = client.post(
            reverse("meetings:leave", args=[meeting.pk]),
            {"reason_kind": "因公出差", "reason": ""},
            follow=True,
        )
    assert "甲委员已签到的会次不能请假" in page.content.decode()
    assert not LeaveRequest.objects.filter(invitation=inv).exists()


@pytest.mark.clause("C5.9")
def test_a_plenary_member_signed_in_to_one_sitting_asks_leave_for_the_others_only():
    w = world()
    member = w.member("甲委员")
    plenary = w.plenary(sittings=3)
    opening, *rest = list(plenary.sittings.order_by("start"))
    inv = mark(w, plenary, member, sitting=opening)
    assert services.leave_open_sittings(inv) == rest
    with pytest.raises(ValidationError, match="已签到的会次不能请假：开幕会"):
        ask(plenary, member)  # the whole meeting includes the opening
    leave = ask(plenary, member, sittings=rest)
    assert not leave.whole_meeting and set(leave.sittings.all()) == set(rest)


@pytest.mark.clause("C5.9")
def test_cancelling_a_meeting_closes_its_waiting_leave_and_tells_the_member(client):
    w = world()
    member, decided = w.member("甲委员"), w.member("乙委员")
    with time_machine.travel(BEFORE):
        meeting = w.meeting(MeetingKind.SYMPOSIUM, title="测试座谈会丙")
        leave = ask(meeting, member)
        approved = ask(meeting, decided)
        services.leave_decide(leave=approved, approve=True, actor=w.office)
        services.meeting_cancel(meeting=meeting, actor=w.office, note="因故推迟")
    leave.refresh_from_db()
    approved.refresh_from_db()
    assert leave.status == LeaveRequest.Status.CANCELLED
    assert leave.decided_at is not None and leave.decided_by is None
    assert approved.status == LeaveRequest.Status.APPROVED  # a decision stays as made
    event = Event.objects.get(verb="leave.close", object_id=str(leave.pk))
    assert (event.from_state, event.to_state, event.actor) == ("pending", "cancelled", w.office)
    assert Notification.objects.filter(
        recipient=member.user, title="请假申请已关闭：测试座谈会丙"
    ).exists()
    # In the office's 已处理 tab with its state; the member's pages offer no 撤回 any more.
    assert leave in selectors.leave_queue(w.office, state="done")
    client.force_login(member.user)
    for url in (meeting.get_absolute_url(), reverse("meetings:mine")):
        page = client.get(url).content.decode()
        assert "会议已取消" in page and "待审批" not in page
    assert reverse("meetings:leave_withdraw", args=[leave.pk]) not in page


@pytest.mark.clause("C5.9")
def test_closing_attendance_lapses_waiting_leave_and_the_absence_counts_as_before():
    w = world()
    absent, there = w.member("甲委员"), w.member("乙委员")
    with time_machine.travel(BEFORE):
        meeting = w.meeting(MeetingKind.SYMPOSIUM, title="测试座谈会丁")
        absent_leave = ask(meeting, absent)
        there_leave = ask(meeting, there)
    with time_machine.travel(DURING):
        mark(w, meeting, there)
    with time_machine.travel(AFTER):
        services.meeting_close(meeting=meeting, actor=None)  # the scheduled job
    for leave in (absent_leave, there_leave):
        leave.refresh_from_db()
        assert leave.status == LeaveRequest.Status.LAPSED
        assert Event.objects.filter(verb="leave.close", object_id=str(leave.pk)).exists()
    assert Notification.objects.filter(
        recipient=absent.user, title="请假未获审批：测试座谈会丁"
    ).exists()
    # Undecided leave excuses nothing: absent is absent, signed in is attended.
    assert meeting.invitations.get(member=absent).outcome == "absent"
    assert DutyRecord.objects.filter(member=absent, kind=DutyKind.ABSENCE_UNEXCUSED).exists()
    assert meeting.invitations.get(member=there).outcome == "late"


@pytest.mark.clause("C5.9")
def test_the_close_warning_counts_only_waiting_leave_of_those_not_signed_in(client):
    w = world()
    absent, there = w.member("甲委员"), w.member("乙委员")
    with time_machine.travel(BEFORE):
        meeting = w.meeting(MeetingKind.SYMPOSIUM)
        ask(meeting, absent)
        ask(meeting, there)
    with time_machine.travel(DURING):
        mark(w, meeting, there)
    with time_machine.travel(AFTER):
        client.force_login(w.office)
        page = client.get(meeting.get_absolute_url()).content.decode()
    assert "请假待审批 2 件" in page  # the summary still counts every waiting request
    assert "还有 1 件请假待审批" in page
    assert selectors.pending_leave_not_signed_in(meeting) == 1


@pytest.mark.clause("C5.9")
def test_the_done_tab_lists_the_latest_decision_first(client):
    w = world()
    first, second, third = w.member("甲委员"), w.member("乙委员"), w.member("丙委员")
    meeting = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 1, 20))
    later = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 12, 20))
    old, new = ask(meeting, first), ask(later, second)
    withdrawn = ask(meeting, third)
    with time_machine.travel(dt.datetime(2026, 1, 10, tzinfo=dt.UTC)):
        services.leave_decide(leave=new, approve=True, actor=w.office)
    with time_machine.travel(dt.datetime(2026, 1, 12, tzinfo=dt.UTC)):
        services.leave_decide(leave=old, approve=False, actor=w.office, note="须参会")
    services.leave_withdraw(leave=withdrawn, actor=third.user)  # no decision time: as asked
    LeaveRequest.objects.filter(pk=withdrawn.pk).update(
        submitted_at=dt.datetime(2026, 1, 11, tzinfo=dt.UTC)
    )
    done = list(selectors.leave_queue(w.office, state="done"))
    assert done == [old, withdrawn, new]
    client.force_login(w.office)
    page = client.get(reverse("meetings:leave_queue") + "?state=done").content.decode()
    assert page.index("甲委员") < page.index("丙委员") < page.index("乙委员")
