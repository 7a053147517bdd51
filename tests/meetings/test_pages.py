"""The meeting pages: scope, forms, query counts, the report and its exports."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from xieshang.meetings import services
from xieshang.meetings.models import Attendance, LeaveRequest, Meeting, MeetingKind
from xieshang.orgs.models import Level, Role

from ..crawling import label_faults
from ..factories import make_org, user_with_role
from .factories import world

pytestmark = pytest.mark.django_db


def crowd(w, n):
    for i in range(n):
        w.member(f"委员{i:02d}", sector=w.sector if i % 2 else w.sector2)


@pytest.mark.parametrize("n", [3, 30])
def test_the_meeting_page_query_count_does_not_grow(client, n, django_assert_num_queries):
    w = world()
    crowd(w, n)
    plenary = w.plenary(sittings=4)
    services.invite(
        meeting=plenary,
        actor=w.office,
        criteria=services.InviteCriteria(leaders=[("张明", "区委副书记")]),
    )
    client.force_login(w.office)
    client.get(f"/meetings/{plenary.pk}/")
    # The office is not invited: no leave form of its own; the 代为请假 form reads the
    # organisation's reasons, the sittings and the invitees once, whatever their number;
    # the leave due date counts working days (one read of the calendar).
    with django_assert_num_queries(19):
        response = client.get(f"/meetings/{plenary.pk}/")
    assert response.status_code == 200
    assert "开幕会" in response.content.decode()


@pytest.mark.parametrize("n", [3, 30])
def test_the_sign_in_board_query_count_does_not_grow(client, n, django_assert_num_queries):
    w = world()
    crowd(w, n)
    meeting = w.meeting()
    sitting = meeting.sittings.get()
    for inv in meeting.invitations.all()[:2]:
        services.attendance_mark(sitting=sitting, invitation=inv, state="present", actor=w.office)
    client.force_login(w.office)
    url = f"/meetings/sittings/{sitting.pk}/board/"
    client.get(url)
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.content.decode().count('data-state="present"') == 2
    with django_assert_num_queries(10):  # a fragment: no layout look-ups
        rows = client.get(url + "?part=rows", headers={"HX-Request": "true"})
    assert "<html" not in rows.content.decode() and 'id="board-rows"' in rows.content.decode()


@pytest.mark.parametrize("n", [3, 30])
def test_the_attendance_report_query_count_does_not_grow(client, n, django_assert_num_queries):
    w = world()
    crowd(w, n)
    plenary = w.plenary(sittings=3)
    services.meeting_close(meeting=plenary, actor=w.office)
    client.force_login(w.office)
    client.get(f"/meetings/{plenary.pk}/report/")
    with django_assert_num_queries(12):
        response = client.get(f"/meetings/{plenary.pk}/report/")
    assert response.status_code == 200


def test_another_organisation_and_uninvited_members_get_404(client):
    w = world()
    outsider_org = world("他区政协")
    invited, uninvited = w.member(), w.member()
    meeting = w.meeting(invite=False)
    services.invite(
        meeting=meeting, actor=w.office, criteria=services.InviteCriteria(members=[invited])
    )
    sitting = meeting.sittings.get()
    client.force_login(outsider_org.office)
    for url in (
        f"/meetings/{meeting.pk}/",
        f"/meetings/sittings/{sitting.pk}/board/",
        f"/meetings/{meeting.pk}/report/",
        "/meetings/99999/",
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(uninvited.user)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    client.force_login(invited.user)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 200
    # A member never reaches the board or the report.
    assert client.get(f"/meetings/sittings/{sitting.pk}/board/").status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/report/").status_code == 404


def test_a_rejected_meeting_form_keeps_what_was_typed(client):
    w = world()
    client.force_login(w.office)
    response = client.post(
        "/meetings/new/",
        {
            "kind": MeetingKind.COMMITTEE,
            "title": "经济委员会调研座谈",
            "start": "2026-04-01T14:00",
            "end": "2026-04-01T09:00",
            "mode": "compulsory",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "结束时间须晚于开始时间" in html
    assert "专委会活动请选择专门委员会" in html
    assert 'value="经济委员会调研座谈"' in html
    assert not Meeting.objects.exists()


def test_the_office_creates_a_meeting_and_a_member_asks_leave_with_a_reason(client):
    w = world()
    m = w.member()
    client.force_login(w.office)
    response = client.post(
        "/meetings/new/",
        {
            "kind": MeetingKind.STANDING,
            "title": "常委会议",
            "start": "2026-04-01T09:00",
            "end": "2026-04-01T12:00",
            "mode": "compulsory",
        },
    )
    meeting = Meeting.objects.get()
    assert response.url == f"/meetings/{meeting.pk}/"
    client.post(f"/meetings/{meeting.pk}/invite/", {"all_members": "on"})
    client.post(f"/meetings/{meeting.pk}/publish/")
    client.force_login(m.user)
    empty = client.post(f"/meetings/{meeting.pk}/leave/", {"reason": "  "})
    assert empty.status_code == 400
    assert "请写明请假事由" in empty.content.decode()
    # Both fields are marked: choosing a reason from the list answers as well.
    assert set(empty.context["leave_form"].errors) == {"reason_kind", "reason"}
    # The reasons offered are the organisation's rule; "其他" needs the detail written out.
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert '<option value="因公出差">因公出差</option>' in page
    other = client.post(f"/meetings/{meeting.pk}/leave/", {"reason_kind": "其他", "reason": ""})
    assert other.status_code == 400 and "请写明请假事由" in other.content.decode()
    done = client.post(f"/meetings/{meeting.pk}/leave/", {"reason": "出差在外"}, follow=True)
    assert "请假" in done.content.decode()
    assert LeaveRequest.objects.get().reason == "出差在外"


def test_a_picked_leave_reason_is_kept_with_its_detail_and_follows_the_rule(client):
    from xieshang.meetings.rules import LEAVE_REASONS
    from xieshang.orgs import config

    w = world()
    m = w.member()
    meeting = w.meeting(MeetingKind.STANDING, day=dt.date(2027, 3, 16))
    config.set_value(w.org, LEAVE_REASONS, ["赴外地考察", "其他"], actor=w.office)
    client.force_login(m.user)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert '<option value="赴外地考察">赴外地考察</option>' in page
    assert "因公出差" not in page
    client.post(
        f"/meetings/{meeting.pk}/leave/", {"reason_kind": "赴外地考察", "reason": "随团赴杭州"}
    )
    assert LeaveRequest.objects.get().reason == "赴外地考察：随团赴杭州"


def test_the_leave_queue_lists_only_what_the_user_decides(client):
    w = world()
    m = w.member("甲委员")
    plenary = w.plenary()
    activity = w.meeting(MeetingKind.COMMITTEE, committee=w.committee, title="经济委调研")
    for meeting in (plenary, activity):
        services.leave_submit(
            invitation=meeting.invitations.get(member=m), actor=m.user, reason="出差"
        )
    client.force_login(w.chair)
    chair_html = client.get("/meetings/leave/").content.decode()
    client.force_login(w.committee_staff)
    staff_html = client.get("/meetings/leave/").content.decode()
    assert plenary.title in chair_html and "经济委调研" not in chair_html
    assert "经济委调研" in staff_html and plenary.title not in staff_html
    leave = LeaveRequest.objects.get(meeting=activity)
    response = client.post(f"/meetings/leave/{leave.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    leave.refresh_from_db()
    assert leave.status == "approved"
    client.force_login(w.chair)
    other = LeaveRequest.objects.get(meeting=plenary)
    client.force_login(w.committee_staff)
    assert (
        client.post(f"/meetings/leave/{other.pk}/decide/", {"decision": "approve"}).status_code
        == 404
    )


@pytest.mark.clause("C2.5")
def test_the_report_and_its_excel_mark_each_sitting_and_list_leaders_apart(client):
    w = world()
    a, b = w.member("甲委员", sector=w.sector), w.member("乙委员", sector=w.sector2)
    plenary = w.plenary(sittings=3)
    services.invite(
        meeting=plenary,
        actor=w.office,
        criteria=services.InviteCriteria(leaders=[("张明", "区委副书记")]),
    )
    s1, s2, s3 = plenary.sittings.all()
    inv_a = plenary.invitations.get(member=a)
    for s in (s1, s3):
        services.attendance_mark(sitting=s, invitation=inv_a, state="present", actor=w.office)
    leave = services.leave_submit(invitation=inv_a, actor=a.user, reason="看病", sittings=[s2])
    services.leave_decide(leave=leave, approve=True, actor=w.chair)
    services.attendance_mark(
        sitting=s1,
        invitation=plenary.invitations.get(name="张明"),
        state="present",
        actor=w.office,
    )
    services.meeting_close(meeting=plenary, actor=w.office)
    client.force_login(w.office)
    html = client.get(f"/meetings/{plenary.pk}/report/").content.decode()
    assert "领导出席情况" in html and "张明" in html
    data = client.get(f"/meetings/{plenary.pk}/report.xlsx").content
    wb = load_workbook(io.BytesIO(data))
    members = [list(r) for r in wb["委员出勤"].iter_rows(values_only=True)]
    assert members[0] == ["姓名", "界别", "开幕会", "分组讨论1", "闭幕会", "出勤结果"]
    rows = {r[0]: r for r in members[1:]}
    assert rows["甲委员"][2:] == ["出席", "请假", "出席", "出席"]
    assert rows["乙委员"][2:] == ["缺席", "缺席", "缺席", "缺席"]
    leaders = [list(r) for r in wb["领导出席"].iter_rows(values_only=True)]
    assert leaders[1][:3] == ["张明", "区委副书记", "出席"]
    sectors = {r[0]: r for r in wb["界别统计"].iter_rows(values_only=True)}
    assert sectors["经济界"][1:6] == (1, 1, 0, 0, 0)
    assert sectors["教育界"][5] == 1
    assert b.name in html


def test_the_ics_file_and_the_personal_feed(client):
    w = world()
    m = w.member()
    plenary = w.plenary(sittings=3)
    client.force_login(m.user)
    ics = client.get(f"/meetings/{plenary.pk}/calendar.ics")
    text = ics.content.decode()
    assert ics["Content-Type"].startswith("text/calendar")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.count("BEGIN:VEVENT") == 3
    assert "DTSTART:20260316T010000Z" in text  # 9:00 Beijing time
    assert "SUMMARY:政协示范区第十五届第五次会议·开幕会" in text
    page = client.get("/meetings/calendar/").content.decode()
    feed_url = page.split('id="feed-url" readonly value="', 1)[1].split('"', 1)[0]
    client.logout()
    feed = client.get(feed_url.replace("http://testserver", ""))
    assert feed.status_code == 200 and feed.content.decode().count("BEGIN:VEVENT") == 3
    assert client.get("/meetings/calendar/forged:token.ics").status_code == 404


@pytest.mark.clause("C4.4")
def test_speeches_are_submitted_selected_scheduled_and_delivered_with_listeners(client):
    from xieshang.duty.models import DutyRecord

    w = world()
    m = w.member("甲委员")
    plenary = w.plenary(sittings=3)
    services.invite(
        meeting=plenary,
        actor=w.office,
        criteria=services.InviteCriteria(leaders=[("张明", "区委副书记")]),
    )
    client.force_login(m.user)
    client.post(
        f"/meetings/{plenary.pk}/speeches/new/",
        {"title": "关于老旧小区改造的建议", "body": "一、现状。二、建议。"},
    )
    speech = plenary.speeches.get()
    assert speech.member == m
    client.force_login(w.office)
    client.post(f"/meetings/speeches/{speech.pk}/select/")
    sitting = plenary.sittings.all()[1]
    client.post(f"/meetings/speeches/{speech.pk}/schedule/", {"sitting": sitting.pk, "order": 2})
    leader = plenary.invitations.get(name="张明")
    client.post(f"/meetings/speeches/{speech.pk}/deliver/", {"listeners": [leader.pk]})
    speech.refresh_from_db()
    assert (speech.status, speech.sitting, speech.order) == ("delivered", sitting, 2)
    assert list(speech.listeners.all()) == [leader]
    assert DutyRecord.objects.get(member=m).kind == "plenary_speech"
    html = client.get(f"/meetings/speeches/{speech.pk}/").content.decode()
    assert "听取发言：张明（区委副书记）" in html
    # A member invitation cannot be recorded as a listener.
    with pytest.raises(services.ValidationError):
        services.speech_deliver(
            speech=speech, actor=w.office, listeners=[plenary.invitations.get(member=m)]
        )


@pytest.mark.clause("C4.4")
def test_a_speech_is_not_marked_delivered_before_its_sitting(client):
    """Marked early, the speaker's duty record would count a day still to come."""
    from xieshang.duty.models import DutyRecord

    w = world()
    m = w.member("乙委员")
    plenary = w.plenary(day=timezone.localdate() + dt.timedelta(days=10))
    speech = services.speech_submit(
        meeting=plenary, actor=w.office, title="关于河道治理的建议", body="建议。", member=m
    )
    services.speech_select(speech=speech, actor=w.office, selected=True)
    sitting = plenary.sittings.last()
    services.speech_schedule(speech=speech, actor=w.office, sitting=sitting, order=1)
    client.force_login(w.office)
    response = client.post(f"/meetings/speeches/{speech.pk}/deliver/", follow=True)
    assert "会议尚未开始，不能登记为已发言。" in response.content.decode()
    speech.refresh_from_db()
    assert speech.status == "scheduled" and not DutyRecord.objects.filter(member=m).exists()


