"""The duty PDFs are official documents: all Chinese when the member or the office browses
in English, the texts built before the template (title, section titles, duty kinds, grade)
as well as the template's."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.duty.factories import YEAR, record, setting
from tests.pdftext import english_words, pdf_text
from xieshang.duty.models import DutyKind
from xieshang.members.models import Membership

pytestmark = pytest.mark.django_db
K = DutyKind


def _in_english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def _compact(content: bytes) -> str:
    return "".join(pdf_text(content).split())


def test_the_certificate_is_all_chinese_for_a_member_browsing_in_english(client):
    _org, _term, _office, member = setting()
    record(member, K.INSPECTION, date=dt.date(YEAR, 5, 9), title="河湖长制视察")
    _in_english(client, member.user)
    form = client.get(reverse("duty:certificate")).content.decode()
    assert "Certificate" in form  # the page itself is English

    response = client.post(
        reverse("duty:certificate"), {"start_date": f"{YEAR}-01-01", "end_date": f"{YEAR}-12-31"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert english_words(response.content) == []
    assert "参加政协活动证明" in _compact(response.content)


def test_the_annual_report_is_all_chinese_for_a_member_browsing_in_english(client):
    _org, _term, _office, member = setting()
    running = timezone.localdate().year
    day = min(dt.date(running, 1, 2), timezone.localdate())
    record(member, K.MEETING, date=day, title="协商座谈会")
    record(member, K.PROPOSAL_FIRST, date=day, title="关于加装电梯的建议")
    _in_english(client, member.user)

    response = client.get(reverse("duty:my_report"), {"year": running})
    assert response.status_code == 200
    assert english_words(response.content) == []
    text = _compact(response.content)
    assert "一、会议出勤" in text and "考核等级：进行中" in text
    assert "参加会议活动1项" in text and "提案（第一提案人）1项" in text


def test_the_offices_batch_of_reports_is_all_chinese_in_english(client):
    org, term, office, member = setting()
    sector = org.sectors.create(name="经济界")
    Membership.objects.filter(member=member, term=term).update(sector=sector)
    record(member, K.INSPECTION, date=dt.date(YEAR, 5, 9), title="河湖长制视察")
    _in_english(client, office)

    response = client.get(reverse("duty:reports_download"), {"year": YEAR, "sector": sector.pk})
    assert response.status_code == 200
    assert english_words(response.content) == []
    assert "考核等级：" in _compact(response.content)
