"""A refused form on a meeting's pages shows why and keeps what was typed, even when the
meeting's new state (cancelled or closed meanwhile) no longer offers that form."""

import pytest

from xieshang.core.models import Event
from xieshang.meetings import services
from xieshang.meetings.models import CommitteeReport, LeaveRequest, MeetingKind

from .factories import edit_form, world

pytestmark = pytest.mark.django_db


def test_a_sitting_added_to_a_meeting_cancelled_meanwhile_keeps_what_was_typed(client):
    w = world()
    plenary = w.plenary(sittings=3)
    services.meeting_cancel(meeting=plenary, actor=w.office, note="因故延期")
    client.force_login(w.office)
    response = client.post(
        f"/meetings/{plenary.pk}/sittings/add/",
        {
            "kind": "group",
            "title": "增开的分组讨论",
            "start": "2026-03-18T09:00",
            "end": "2026-03-18T12:00",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "考勤已结束或已取消的会议不能增加会次" in body
    assert 'value="增开的分组讨论"' in body
    assert plenary.sittings.count() == 3
    assert f'action="/meetings/{plenary.pk}/close/"' not in body  # cancelled: nothing to close


def test_leave_asked_after_attendance_was_closed_keeps_the_reason(client):
    w = world()
    member = w.member("甲委员")
    meeting = w.meeting(MeetingKind.STANDING)
    services.meeting_close(meeting=meeting, actor=w.office)
    client.force_login(member.user)
    response = client.post(f"/meetings/{meeting.pk}/leave/", {"reason": "赴省里参加培训三天"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "会议未发出通知或考勤已结束，不能请假" in body
    assert "赴省里参加培训三天" in body
    assert not LeaveRequest.objects.exists()


def test_a_speech_sent_to_a_meeting_cancelled_meanwhile_keeps_the_draft(client):
    w = world()
    member = w.member("甲委员")
    plenary = w.plenary(sittings=3)
    services.meeting_cancel(meeting=plenary, actor=w.office, note="因故延期")
    client.force_login(member.user)
    response = client.post(
        f"/meetings/{plenary.pk}/speeches/new/",
        {"title": "关于社区养老服务的建议", "body": "一、现状。二、建议增设日间照料中心。"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "会议已结束，不能再提交发言" in body
    assert "一、现状。二、建议增设日间照料中心。" in body
    assert not plenary.speeches.exists()


def test_a_committee_report_filed_by_a_colleague_first_keeps_the_second_text(client):
    w = world()
    services.committee_reports_schedule(organisation=w.org, year=2026, actor=w.office)
    report = CommitteeReport.objects.filter(committee=w.committee).first()
    services.committee_report_file(
        report=report, actor=w.committee_staff, content="上半年开展调研三次。"
    )
    client.force_login(w.office)
    response = client.post(
        f"/meetings/committee-reports/{report.pk}/", {"content": "上半年召开主任会议两次。"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "该报告已报送" in body
    assert "上半年召开主任会议两次。" in body
    assert CommitteeReport.objects.get(pk=report.pk).content == "上半年开展调研三次。"


def test_a_refused_leave_decision_keeps_the_note_when_the_request_was_decided_meanwhile(client):
    """The chair had the leave queue open in two windows (or a delegate decided first); the
    second decision came after the first. Before, a flash and a redirect to the queue, where
    the request was gone and the 审批意见 with it."""
    w = world()
    m = w.member("甲委员")
    plenary = w.plenary()
    leave = services.leave_submit(
        invitation=plenary.invitations.get(member=m), actor=m.user, reason="出差"
    )
    services.leave_decide(leave=leave, approve=True, actor=w.chair, note="同意")
    client.force_login(w.chair)
    response = client.post(
        f"/meetings/leave/{leave.pk}/decide/",
        {"decision": "refuse", "note": "全体会议期间原则上不准假"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "不能执行此操作" in body and "全体会议期间原则上不准假" in body
    assert LeaveRequest.objects.get(pk=leave.pk).status == LeaveRequest.Status.APPROVED
    assert Event.objects.filter(verb__in=["leave.approve", "leave.refuse"]).count() == 1
    # The decided row says how it was decided and offers no buttons that would fail again.
    row = body.split(f'id="leave-{leave.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "已批准" in row and 'value="refuse"' not in row


def test_a_meeting_saved_by_a_colleague_meanwhile_is_saved_again_on_purpose(client):
    import re

    w = world()
    meeting = w.meeting()
    client.force_login(w.office)
    data = edit_form(meeting)
    services.meeting_update(
        meeting=meeting, actor=w.office, expected_version=meeting.version, data={"location": "三楼"}
    )
    response = client.post(f"/meetings/{meeting.pk}/edit/", {**data, "title": "我改的标题"})
    body = response.content.decode()
    assert (
        response.status_code == 400 and "已在其他窗口或由他人修改" in body and "请再次保存" in body
    )
    assert 'value="我改的标题"' in body
    carried = re.search(r'name="version" value="(\d+)"', body).group(1)
    meeting.refresh_from_db()
    assert int(carried) == meeting.version
    response = client.post(
        f"/meetings/{meeting.pk}/edit/", {**data, "title": "我改的标题", "version": carried}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "我改的标题"
    # A version that is not a number is a stale one, not a server error.
    response = client.post(f"/meetings/{meeting.pk}/edit/", {**data, "version": "abc"})
    assert response.status_code == 400
