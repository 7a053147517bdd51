"""In January and February the office writes up the year just ended: the attendance figures
(and their Excel without a year) open on that year, not on the new year's empty weeks, as
the evaluation and the proposal work report do (`core.years`)."""

import datetime as dt

import pytest
import time_machine

from tests.xlsx import workbook
from xieshang.meetings import services
from xieshang.meetings.models import Attendance

from .factories import world

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]


def _year_with_one_present(w):
    member = w.member("甲委员", sector=w.sector)
    meeting = w.meeting(day=dt.date(2026, 12, 28))
    services.attendance_mark(
        sitting=meeting.sittings.get(),
        invitation=meeting.invitations.get(member=member),
        state=Attendance.State.PRESENT,
        actor=w.office,
    )
    services.meeting_close(meeting=meeting, actor=w.office)


@pytest.mark.parametrize(
    ("today", "year"),
    [(dt.date(2027, 1, 4), 2026), (dt.date(2027, 2, 28), 2026), (dt.date(2027, 3, 1), 2027)],
)
def test_the_attendance_figures_open_on_the_year_being_reported(client, today, year):
    w = world()
    with time_machine.travel(dt.datetime(2026, 12, 29, 10), tick=False):
        _year_with_one_present(w)
    with time_machine.travel(dt.datetime(today.year, today.month, today.day, 10), tick=False):
        client.force_login(w.office)
        html = client.get("/meetings/attendance/").content.decode()
        assert f"{year}年出勤统计" in html
        assert ("甲委员" in html) == (year == 2026)
        response = client.get("/meetings/attendance/export.xlsx")
        assert f"attendance-{year}.xlsx" in response["Content-Disposition"]
        names = [row[0] for row in workbook(response).worksheets[0].iter_rows(values_only=True)]
        assert ("甲委员" in names) == (year == 2026)
        # A year asked for is the one shown.
        assert "2027年出勤统计" in client.get("/meetings/attendance/?year=2027").content.decode()
