"""The 出勤率 of a meeting's sector sheet is a number shown as a percentage (as the year's
figures are), so the office can sort and average the sectors in Excel."""

import datetime as dt

import pytest

from tests.xlsx import workbook
from xieshang.meetings import services
from xieshang.meetings.models import Attendance

from .factories import world

pytestmark = pytest.mark.django_db


def test_the_sector_sheets_rate_is_a_percentage_number(client):
    w = world()
    a = w.member("甲委员", sector=w.sector)
    w.member("乙委员", sector=w.sector)
    meeting = w.meeting(day=dt.date(2026, 3, 2))
    services.attendance_mark(
        sitting=meeting.sittings.get(),
        invitation=meeting.invitations.get(member=a),
        state=Attendance.State.PRESENT,
        actor=w.office,
    )
    services.meeting_close(meeting=meeting, actor=w.office)
    client.force_login(w.office)
    wb = workbook(client.get(f"/meetings/{meeting.pk}/report.xlsx"))
    ws = wb["界别统计"]
    assert ws.cell(1, 7).value == "出勤率"
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == w.sector.name)
    assert row[6].value == pytest.approx(0.5)
    assert "%" in row[6].number_format
    # The page still reads 50.0%.
    assert "50.0%" in client.get(f"/meetings/{meeting.pk}/report/").content.decode()