@pytest.mark.clause("C2.13")
def test_an_inspection_report_takes_a_leaders_instruction_as_a_follow_up(client):
    from tests.factories import DepartmentFactory
    from xieshang.followups.models import Task

    w = world()
    w.member()
    dept = DepartmentFactory(organisation=w.org, name="区住建局")
    inspection = w.meeting(MeetingKind.INSPECTION, title="老旧小区改造视察")
    client.force_login(w.office)
    client.post(f"/meetings/{inspection.pk}/record/", {"text": "视察发现三方面问题……"})
    client.post(
        f"/meetings/{inspection.pk}/instruction/",
        {
            "leader": "王书记",
            "level": "district",
            "instructed_on": "2026-03-02",
            "departments": [dept.pk],
            "text": "请住建局认真研究落实。",
            "working_days": 15,
        },
    )
    task = Task.objects.get()
    assert (task.kind, task.department) == ("instruction", dept)
    assert task.subject.item == inspection
    html = client.get(f"/meetings/{inspection.pk}/").content.decode()
    assert "视察发现三方面问题" in html and "请住建局认真研究落实。" in html
    # The report's text and the instruction's text are two boxes, each with its own label.
    assert label_faults(html) is None, label_faults(html)


@pytest.mark.clause("C6.1")
@pytest.mark.clause("C4.8")
def test_reports_to_the_party_and_invitations_to_its_meetings_are_recorded(client):
    w = world()
    client.force_login(w.office)
    for kind, title in (
        (MeetingKind.PARTY_REPORT, "向区委常委会汇报上半年工作"),
        (MeetingKind.PARTY_INVITATION, "应邀列席区委全会"),
    ):
        client.post(
            "/meetings/new/",
            {
                "kind": kind,
                "title": title,
                "host": "区委常委会",
                "start": "2026-07-10T09:00",
                "end": "2026-07-10T11:00",
                "mode": "compulsory",
                "attendees_text": "政协主席、副主席",
            },
        )
        meeting = Meeting.objects.get(title=title)
        assert meeting.status == "published" and not meeting.sittings.exists()
        client.post(
            f"/meetings/{meeting.pk}/record/",
            {"text": "区委书记对政协工作提出要求。", "attendees_text": "政协主席、副主席"},
        )
        html = client.get(f"/meetings/{meeting.pk}/").content.decode()
        assert "区委书记对政协工作提出要求" in html and "政协主席、副主席" in html
    listed = client.get("/meetings/?kind=party_report").content.decode()
    assert "向区委常委会汇报上半年工作" in listed and "应邀列席区委全会" not in listed


