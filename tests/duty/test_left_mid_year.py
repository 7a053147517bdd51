"""A member who left during a year (辞去委员, 撤销委员资格) is left out of that year's
evaluation; their duty file and annual report keep the year's records and score, but never
a grade the evaluation does not give (a printed 不称职, or 进行中 "graded at the year's
end"): they read 不参加考核 and say when and why the member left."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.duty.factories import YEAR, member_with_user, record, setting
from tests.duty.test_annual_report import text_of
from tests.factories import seat
from xieshang.duty import selectors
from xieshang.duty.models import DutyKind
from xieshang.members.models import Membership

pytestmark = pytest.mark.django_db


def left_in(org, term, *, status=Membership.Status.RESIGNED, on=dt.date(YEAR, 6, 30)):
    member = member_with_user(org, name="甲离任")
    seat(member, term, status=status, status_changed_on=on)
    record(member, DutyKind.INSPECTION, date=dt.date(YEAR, 3, 2), title="河湖长制视察")
    return member


@pytest.mark.clause("C5.7")
@pytest.mark.clause("C5.10")
def test_the_file_of_a_member_who_left_during_the_year_gives_no_grade(client):
    org, term, office, _stayed = setting()
    member = left_in(org, term)
    assert member not in {m.member for m, _s in selectors.evaluation_rows(org, YEAR)}
    client.force_login(office)
    page = client.get(reverse("duty:member_file", args=[member.pk]), {"year": YEAR})
    html = page.content.decode()
    grade = html.split('id="duty-grade">')[1].split("<")[0]
    assert grade == "不参加考核"
    assert f"已于{YEAR}年6月30日辞去委员，不参加{YEAR}年度考核。" in html
    assert "河湖长制视察" in html  # the records stay

    # The year before the exit is graded as the evaluation grades it.
    html = client.get(
        reverse("duty:member_file", args=[member.pk]), {"year": YEAR - 1}
    ).content.decode()
    assert html.split('id="duty-grade">')[1].split("<")[0] == "不称职"
    assert "不参加" not in html


@pytest.mark.clause("C5.7")
def test_the_annual_report_of_a_revoked_member_prints_no_grade(client):
    org, term, office, _stayed = setting()
    member = left_in(org, term, status=Membership.Status.REVOKED, on=dt.date(YEAR, 9, 1))
    client.force_login(office)
    response = client.get(reverse("duty:member_report", args=[member.pk]), {"year": YEAR})
    _reader, text = text_of(response.content)
    assert "考核等级：不参加考核" in text
    assert f"已于{YEAR}年9月1日撤销委员资格，不参加{YEAR}年度考核。" in text
    assert "不称职" not in text
    assert "河湖长制视察" in text


@pytest.mark.clause("C5.7")
def test_a_member_who_leaves_after_the_year_keeps_that_years_grade(client):
    org, term, office, _stayed = setting()
    member = left_in(org, term, on=dt.date(YEAR + 1, 1, 5))
    client.force_login(office)
    response = client.get(reverse("duty:member_report", args=[member.pk]), {"year": YEAR})
    _reader, text = text_of(response.content)
    assert "考核等级：不称职" in text and "不参加" not in text


@pytest.mark.clause("C5.7")
def test_the_minimum_duties_of_a_year_not_assessed_are_not_asked(client):
    """The file and the annual report of a year the member is not graded in read 不参加考核，
    不作要求 for the minimum duties, not ✘ 未完成; a graded year still lists them."""
    from tests.pdftext import pdf_text

    org, term, office, _stayed = setting()
    member = left_in(org, term)
    client.force_login(office)
    url = reverse("duty:member_file", args=[member.pk])
    html = client.get(url, {"year": YEAR}).content.decode()
    minimum = html.split('id="duty-minimum">')[1].split("</ul>")[0]
    assert "不参加考核，不作要求" in minimum
    assert "✘" not in minimum and "未完成" not in minimum
    earlier = client.get(url, {"year": YEAR - 1}).content.decode()
    earlier = earlier.split('id="duty-minimum">')[1].split("</ul>")[0]
    assert "✘ 未完成" in earlier and "不作要求" not in earlier

    report = client.get(reverse("duty:member_report", args=[member.pk]), {"year": YEAR})
    text = "".join(pdf_text(report.content).split())
    assert "最低履职要求：不参加考核，不作要求。" in text
    assert "未完成" not in text
