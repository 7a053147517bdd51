"""The year's attendance page (出勤统计) at a province's size: the members a page at a time
and the first invited leaders only, with the sector totals over every member, in a fixed
number of queries; and its English: an empty table says so in words, the leaders' 邀请
column reads "Invited", counts are whole numbers on the chart's axis (core.charts)."""

import datetime as dt
import re

import pytest
from django.conf import settings

from xieshang.meetings import services, views_more
from xieshang.meetings.charts import attendance_chart
from xieshang.meetings.models import Attendance

from .factories import world

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]

URL = "/meetings/attendance/?year=2026"


def _closed_year(w, n_members: int, n_leaders: int = 0):
    for i in range(n_members):
        w.member(f"委员{i:02d}", sector=w.sector if i % 2 else w.sector2)
    meeting = w.meeting(day=dt.date(2026, 3, 2))
    if n_leaders:
        services.invite(
            meeting=meeting,
            actor=w.office,
            criteria=services.InviteCriteria(
                leaders=[(f"领导{i:02d}", "区委副书记") for i in range(n_leaders)]
            ),
        )
    first = meeting.invitations.filter(member__isnull=False).order_by("pk").first()
    services.attendance_mark(
        sitting=meeting.sittings.get(),
        invitation=first,
        state=Attendance.State.PRESENT,
        actor=w.office,
    )
    services.meeting_close(meeting=meeting, actor=w.office)
    return meeting


@pytest.mark.parametrize("n", [3, 30])
def test_the_page_runs_a_fixed_number_of_queries(client, n, django_assert_num_queries):
    w = world()
    _closed_year(w, n, n_leaders=n)
    client.force_login(w.office)
    client.get(URL)
    with django_assert_num_queries(10):
        response = client.get(URL)
    assert response.status_code == 200


def test_members_come_a_page_at_a_time_and_the_sectors_total_them_all(client, monkeypatch):
    monkeypatch.setattr(views_more, "FIGURES_PER_PAGE", 10)
    monkeypatch.setattr(views_more, "LEADERS_SHOWN", 2)
    w = world()
    _closed_year(w, 25, n_leaders=3)
    client.force_login(w.office)
    html = client.get(URL).content.decode()
    members = html.split('id="figure-members"')[1].split("</table>")[0]
    assert members.count("<tr>") == 11  # the head and ten members
    assert "委员00" in members and "委员10" not in members
    assert "第 1 / 3 页" in html and 'href="?year=2026&amp;page=2"' in html
    page3 = client.get(URL + "&page=3").content.decode()
    assert "委员24" in page3.split('id="figure-members"')[1]
    # Every member counts in the sector totals (13 in one sector, 12 in the other).
    sectors = html.split('id="figure-sectors"')[1].split("</table>")[0]
    invited = dict(re.findall(r"<td[^>]*>(经济界|教育界)</td><td[^>]*>(\d+)</td>", sectors))
    assert invited == {"经济界": "12", "教育界": "13"}
    leaders = html.split('id="figure-leaders"')[1].split("</table>")[0]
    assert "领导01" in leaders and "领导02" not in leaders
    assert 'id="figure-leaders-more"' in html


def test_the_english_page_says_none_in_words_and_the_leaders_were_invited(client):
    w = world()
    client.force_login(w.office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(URL).content.decode()
    assert ">None<" not in html
    assert "No data" in html
    leaders_head = html.split('id="figure-leaders"')[1].split("</thead>")[0]
    assert ">Invited<" in leaders_head and ">Invite<" not in leaders_head
    meeting = w.meeting(invite=False)
    detail = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert ">None<" not in detail


def test_the_attendance_chart_is_a_chart_of_counts():
    spec = attendance_chart([{"kind": "plenary", "present": 1, "excused": 0, "absent": 0}])
    assert spec["integer"] is True


@pytest.mark.parametrize("n", [4, 24])
def test_the_sector_totals_are_added_up_by_the_database(n):
    """One query handing back a row per sector, not a row per member, however many members
    the year has; the totals are those of the members' rows (the export's way)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xieshang.meetings import selectors

    w = world()
    _closed_year(w, n)
    # A second meeting: the members count twice, and one moves sector on the way.
    second = w.meeting(day=dt.date(2026, 5, 6))
    moved = second.invitations.filter(member__isnull=False).order_by("pk").first()
    moved.sector = w.sector if moved.sector_id == w.sector2.pk else w.sector2
    moved.save(update_fields=["sector"])
    services.meeting_close(meeting=second, actor=w.office)
    with CaptureQueriesContext(connection) as queries:
        totals = selectors.sector_figures_of_year(w.office, year=2026)
    assert len(queries) == 1
    expected = selectors.sector_figures(selectors.attendance_figures(w.office, year=2026))
    assert totals == expected
    assert sum(t["invited"] for t in totals.values()) == 2 * n
    with connection.cursor() as cursor:
        cursor.execute(queries[0]["sql"])
        assert len(cursor.fetchall()) == len(totals) == 2