@pytest.mark.clause("C2.14")
def test_a_briefing_reaches_members_and_counts_read_receipts(client):
    w = world()
    a, b = w.member("甲委员"), w.member("乙委员")
    client.force_login(w.office)
    client.post(
        "/meetings/briefings/new/",
        {"title": "上半年经济运行情况通报", "source": "区发改局", "body": "总体平稳。"},
    )
    from xieshang.core.models import Notification
    from xieshang.meetings.models import Briefing

    briefing = Briefing.objects.get()
    client.post(f"/meetings/briefings/{briefing.pk}/publish/")
    assert Notification.objects.filter(recipient=a.user, title__contains="情况通报").exists()
    client.force_login(a.user)
    assert "总体平稳" in client.get(f"/meetings/briefings/{briefing.pk}/").content.decode()
    client.force_login(w.office)
    html = client.get(f"/meetings/briefings/{briefing.pk}/").content.decode()
    assert "已读 1 / 2 人" in html
    listed = client.get("/meetings/briefings/").content.decode()
    assert "1 / 2" in listed
    client.force_login(b.user)
    assert "未读" in client.get("/meetings/briefings/").content.decode()


@pytest.mark.clause("C4.10")
def test_committee_reports_are_scheduled_filed_and_missing_ones_flagged(client):
    import time_machine

    w = world()
    with time_machine.travel(dt.datetime(2026, 7, 5, 2, 0, tzinfo=dt.UTC)):
        client.force_login(w.office)
        client.post("/meetings/committee-reports/schedule/")
        html = client.get("/meetings/committee-reports/").content.decode()
        assert "1 份工作报告逾期未报送：经济委员会（2026年上半年）" in html
        from xieshang.meetings.models import CommitteeReport

        due = CommitteeReport.objects.get(period="2026年上半年")
        client.force_login(w.committee_staff)
        empty = client.post(f"/meetings/committee-reports/{due.pk}/", {"content": ""})
        assert empty.status_code == 400
        client.post(f"/meetings/committee-reports/{due.pk}/", {"content": "上半年开展调研三次。"})
        html = client.get("/meetings/committee-reports/").content.decode()
        assert "逾期未报送" not in html
        assert CommitteeReport.objects.filter(status="filed").count() == 1
        # The filed report says who filed it and when.
        filed = client.get(f"/meetings/committee-reports/{due.pk}/").content.decode()
        assert "报送：经济委副主任 · 2026年7月5日" in filed


