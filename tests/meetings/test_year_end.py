"""The office's year end: a member invited by role counts once, in their sector, in the
annual figures and the meeting's report; the year's attendance and every leave request of
the office's meetings go to Excel."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from tests.html import table_rows
from tests.xlsx import assert_no_formulas, workbook
from xieshang.meetings import services
from xieshang.meetings.models import Attendance, Invitation, LeaveRequest, MeetingKind
from xieshang.orgs.models import ActivityGroup, Role, RoleAssignment

from .factories import world

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]


def closed_year(w):
    """甲委员 (economy sector) holds the vice-chair role; a symposium invites every member,
    a chairman's meeting invites by role, both closed with 甲 present. 乙委员 (education)
    is at the symposium only."""
    a = w.member("甲委员", sector=w.sector)
    w.member("乙委员", sector=w.sector2)
    RoleAssignment.objects.create(user=a.user, organisation=w.org, role=Role.CHAIR)
    symposium = w.meeting(day=dt.date(2026, 3, 2))
    chairmans = w.meeting(MeetingKind.CHAIRMAN, day=dt.date(2026, 4, 6), invite=False)
    services.invite(
        meeting=chairmans, actor=w.office, criteria=services.InviteCriteria(roles=[Role.CHAIR])
    )
    for meeting in (symposium, chairmans):
        services.attendance_mark(
            sitting=meeting.sittings.get(),
            invitation=meeting.invitations.get(member=a),
            state=Attendance.State.PRESENT,
            actor=w.office,
        )
        services.meeting_close(meeting=meeting, actor=w.office)
    return a, symposium, chairmans


def test_a_member_invited_by_role_is_invited_as_a_member_of_their_sector(client):
    w = world()
    a, _symposium, chairmans = closed_year(w)
    invitation = chairmans.invitations.get(member=a)
    assert invitation.category == Invitation.Category.MEMBER
    assert invitation.sector == w.sector
    # The meeting's report names the sector, on the page's Excel too.
    client.force_login(w.office)
    wb = workbook(client.get(f"/meetings/{chairmans.pk}/report.xlsx"))
    rows = list(wb["委员出勤"].iter_rows(values_only=True))
    assert rows[0][:2] == ("姓名", "界别")
    assert [r[:2] for r in rows[1:]] == [("甲委员", "经济界")]
    assert [r[0] for r in wb["界别统计"].iter_rows(min_row=2, values_only=True)] == ["经济界"]


def test_the_yearly_figures_give_one_row_per_person_whatever_their_invitations_say(client):
    w = world()
    a, _symposium, chairmans = closed_year(w)
    # As stored before the fix: the role invitation without a sector.
    chairmans.invitations.filter(member=a).update(sector=None)
    client.force_login(w.office)
    html = client.get("/meetings/attendance/?year=2026").content.decode()
    members = table_rows(html, "figure-members")
    # In official order (乙 has one stroke, 甲 five), each once.
    assert [r[0] for r in members] == ["乙委员", "甲委员"]
    assert members[1][:8] == ["甲委员", "经济界", "2", "2", "0", "0", "0", "100.0%"]
    sectors = table_rows(html, "figure-sectors")
    assert [r[0] for r in sectors] == ["教育界", "经济界"]
    assert sectors[1][:3] == ["经济界", "2", "2"]


def test_the_data_migration_fills_the_sector_of_role_invitations_from_the_seat():
    w = world()
    a, symposium, chairmans = closed_year(w)
    chairmans.invitations.filter(member=a).update(sector=None, category="guest")
    migration = importlib.import_module(
        "xieshang.meetings.migrations.0006_invitation_member_sector"
    )
    migration.fill(apps, None)
    invitation = chairmans.invitations.get(member=a)
    assert (invitation.sector, invitation.category) == (w.sector, "member")
    # Invitations to others, and leaders', are left as they were.
    assert symposium.invitations.get(member=a).sector == w.sector
    assert chairmans.invitations.get(member=None).sector is None


def test_the_yearly_figures_go_to_excel_for_the_year_asked(client):
    w = world()
    closed_year(w)
    client.force_login(w.office)
    page = client.get("/meetings/attendance/?year=2026").content.decode()
    assert 'href="/meetings/attendance/export.xlsx?year=2026"' in page
    response = client.get("/meetings/attendance/export.xlsx", {"year": 2026})
    assert response.status_code == 200
    from urllib.parse import quote

    # The committee first: a city office keeps its districts' files side by side.
    named = quote(f"{w.org.name}2026年出勤统计.xlsx")
    assert f"filename*=UTF-8''{named}" in response["Content-Disposition"]
    wb = workbook(response)
    assert_no_formulas(wb)
    assert wb.sheetnames == ["委员", "分界别", "领导出席（单列）"]
    members = list(wb["委员"].iter_rows(values_only=True))
    assert members[0] == ("姓名", "界别", "应到", "出席", "迟到", "请假", "缺席", "出勤率")
    assert members[1][:7] == ("乙委员", "教育界", 1, 0, 0, 0, 1)
    assert members[2][:7] == ("甲委员", "经济界", 2, 2, 0, 0, 0)
    assert members[2][7] == 1.0 and wb["委员"]["H3"].number_format == "0.0%"
    sectors = list(wb["分界别"].iter_rows(min_row=2, values_only=True))
    assert sectors == [("教育界", 1, 0, 0, 0, 1), ("经济界", 2, 2, 0, 0, 0)]
    leaders = list(wb["领导出席（单列）"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in leaders] == ["政协主席"]
    # Another year: the headers alone.
    wb = workbook(client.get("/meetings/attendance/export.xlsx", {"year": 2025}))
    assert wb["委员"].max_row == 1
    # Not for a member.
    client.force_login(w.members[1].user)
    assert client.get("/meetings/attendance/export.xlsx").status_code == 404


def test_the_office_exports_every_leave_request_of_its_meetings(client):
    """The office decides no plenary or standing-committee leave (the chair does), and the
    queue lists only what one decides: the office's tab of every leave request of its
    meetings in the year goes to Excel, whoever decided."""
    w = world()
    a, b = w.member("甲委员"), w.member("乙委员", sector=w.sector2)
    plenary = w.plenary(day=dt.date(2026, 3, 16))
    standing = w.meeting(MeetingKind.STANDING, day=dt.date(2026, 6, 8))
    last_year = w.meeting(MeetingKind.STANDING, day=dt.date(2025, 6, 9))
    decided = services.leave_submit(
        invitation=plenary.invitations.get(member=a), actor=a.user, reason="赴外地出差"
    )
    services.leave_decide(leave=decided, approve=True, actor=w.chair)
    services.leave_submit(
        invitation=standing.invitations.get(member=b), actor=b.user, reason="住院治疗"
    )
    LeaveRequest.objects.create(
        meeting=last_year,
        invitation=last_year.invitations.get(member=b),
        reason="去年的请假",
        due_date=dt.date(2025, 6, 8),
    )
    client.force_login(w.office)
    # The approver's own queue holds none of them.
    queue = workbook(client.get("/meetings/leave/export.xlsx", {"state": "done"}))
    assert queue.active.max_row == 1
    page = client.get("/meetings/leave/", {"state": "all", "year": 2026}).content.decode()
    assert 'id="leave-all"' in page
    assert 'href="/meetings/leave/export.xlsx?state=all&amp;year=2026"' in page
    assert "赴外地出差" in page and "住院治疗" in page and "去年的请假" not in page
    wb = workbook(client.get("/meetings/leave/export.xlsx", {"state": "all", "year": 2026}))
    assert_no_formulas(wb)
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("请假人", "界别", "会议")
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"甲委员", "乙委员"}
    assert by_name["甲委员"][1:3] == ("经济界", plenary.title)
    assert by_name["甲委员"][5] == "赴外地出差" and by_name["甲委员"][8] == "已批准"
    assert by_name["甲委员"][9] == "政协主席"
    assert by_name["乙委员"][8] == "待审批"
    wb = workbook(client.get("/meetings/leave/export.xlsx", {"state": "all", "year": 2025}))
    assert [r[5] for r in wb.active.iter_rows(min_row=2, values_only=True)] == ["去年的请假"]


def test_the_all_leave_tab_is_not_a_group_leaders():
    """A member who leads an activity group decides its leave but sees no other meetings:
    asked for the office's tab, they get their own queue."""
    from django.test import Client

    w = world()
    leader = w.member("组长委员")
    ActivityGroup.objects.filter(pk=w.group.pk).update(leader=leader)
    other = w.member("乙委员")
    standing = w.meeting(MeetingKind.STANDING, day=dt.date(2026, 6, 8))
    services.leave_submit(
        invitation=standing.invitations.get(member=other), actor=other.user, reason="住院治疗"
    )
    client = Client()
    client.force_login(leader.user)
    page = client.get("/meetings/leave/", {"state": "all", "year": 2026}).content.decode()
    assert 'id="leave-all"' not in page and "住院治疗" not in page
    wb = workbook(client.get("/meetings/leave/export.xlsx", {"state": "all", "year": 2026}))
    assert wb.active.max_row == 1
