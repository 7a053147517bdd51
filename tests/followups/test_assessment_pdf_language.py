"""The assessment report's PDF (督查考核, C2.6) is an official document: all Chinese when
the office browses in English, its title and the rows' category labels (built before the
template) as well as the template's headers."""

import datetime as dt

import pytest

from tests.factories import DepartmentFactory, make_org, user_with_role
from tests.pdftext import english_words, pdf_text
from xieshang.followups import services
from xieshang.followups.models import Task
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C2.6")
def test_the_assessment_pdf_is_all_chinese_for_an_office_browsing_in_english(client):
    district = make_org("示范区政协", Level.DISTRICT)
    office = user_with_role(Role.OFFICE, district)
    services.task_open(
        organisation=district,
        title="督办事项",
        actor=office,
        kind=Task.Kind.INSTRUCTION,
        department=DepartmentFactory(organisation=district, name="区住房和城乡建设局"),
        start_date=dt.date(2026, 1, 5),
        due_date=dt.date(2026, 12, 30),
    )
    client.force_login(office)
    client.cookies["django_language"] = "en"
    page = client.get("/followups/assessment/?year=2026").content.decode()
    assert "Total" in page  # the page follows the reader

    response = client.get("/followups/assessment/?year=2026&format=pdf")
    assert response["Content-Type"] == "application/pdf"
    assert english_words(response.content) == []
    text = "".join(pdf_text(response.content).split())
    assert "2026年度承办单位督办落实情况" in text
    assert "区住房和城乡建设局领导批示落实1" in text