def test_the_yearly_figures_count_members_by_sector_and_leaders_apart(client):
    w = world()
    a = w.member("甲委员", sector=w.sector)
    w.member("乙委员", sector=w.sector2)
    for day in (dt.date(2026, 3, 2), dt.date(2026, 4, 6)):
        meeting = w.meeting(day=day)
        services.attendance_mark(
            sitting=meeting.sittings.get(),
            invitation=meeting.invitations.get(member=a),
            state=Attendance.State.PRESENT,
            actor=w.office,
        )
        services.meeting_close(meeting=meeting, actor=w.office)
    client.force_login(w.office)
    html = client.get("/meetings/attendance/?year=2026").content.decode()
    # Cells carry their column's label for the phone layout; compare their contents only.
    html = re.sub(r"<td [^>]*>", "<td>", html)
    row = html.split("<td>甲委员</td>", 1)[1].split("</tr>", 1)[0]
    assert "<td>2</td><td>2</td>" in row and "100.0%" in row


def test_the_attendance_excel_writes_formulas_as_plain_text(client):
    from tests.xlsx import PAYLOAD, assert_no_formulas, texts, workbook

    w = world()
    w.member("甲委员", sector=w.sector)
    w.sector.name = "@SUM(A1:A2)"
    w.sector.save(update_fields=["name"])
    plenary = w.plenary(sittings=2)
    plenary.sittings.filter(pk=plenary.sittings.first().pk).update(title=PAYLOAD)
    client.force_login(w.office)
    wb = workbook(client.get(f"/meetings/{plenary.pk}/report.xlsx"))
    assert_no_formulas(wb)
    assert PAYLOAD in texts(wb) and "@SUM(A1:A2)" in texts(wb)


