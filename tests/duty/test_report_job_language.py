"""A year-end clerk browsing in English prints a large sector's annual duty reports: the
background job's page reads English (its result sentence and the file's name, as the small
batch's download is named), while the PDF itself stays the Chinese official document."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.duty.factories import YEAR, record, setting
from tests.factories import MemberFactory, SectorFactory, seat
from tests.pdftext import english_words
from xieshang.core.jobs import Job
from xieshang.duty import annual_report
from xieshang.duty.models import DutyKind

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C5.7")
def test_an_english_clerks_report_job_says_in_english_what_it_made_and_the_pdf_stays_chinese(
    client, settings, django_capture_on_commit_callbacks
):
    settings.DUTY_REPORT_JOB_THRESHOLD = 2
    org, term, office, _member = setting()
    sector = SectorFactory(organisation=org, name="中共")
    for name in ("赵一", "丁二", "王三"):
        member = MemberFactory(organisation=org, name=name)
        seat(member, term, sector=sector)
        record(member, DutyKind.MEETING, date=dt.date(YEAR, 3, 2), title="协商座谈会")
    client.force_login(office)
    client.cookies["django_language"] = "en"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("duty:reports_download"), {"year": YEAR, "sector": sector.pk})
    job = Job.objects.get(kind=annual_report.JOB_KIND)
    assert response.url == reverse("job", args=[job.pk])

    page = client.get(reverse("job", args=[job.pk])).content.decode()
    assert "Annual duty reports generated for 3 members." in page
    assert "已生成" not in page
    name = f"Annual duty reports {YEAR}-中共.pdf"
    assert name in page

    download = client.get(reverse("job_download", args=[job.pk]))
    assert f"filename*=UTF-8''{quote(name)}" in download["Content-Disposition"]
    content = b"".join(download.streaming_content) if download.streaming else download.content
    assert english_words(content) == []  # the official document: Chinese throughout

    # The same name as a small batch downloaded straight from the page.
    settings.DUTY_REPORT_JOB_THRESHOLD = 15
    direct = client.get(reverse("duty:reports_download"), {"year": YEAR, "sector": sector.pk})
    assert f"filename*=UTF-8''{quote(name)}" in direct["Content-Disposition"]
