"""The member's annual duty report (年度履职报告, C5.7): a PDF in the official layout from the
ledger; a member downloads their own, the office prints a whole sector or group at once."""

import datetime as dt
import io
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.duty.factories import YEAR, member_with_user, record, setting
from tests.factories import (
    DepartmentFactory,
    MemberFactory,
    SectorFactory,
    TermFactory,
    make_org,
    seat,
    user_with_role,
)
from xieshang.core.jobs import Job
from xieshang.duty import annual_report
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.members.models import Membership
from xieshang.orgs.models import ActivityGroup, Role

pytestmark = pytest.mark.django_db
K = DutyKind
DONE = YEAR - 1  # a finished year: graded


def text_of(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    return reader, "".join(text.split())


def busy_year(member, year=DONE):
    """95 points: 优秀."""
    day = min(dt.date(year, 3, 2), timezone.localdate())  # never after today
    record(member, K.PLENARY_HALF_DAY, date=day, quantity=4, title="区政协全体会议")
    record(member, K.MEETING, date=day, quantity=8, title="协商座谈会")
    record(member, K.PROPOSAL_FIRST, date=day, title="关于加装电梯的建议")
    record(member, K.OPINION_SUBMITTED, date=day, title="关于农贸市场改造的情况反映")
    record(member, K.PLENARY_SPEECH, date=day, title="大会发言：城市更新")
    record(member, K.INSPECTION, date=day, title="河湖长制视察")


@pytest.mark.clause("C5.7")
def test_a_member_downloads_their_own_report_with_counts_score_and_grade(client):
    _org, _term, _office, member = setting()
    busy_year(member)
    record(
        member,
        K.INSPECTION,
        date=dt.date(DONE, 5, 1),
        title="待审核的调研",
        status=DutyRecord.Status.PENDING,
    )
    client.force_login(member.user)
    page = client.get(reverse("duty:my_file") + f"?year={DONE}").content.decode()
    assert reverse("duty:my_report") + f"?year={DONE}" in page

    response = client.get(reverse("duty:my_report"), {"year": DONE})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    _reader, text = text_of(response.content)
    assert f"{DONE}年度政协委员履职报告" in text
    assert member.name in text
    for heading in ("会议出勤", "提交提案", "反映社情民意信息", "发言", "参加活动"):
        assert heading in text
    assert "出席全体会议（半天）1项" in text and "关于加装电梯的建议" in text
    assert "大会发言：城市更新" in text and "河湖长制视察" in text
    # Only what the office confirmed is in the official report.
    assert "待审核的调研" not in text
    assert "年度得分：95分" in text and "考核等级：优秀" in text
    assert "进行中" not in text


@pytest.mark.clause("C5.7")
def test_a_year_still_running_shows_the_score_so_far_and_no_grade(client):
    _org, _term, _office, member = setting()
    running = timezone.localdate().year
    busy_year(member, running)
    client.force_login(member.user)
    _reader, text = text_of(client.get(reverse("duty:my_report"), {"year": running}).content)
    assert "年度得分：95分" in text and "考核等级：进行中" in text
    assert "优秀" not in text and "年度尚未结束" in text


@pytest.mark.clause("C5.7")
def test_nobody_gets_a_report_their_role_does_not_allow(client):
    org, term, office, member = setting()
    other = member_with_user(org)
    seat(other, term)
    client.force_login(other.user)
    assert client.get(reverse("duty:member_report", args=[member.pk])).status_code == 404
    assert client.get(reverse("duty:reports")).status_code == 403

    department = user_with_role(
        Role.DEPARTMENT, org, department=DepartmentFactory(organisation=org)
    )
    client.force_login(department)
    assert client.get(reverse("duty:my_report")).status_code == 404
    assert client.get(reverse("duty:member_report", args=[member.pk])).status_code == 404
    assert client.get(reverse("duty:reports")).status_code == 403
    sector = SectorFactory(organisation=org)
    url = reverse("duty:reports_download") + f"?year={DONE}&sector={sector.pk}"
    assert client.get(url).status_code == 403

    # The office prints any member's report from the member's file.
    client.force_login(office)
    page = client.get(reverse("duty:member_file", args=[member.pk])).content.decode()
    assert reverse("duty:member_report", args=[member.pk]) in page
    response = client.get(reverse("duty:member_report", args=[member.pk]), {"year": DONE})
    assert response.status_code == 200 and member.name in text_of(response.content)[1]
    # Another committee's office does not.
    elsewhere = user_with_role(Role.OFFICE, make_org("另一区政协"))
    client.force_login(elsewhere)
    assert client.get(reverse("duty:member_report", args=[member.pk])).status_code == 404


def sector_of_three(org, term):
    sector = SectorFactory(organisation=org, name="经济界")
    names = ["赵一", "丁二", "王三"]  # 9, 2 and 4 strokes
    members = []
    for name in names:
        m = MemberFactory(organisation=org, name=name)
        seat(m, term, sector=sector)
        members.append(m)
    return sector, members


@pytest.mark.clause("C5.7")
def test_the_office_prints_a_whole_sector_in_one_file_in_stroke_order(client):
    org, term, office, member = setting()
    sector, members = sector_of_three(org, term)
    busy_year(members[0])
    gone = MemberFactory(organisation=org, name="钱退")
    seat(gone, term, sector=sector, status=Membership.Status.REVOKED)
    # `member` sits in no sector: not in this batch.
    client.force_login(office)
    page = client.get(reverse("duty:reports"), {"year": DONE}).content.decode()
    download = reverse("duty:reports_download") + f"?year={DONE}&amp;sector={sector.pk}"
    assert "经济界" in page and download in page

    response = client.get(reverse("duty:reports_download"), {"year": DONE, "sector": sector.pk})
    assert response.status_code == 200
    reader, text = text_of(response.content)
    positions = [text.index(name) for name in ("丁二", "王三", "赵一")]
    assert positions == sorted(positions)
    assert member.name not in text and "钱退" not in text
    assert text.count("政协委员履职报告") == 3
    # Each member's report starts on a page of its own, numbered from 1.
    first_pages = [
        p for p in reader.pages if "年度政协委员履职报告" in "".join(p.extract_text().split())
    ]
    assert len(first_pages) == 3
    assert all("—1—" in "".join(p.extract_text().split()) for p in first_pages)
    assert "考核等级：优秀" in text and text.count("考核等级：不称职") == 2


@pytest.mark.clause("C5.7")
def test_the_office_prints_an_activity_group(client):
    org, term, office, _member = setting()
    group = ActivityGroup.objects.create(organisation=org, name="第一活动小组")
    inside = MemberFactory(organisation=org, name="孙组员")
    seat(inside, term, activity_group=group)
    client.force_login(office)
    response = client.get(reverse("duty:reports_download"), {"year": DONE, "group": group.pk})
    _reader, text = text_of(response.content)
    assert "孙组员" in text and "第一活动小组" in text


def test_another_committees_sector_reads_as_missing(client):
    org, _term, office, _member = setting()
    foreign = SectorFactory(organisation=make_org("另一区政协"))
    client.force_login(office)
    url = reverse("duty:reports_download")
    assert client.get(url, {"year": DONE, "sector": foreign.pk}).status_code == 404
    assert client.get(url, {"year": DONE}).status_code == 404


@pytest.mark.clause("C5.7")
def test_a_large_batch_runs_as_a_job_whose_file_only_its_owner_downloads(
    client, settings, django_capture_on_commit_callbacks
):
    settings.DUTY_REPORT_JOB_THRESHOLD = 2
    org, term, office, _member = setting()
    sector, _members = sector_of_three(org, term)
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("duty:reports_download"), {"year": DONE, "sector": sector.pk})
    job = Job.objects.get(kind=annual_report.JOB_KIND)
    assert response.status_code == 302 and response.url == reverse("job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    download = client.get(reverse("job_download", args=[job.pk]))
    # A PDF, named in Chinese as the small batch's download is (RFC 6266 filename*).
    assert download["Content-Type"] == "application/pdf"
    name = quote(f"{DONE}年度委员履职报告-{sector.name}.pdf")
    assert "attachment; filename=" in download["Content-Disposition"]
    assert f"filename*=UTF-8''{name}" in download["Content-Disposition"]
    content = b"".join(download.streaming_content) if download.streaming else download.content
    _reader, text = text_of(content)
    assert all(name in text for name in ("丁二", "王三", "赵一"))

    client.force_login(user_with_role(Role.OFFICE, org))
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 404


def test_a_batch_costs_the_same_queries_whatever_its_size():
    org, term, _office, _member = setting()
    sector = SectorFactory(organisation=org)

    def count(n):
        for _i in range(n):
            m = MemberFactory(organisation=org)
            seat(m, term, sector=sector)
            busy_year(m)
        seats = annual_report.report_seats(org, sector=sector)
        annual_report.build(org, DONE, [(s.member, s) for s in seats])  # score table made once
        with CaptureQueriesContext(connection) as queries:
            seats = annual_report.report_seats(org, sector=sector)
            annual_report.build(org, DONE, [(s.member, s) for s in seats])
        return len(queries)

    assert count(2) == count(4)


@pytest.mark.clause("C5.7")
def test_a_past_years_report_names_the_seat_held_that_year_not_todays(client):
    """A member re-seated in a new term under another sector: last term's year reads last
    term's sector and term; the new term's year reads the new seat."""
    org, old_term, _office, member = setting()
    Membership.objects.filter(member=member, term=old_term).update(
        sector=SectorFactory(organisation=org, name="经济界"),
        status=Membership.Status.TERM_ENDED,
    )
    new_term = TermFactory(organisation=org, number=16, start_date=dt.date(DONE + 1, 1, 8))
    seat(member, new_term, sector=SectorFactory(organisation=org, name="教育界"))
    busy_year(member)
    client.force_login(member.user)

    _reader, text = text_of(client.get(reverse("duty:my_report"), {"year": DONE}).content)
    assert "经济界" in text and "教育界" not in text
    assert str(old_term).replace(" ", "") in text

    _reader, text = text_of(client.get(reverse("duty:my_report"), {"year": DONE + 1}).content)
    assert "教育界" in text and "经济界" not in text