def test_withdrawing_someone_elses_leave_request_reveals_nothing(client):
    """Finding 10 of the security probe: the refusal redirected to the request's meeting."""
    w = world()
    owner, other = w.member(), w.member()
    meeting = w.plenary(sittings=1)
    client.force_login(owner.user)
    client.post(f"/meetings/{meeting.pk}/leave/", {"reason": "出差在外"})
    leave = LeaveRequest.objects.get()
    client.force_login(other.user)
    response = client.post(f"/meetings/leave/{leave.pk}/withdraw/")
    assert response.status_code == 404
    assert str(meeting.pk) not in response.get("Location", "")
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING
    client.force_login(owner.user)
    assert client.post(f"/meetings/leave/{leave.pk}/withdraw/").status_code == 302
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.WITHDRAWN


def test_a_member_revokes_their_calendar_feed_address(client):
    """Finding 10: a leaked feed address could not be stopped."""
    w = world()
    m = w.member()
    w.plenary(sittings=2)
    client.force_login(m.user)
    page = client.get("/meetings/calendar/").content.decode()
    old_url = page.split('id="feed-url" readonly value="', 1)[1].split('"', 1)[0]
    old_path = old_url.replace("http://testserver", "")
    assert client.get(old_path).status_code == 200
    response = client.post("/meetings/calendar/reset/", follow=True)
    assert response.status_code == 200
    new_page = response.content.decode()
    new_url = new_page.split('id="feed-url" readonly value="', 1)[1].split('"', 1)[0]
    assert new_url != old_url
    client.logout()
    assert client.get(old_path).status_code == 404
    assert client.get(new_url.replace("http://testserver", "")).status_code == 200


