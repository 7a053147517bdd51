"""The annual reports' batch page for a year before the committee's first term: no one sat,
so it says so and counts no one, instead of offering the current term's members as that
year's; its year selector starts at the first term's year."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.duty.factories import setting
from xieshang.duty import annual_report

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.7")]


def test_a_year_before_the_first_term_prints_no_one_and_says_why(client):
    org, _term, office, member = setting()  # the term began in 2022
    sectors, _groups = annual_report.batch_choices(org, 2019)
    assert [s.n for s in sectors] == [0] * len(sectors)
    assert annual_report.report_seats(org, year=2019) == []
    client.force_login(office)
    page = client.get(reverse("duty:reports") + "?year=2019").content.decode()
    assert 'id="report-no-term"' in page and "2019年尚无届次" in page and "2022" in page
    page = client.get(reverse("duty:reports") + "?year=2022").content.decode()
    assert 'id="report-no-term"' not in page
    assert [s.member for s in annual_report.report_seats(org, year=2022)] == [member]


def test_the_year_selector_starts_at_the_first_terms_year(client):
    _org, term, office, _member = setting()
    this_year = timezone.localdate().year
    term.start_date = dt.date(this_year - 1, 1, 10)
    term.save(update_fields=["start_date"])
    client.force_login(office)
    html = client.get(reverse("duty:reports")).content.decode()
    select = html.split('name="year"', 1)[1].split("</select>", 1)[0]
    assert f'value="{this_year - 1}"' in select
    assert f'value="{this_year - 2}"' not in select


@pytest.mark.clause("C3.4")
def test_the_sector_contacts_report_says_a_year_before_the_first_term_had_no_one(client):
    _org, _term, office, _member = setting()
    client.force_login(office)
    page = client.get(reverse("duty:sector_contacts") + "?year=2019").content.decode()
    assert 'id="sector-contacts-no-term"' in page and "2019年尚无届次" in page and "2022" in page
    assert 'id="sector-contacts"' not in page  # no table of zeros
    page = client.get(reverse("duty:sector_contacts") + "?year=2022").content.decode()
    assert 'id="sector-contacts-no-term"' not in page and 'id="sector-contacts"' in page


def test_a_members_report_of_a_year_before_the_first_term_is_refused_with_the_reason(client):
    _org, _term, office, member = setting()
    client.force_login(member.user)
    response = client.get(reverse("duty:my_report") + "?year=2019")
    assert response.status_code == 400
    assert "2019年尚无届次，没有该年度的履职报告：年度应不早于2022年" in response.content.decode()
    client.force_login(office)
    response = client.get(reverse("duty:member_report", args=[member.pk]) + "?year=2021")
    assert response.status_code == 400 and "年度应不早于2022年" in response.content.decode()
    next_year = timezone.localdate().year + 1
    response = client.get(reverse("duty:member_report", args=[member.pk]) + f"?year={next_year}")
    assert response.status_code == 400 and f"{next_year}年尚未开始" in response.content.decode()
    response = client.get(reverse("duty:member_report", args=[member.pk]) + "?year=2022")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_members_file_of_a_year_before_the_first_term_has_no_grade(client):
    _org, _term, _office, member = setting()
    client.force_login(member.user)
    page = client.get(reverse("duty:my_file") + "?year=2021").content.decode()
    assert 'id="duty-no-term"' in page and "年度应不早于2022年" in page
    assert 'id="duty-grade"' not in page and 'id="duty-report-link"' not in page
    page = client.get(reverse("duty:my_file") + "?year=2022").content.decode()
    assert 'id="duty-no-term"' not in page and 'id="duty-grade"' in page
