"""The sector rows of a meeting's attendance report, of the year's 出勤统计 and of its Excel
follow the official order of the sectors (`Sector.sort_order`, as the invite form lists
them), not the stroke order of each sector's first member."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SectorFactory
from tests.xlsx import workbook
from xieshang.meetings import selectors, services
from xieshang.meetings.models import Attendance

from .factories import world

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]


def sector_rows(html: str, table: str) -> list[str]:
    body = re.search(rf'id="{table}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<tr><td[^>]*>(.*?)</td>", body)]


def official_world():
    """经济界 comes first in the official order, 教育界 second, though 教育界's member
    (乙, one stroke) comes before 经济界's (甲, five) and 教育 before 经济 by name."""
    w = world()
    w.sector.sort_order, w.sector2.sort_order = 1, 2
    w.sector.save(update_fields=["sort_order"])
    w.sector2.save(update_fields=["sort_order"])
    a = w.member("甲委员", sector=w.sector)
    b = w.member("乙委员", sector=w.sector2)
    meeting = w.meeting(day=dt.date(2026, 3, 2))
    for m in (a, b):
        services.attendance_mark(
            sitting=meeting.sittings.get(),
            invitation=meeting.invitations.get(member=m),
            state=Attendance.State.PRESENT,
            actor=w.office,
        )
    services.meeting_close(meeting=meeting, actor=w.office)
    return w, meeting


def test_the_meeting_report_lists_the_sectors_in_official_order(client):
    w, meeting = official_world()
    client.force_login(w.office)
    html = client.get(f"/meetings/{meeting.pk}/report/").content.decode()
    assert sector_rows(html, "sector-table") == ["经济界", "教育界"]
    wb = workbook(client.get(f"/meetings/{meeting.pk}/report.xlsx"))
    rows = wb["界别统计"].iter_rows(min_row=2, values_only=True)
    assert [r[0] for r in rows] == ["经济界", "教育界"]


def test_the_years_figures_list_the_sectors_in_official_order(client):
    w, _meeting = official_world()
    client.force_login(w.office)
    html = client.get("/meetings/attendance/?year=2026").content.decode()
    assert sector_rows(html, "figure-sectors") == ["经济界", "教育界"]
    wb = workbook(client.get("/meetings/attendance/export.xlsx", {"year": 2026}))
    rows = wb["分界别"].iter_rows(min_row=2, values_only=True)
    assert [r[0] for r in rows] == ["经济界", "教育界"]


def test_ordering_the_sectors_costs_no_query_however_many_there_are():
    w, meeting = official_world()

    def queries():
        with CaptureQueriesContext(connection) as grid_queries:
            selectors.attendance_grid(meeting)
        with CaptureQueriesContext(connection) as year_queries:
            selectors.sector_figures_of_year(w.office, year=2026)
        return len(grid_queries), len(year_queries)

    before = queries()
    assert before[1] == 1
    for i in range(3):
        sector = SectorFactory(organisation=w.org, name=f"新界别{i}", sort_order=10 - i)
        member = w.member(f"丙委员{i}", sector=sector)
        meeting.invitations.create(
            member=member, name=member.name, sector=sector, category="member"
        )
    assert queries() == before
    names = list(selectors.sector_figures_of_year(w.office, year=2026))
    assert names[:2] == ["经济界", "教育界"] and names[2:] == ["新界别2", "新界别1", "新界别0"]
