"""The attendance report as a PDF, beside the Excel workbook: who came to which sitting."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from xieshang.meetings import services
from xieshang.meetings.models import Attendance, MeetingKind

from ..pdftext import english_words, pdf_text
from .factories import world

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C5.9")
def test_the_attendance_report_downloads_as_a_pdf_in_chinese(client, settings):
    w = world()
    came = w.member("甲委员")
    w.member("乙委员", sector=w.sector2)
    with time_machine.travel(dt.datetime(2026, 3, 16, 1, 5, tzinfo=dt.UTC)):
        meeting = w.plenary(day=dt.date(2026, 3, 16), sittings=2)
        opening = meeting.sittings.get(title="开幕会")
        services.attendance_mark(
            sitting=opening,
            invitation=meeting.invitations.get(member=came),
            state=Attendance.State.PRESENT,
            actor=w.office,
        )
    with time_machine.travel(dt.datetime(2026, 3, 17, 1, 0, tzinfo=dt.UTC)):
        services.meeting_close(meeting=meeting, actor=w.office)
        client.force_login(w.office)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.get(reverse("meetings:report", args=[meeting.pk])).content.decode()
        response = client.get(reverse("meetings:report_pdf", args=[meeting.pk]))
    assert reverse("meetings:report_pdf", args=[meeting.pk]) in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "政协示范区第十五届第五次会议出勤情况" in text
    assert "开幕会" in text and "闭幕会" in text
    assert "甲委员" in text and "乙委员" in text
    assert "经济界" in text and "教育界" in text
    assert "缺席" in text and "出席" in text
    assert not english_words(response.content)


def test_a_member_cannot_download_the_attendance_pdf(client):
    w = world()
    m = w.member("甲委员")
    with time_machine.travel(dt.datetime(2026, 3, 16, 1, 5, tzinfo=dt.UTC)):
        meeting = w.meeting(MeetingKind.SYMPOSIUM)
    client.force_login(m.user)
    assert client.get(reverse("meetings:report_pdf", args=[meeting.pk])).status_code == 404
