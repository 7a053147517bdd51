"""The leave export read in English lists a request's sittings with ", ", not with the
Chinese enumeration comma 、 (an English reader saw "Sitting 2、Sitting 3")."""

import io

import openpyxl
import pytest

from xieshang.meetings import services

from .factories import world

pytestmark = pytest.mark.django_db


def sittings_cell(client, language, year) -> str:
    client.cookies["django_language"] = language
    response = client.get(f"/meetings/leave/export.xlsx?state=all&year={year}")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return rows[1][4]


@pytest.mark.clause("C5.9")
def test_the_english_leave_export_joins_the_sittings_with_an_english_comma(client):
    w = world()
    member = w.member("丙委员")
    plenary = w.plenary(sittings=3)
    _s1, s2, s3 = plenary.sittings.all()
    services.leave_submit(
        invitation=plenary.invitations.get(member=member),
        actor=member.user,
        reason="住院",
        sittings=[s2, s3],
    )
    client.force_login(w.office)
    assert sittings_cell(client, "en", plenary.start.year) == f"{s2.title}, {s3.title}"
    assert sittings_cell(client, "zh-hans", plenary.start.year) == f"{s2.title}、{s3.title}"


def test_an_english_attendance_workbook_names_the_whole_meeting_and_dates_in_english(client):
    """The English attendance workbook headed a meeting's one sitting 全程 (the stored title)
    where the page says "Whole meeting", and every English export showed its dates as
    2026年3月18日."""
    w = world()
    member = w.member("丙委员")
    meeting = w.meeting()
    services.leave_submit(
        invitation=meeting.invitations.get(member=member), actor=member.user, reason="出差"
    )
    client.force_login(w.office)
    client.cookies["django_language"] = "en"
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/meetings/{meeting.pk}/report.xlsx").content)
    )
    header = next(book.worksheets[0].iter_rows(values_only=True))
    assert header == ("Name", "Sector", "Whole meeting", "Attendance result")
    response = client.get(f"/meetings/leave/export.xlsx?state=all&year={meeting.start.year}")
    row = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows())[1]
    dates = [c for c in row if c.is_date]
    assert dates and all(c.number_format.startswith("mmmm d, yyyy") for c in dates)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(f"/meetings/leave/export.xlsx?state=all&year={meeting.start.year}")
    row = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows())[1]
    assert all(c.number_format.startswith('yyyy"年"') for c in row if c.is_date)