def test_a_city_offices_meeting_list_names_each_meetings_organisation(client):
    city = make_org("示范市政协", Level.CITY)
    east, west = world("东湖区政协", parent=city), world("西山区政协", parent=city)
    east.meeting(title="东湖区协商座谈会", day=dt.date(2026, 3, 2))
    west.meeting(title="西山区协商座谈会", day=dt.date(2025, 3, 3))
    client.force_login(user_with_role(Role.OFFICE, city))
    body = client.get("/meetings/").content.decode()
    assert "<th>组织</th>" in body
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    assert any("东湖区协商座谈会" in r and "东湖区政协" in r for r in rows)
    assert any("西山区协商座谈会" in r and "西山区政协" in r for r in rows)
    # The city's column stays when a page holds one district's meetings only.
    body = client.get("/meetings/", {"year": 2026}).content.decode()
    assert "东湖区协商座谈会" in body and "西山区协商座谈会" not in body
    assert "<th>组织</th>" in body
    # A district's own list is all its own: no organisation column.
    client.force_login(east.office)
    body = client.get("/meetings/").content.decode()
    assert "东湖区协商座谈会" in body and "西山区协商座谈会" not in body
    assert "<th>组织</th>" not in body


@pytest.mark.django_db
def test_sending_a_notice_to_nobody_yet_asks_first(client):
    w = world()
    w.member("张委员")
    empty = w.meeting(invite=False, publish=False, title="无人受邀的座谈会")
    invited = w.meeting(publish=False, title="已邀请的座谈会")
    client.force_login(w.office)
    page = client.get(f"/meetings/{empty.pk}/").content.decode()
    assert "还没有邀请任何参会人员" in page
    page = client.get(f"/meetings/{invited.pk}/").content.decode()
    assert "发出会议通知" in page and "还没有邀请任何参会人员" not in page


@pytest.mark.django_db
def test_a_chairmans_meeting_is_picked_by_its_date_as_well_as_its_title():
    """Chairman's meetings share titles (主席会议): the picker dates each one."""
    import datetime as dt

    from xieshang.meetings.forms import CommitteeReportForm

    w = world()
    w.meeting(MeetingKind.CHAIRMAN, day=dt.date(2026, 3, 5), title="主席会议", invite=False)
    w.meeting(MeetingKind.CHAIRMAN, day=dt.date(2026, 6, 4), title="主席会议", invite=False)
    form = CommitteeReportForm(organisation=w.org)
    labels = [label for value, label in form.fields["meeting"].choices if value]
    assert labels == ["2026年6月4日 主席会议", "2026年3月5日 主席会议"]


@pytest.mark.clause("C5.9")
def test_before_attendance_closes_the_report_counts_members_not_signed_in_as_not_arrived(client):
    w = world()
    a, c = w.member("甲委员"), w.member("丙委员", sector=w.sector2)
    w.member("乙委员")
    plenary = w.plenary(sittings=3)
    s1 = plenary.sittings.first()
    services.attendance_mark(
        sitting=s1, invitation=plenary.invitations.get(member=a), state="present", actor=w.office
    )
    leave = services.leave_submit(
        invitation=plenary.invitations.get(member=c),
        actor=c.user,
        reason="出差",
        sittings=list(plenary.sittings.all()),
    )
    services.leave_decide(leave=leave, approve=True, actor=w.chair)
    client.force_login(w.office)
    html = client.get(f"/meetings/{plenary.pk}/report/").content.decode()
    # 甲 attended one sitting of three so far, 乙 none: not absent while sittings remain
    # unsigned and attendance is open; 丙's leave covers every sitting.
    totals = html.split('id="report-totals">', 1)[1].split("</p>", 1)[0]
    assert totals == "出席 0 人，迟到 0 人，请假 1 人，未到 2 人。"
    for name in ("甲委员", "乙委员"):
        row = html.split(f">{name}</td>", 1)[1].split("</tr>", 1)[0]
        assert "缺席" not in row and ">未到</td>" in row
    sectors = html.split('id="sector-table"', 1)[1]
    assert ">未到</th>" in sectors and ">缺席</th>" not in sectors
    wb = load_workbook(io.BytesIO(client.get(f"/meetings/{plenary.pk}/report.xlsx").content))
    members = {r[0]: r for r in wb["委员出勤"].iter_rows(values_only=True)}
    assert members["乙委员"][-1] == "未到"

    # Closing attendance decides the absences (and writes the duty records).
    with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
        services.meeting_close(meeting=plenary, actor=w.office)
    html = client.get(f"/meetings/{plenary.pk}/report/").content.decode()
    totals = html.split('id="report-totals">', 1)[1].split("</p>", 1)[0]
    assert totals == "出席 0 人，迟到 0 人，请假 1 人，缺席 2 人。"


