"""The certificate of participation and the annual duty report count the same sittings: a
member's community consultation sessions (参加基层协商议事) are on the certificate, so the
employer reads the same number of sittings as the annual report's 一、会议出勤."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.duty.factories import YEAR, record, setting
from tests.pdftext import pdf_text
from xieshang.duty import annual_report
from xieshang.duty.models import Certificate, DutyKind

pytestmark = pytest.mark.django_db
K = DutyKind


@pytest.mark.clause("C6.3")
def test_the_certificate_lists_the_community_consultation_sessions_the_annual_report_counts(
    client,
):
    _org, _term, _office, member = setting()
    record(member, K.PLENARY_HALF_DAY, date=dt.date(YEAR, 1, 8), title="区政协全体会议")
    record(member, K.MEETING, date=dt.date(YEAR, 4, 2), title="协商座谈会")
    record(member, K.COMMUNITY_CONSULTATION, date=dt.date(YEAR, 11, 8), title="长青社区居民议事会")
    record(member, K.COMMUNITY_CONSULTATION, date=dt.date(YEAR, 11, 20), title="和平社区居民议事会")
    record(member, K.PLENARY_ABSENCE_EXCUSED, date=dt.date(YEAR, 1, 9), title="请假")

    client.force_login(member.user)
    response = client.post(
        reverse("duty:certificate"), {"start_date": f"{YEAR}-01-01", "end_date": f"{YEAR}-12-31"}
    )
    assert response["Content-Type"] == "application/pdf"
    text = "".join(pdf_text(response.content).split())
    assert "长青社区居民议事会" in text and "和平社区居民议事会" in text
    assert "共4次" in text  # the excused absence is no participation
    assert Certificate.objects.get().activity_count == 4

    # The annual report's attendance section: the same sittings, the absence apart.
    [report] = annual_report.build(member.organisation, YEAR, [(member, None)])
    attendance = report.sections[0]
    attended = {r.title for r in attendance.records if r.kind != K.PLENARY_ABSENCE_EXCUSED}
    assert attended == {"区政协全体会议", "协商座谈会", "长青社区居民议事会", "和平社区居民议事会"}
    assert all(title in text for title in attended)
