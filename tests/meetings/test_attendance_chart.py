"""Attendance per meeting kind (issue 12): the figures page charts the members' attendance
of the closed meetings by kind, with the numbers as a table and a summary sentence."""

import datetime as dt
import json
import re

import pytest

from xieshang.meetings import services
from xieshang.meetings.models import Attendance

from .factories import world

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]


def test_the_attendance_page_charts_attendance_per_meeting_kind(client):
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
    block = re.search(
        r'<script id="chart-attendance-kinds-data" type="application/json">(.*?)</script>', html
    )
    spec = json.loads(block.group(1))
    assert [s["name"] for s in spec["series"]] == ["出席（含迟到）", "请假", "缺席"]
    assert [s["data"][0] for s in spec["series"]] == [2, 0, 2]
    assert "已结束的会议共应到4人次，出席2人次，出勤率50.0%。" in html


def test_the_chart_says_its_present_includes_the_late_as_the_tables_count_them_apart(client):
    """The sector and member tables have 出席 and 迟到 apart; the chart's 出席 counts both,
    and says so, so the page never reads two different 出席 figures for the same year."""
    w = world()
    a = w.member("甲委员", sector=w.sector)
    b = w.member("乙委员", sector=w.sector2)
    meeting = w.meeting(day=dt.date(2026, 3, 2))
    for member, state in ((a, Attendance.State.PRESENT), (b, Attendance.State.LATE)):
        services.attendance_mark(
            sitting=meeting.sittings.get(),
            invitation=meeting.invitations.get(member=member),
            state=state,
            actor=w.office,
        )
    services.meeting_close(meeting=meeting, actor=w.office)
    client.force_login(w.office)
    html = client.get("/meetings/attendance/?year=2026").content.decode()
    assert "已结束的会议共应到2人次，出席2人次（含迟到1人次），出勤率100.0%。" in html
    sectors = html.split('id="figure-sectors"')[1].split("</table>")[0]
    # 教育界: 1 expected, 0 present, 1 late.
    assert re.search(r"<td[^>]*>教育界</td><td[^>]*>1</td><td[^>]*>0</td><td[^>]*>1</td>", sectors)