def test_in_english_the_leave_action_reads_request_leave_and_the_whole_meeting_one_way(client):
    w = world()
    member = w.member("甲委员")
    meeting = w.meeting(MeetingKind.SYMPOSIUM)  # its one sitting is stored as 全程
    client.force_login(member.user)
    client.cookies["django_language"] = "en"
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    # The disclosure that opens the form is the action, not the state "On leave".
    assert "<summary>Request leave</summary>" in page and "On leave" not in page
    sittings = page.split('id="sittings-title"', 1)[1].split("</section>", 1)[0]
    assert "Whole meeting" in sittings and "全程" not in sittings
    client.post(f"/meetings/{meeting.pk}/leave/", {"reason": "Business trip"})
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    leave = LeaveRequest.objects.get()
    status = page.split(f'id="leave-{leave.pk}">', 1)[1].split("<form", 1)[0]
    assert status.startswith("Leave request: Whole meeting · <strong>")


def test_a_meeting_created_in_english_stores_its_one_sitting_as_chinese_data():
    from django.utils import translation

    w = world()
    with translation.override("en"):
        meeting = w.meeting(MeetingKind.SYMPOSIUM)
    sitting = meeting.sittings.get()
    assert sitting.title == "全程"
    with translation.override("zh-hans"):
        assert sitting.display_title == "全程"


@pytest.mark.clause("C2.13")
def test_the_supervising_office_opens_the_inspection_report_its_task_is_about(client):
    """The 督查室 tracks the instruction's task: the task page links the report and the report
    opens for it, as a 社情民意 item does; a report no task is about stays closed to it."""
    from django.urls import reverse

    from tests.factories import DepartmentFactory
    from xieshang.followups.models import Task

    w = world()
    dept = DepartmentFactory(organisation=w.org, name="区住建局")
    inspection = w.meeting(MeetingKind.INSPECTION, title="老旧小区改造视察")
    untracked = w.meeting(MeetingKind.INSPECTION, title="河道治理视察")
    supervisor = user_with_role(Role.SUPERVISOR, w.org, full_name="区督查室")
    page = f"/meetings/{inspection.pk}/"
    client.force_login(supervisor)
    assert client.get(page).status_code in (403, 404)
    client.force_login(w.office)
    client.post(f"/meetings/{inspection.pk}/record/", {"text": "视察发现三方面问题……"})
    client.post(
        f"/meetings/{inspection.pk}/instruction/",
        {
            "leader": "王书记",
            "level": "district",
            "instructed_on": "2026-03-02",
            "departments": [dept.pk],
            "text": "请住建局认真研究落实。",
            "working_days": 15,
        },
    )
    task = Task.objects.get()
    client.force_login(supervisor)
    task_page = client.get(reverse("followups:detail", args=[task.pk])).content.decode()
    assert f'href="{page}"' in task_page
    assert client.get(page).status_code == 200
    assert client.get(f"/meetings/{untracked.pk}/").status_code in (403, 404)


@pytest.mark.django_db
def test_the_meeting_list_names_each_group_activitys_group(client):
    """Two groups' activities of the same title read identically in the list (a committee's
    activity showed its committee): each now shows its group."""
    from xieshang.orgs.models import ActivityGroup

    w = world()
    for name in ("乡村振兴委员活动组", "社会民生委员活动组"):
        group = ActivityGroup.objects.create(organisation=w.org, name=name)
        w.meeting(
            MeetingKind.GROUP, title="委员活动小组活动（11月）", activity_group=group, invite=False
        )
    client.force_login(w.office)
    rows = re.findall(r"<tr>(.*?)</tr>", client.get("/meetings/").content.decode(), re.S)
    titled = [r for r in rows if "委员活动小组活动（11月）" in r]
    assert len(titled) == 2
    assert any("乡村振兴委员活动组" in r for r in titled)
    assert any("社会民生委员活动组" in r for r in titled)
