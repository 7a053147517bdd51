"""A member added during the term (增补, by 新增委员 or the Excel import) is evaluated from
the year their seat began: the years already past do not list them as 0分 不称职, in the
evaluation, its roll-up, the batch annual reports or the member's own file."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.duty.factories import YEAR, setting
from xieshang.duty import annual_report, selectors
from xieshang.members import services
from xieshang.members.models import Membership

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.7")]


def test_a_member_added_this_year_is_not_evaluated_in_the_years_before(client):
    org, term, office, stayed = setting()
    data = services.MemberInput(member={"name": "乙增补", "gender": "F"}, seat={})
    added = services.member_create(organisation=org, term=term, data=data, actor=office)
    today = dt.date.today()
    assert Membership.objects.get(member=added).start_date == today

    # Last year: the evaluation, the batch reports and the file leave the new seat out.
    evaluated = {m.member for m, _s in selectors.evaluation_rows(org, YEAR)}
    assert stayed in evaluated and added not in evaluated
    assert added not in {s.member for s in annual_report.report_seats(org, year=YEAR)}
    client.force_login(office)
    html = client.get(reverse("duty:evaluation"), {"year": YEAR}).content.decode()
    assert "乙增补" not in html
    url = reverse("duty:member_file", args=[added.pk])
    html = client.get(url, {"year": YEAR}).content.decode()
    assert html.split('id="duty-grade">')[1].split("<")[0] == "不参加考核"
    assert f"{today.year}年{today.month}月{today.day}日起任委员，不参加{YEAR}年度考核。" in html

    # This year evaluates the seat like any other.
    assert added in {m.member for m, _s in selectors.evaluation_rows(org, today.year)}
    html = client.get(url, {"year": today.year}).content.decode()
    assert "不参加" not in html


def test_a_member_entered_before_the_term_began_is_evaluated_from_its_first_year():
    org, term, office, _stayed = setting()
    # The roster of a term is often entered before its first plenary.
    term.start_date = dt.date.today() + dt.timedelta(days=30)
    term.save(update_fields=["start_date"])
    data = services.MemberInput(member={"name": "丙首届", "gender": "M"}, seat={})
    member = services.member_create(organisation=org, term=term, data=data, actor=office)
    assert Membership.objects.get(member=member).start_date is None
