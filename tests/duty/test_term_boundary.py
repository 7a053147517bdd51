"""A year's evaluation judges the members of that year's term: when the new term is seated
at the January plenary (换届), the office evaluating the year before in its first weeks
still lists the old term's members (their seats now 届满), not the new term's, who held no
seat that year."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.duty.factories import YEAR, member_with_user, record, setting
from tests.factories import TermFactory, seat
from xieshang.duty import selectors
from xieshang.duty.models import DutyKind
from xieshang.members.models import Membership

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C5.7")
def test_the_year_before_a_new_term_is_evaluated_with_the_old_terms_members(client):
    org, _old_term, office, leaving = setting()
    leaving.name = "甲届满"
    leaving.save(update_fields=["name"])
    record(leaving, DutyKind.INSPECTION, date=dt.date(YEAR, 12, 31))
    Membership.objects.filter(member=leaving).update(
        status=Membership.Status.TERM_ENDED, status_changed_on=dt.date(YEAR + 1, 1, 9)
    )
    new_term = TermFactory(organisation=org, number=16, start_date=dt.date(YEAR + 1, 1, 10))
    newcomer = member_with_user(org, name="乙新任")
    seat(newcomer, new_term)
    record(newcomer, DutyKind.INSPECTION, date=dt.date(YEAR + 1, 1, 20))

    assert [m.member for m, _s in selectors.evaluation_rows(org, YEAR)] == [leaving]
    assert [m.member for m, _s in selectors.evaluation_rows(org, YEAR + 1)] == [newcomer]
    client.force_login(office)
    page = client.get(reverse("duty:evaluation") + f"?year={YEAR}").content.decode()
    assert "甲届满" in page and "乙新任" not in page


@pytest.mark.clause("C5.7")
def test_the_years_annual_reports_are_printed_for_the_old_terms_members(client):
    from tests.duty.test_annual_report import text_of
    from tests.factories import SectorFactory

    org, old_term, office, leaving = setting()
    sector = SectorFactory(organisation=org, name="经济界")
    Membership.objects.filter(member=leaving).update(
        sector=sector, status=Membership.Status.TERM_ENDED
    )
    leaving.name = "甲届满"
    leaving.save(update_fields=["name"])
    new_term = TermFactory(organisation=org, number=16, start_date=dt.date(YEAR + 1, 1, 10))
    seat(member_with_user(org, name="乙新任"), new_term, sector=sector)
    client.force_login(office)
    page = client.get(reverse("duty:reports"), {"year": YEAR}).content.decode()
    assert "经济界" in page
    response = client.get(reverse("duty:reports_download"), {"year": YEAR, "sector": sector.pk})
    _reader, text = text_of(response.content)
    assert "甲届满" in text and "乙新任" not in text


@pytest.mark.clause("C5.10")
def test_a_member_who_resigned_after_the_year_is_still_evaluated_for_it():
    org, term, _office, stayed_year = setting()
    Membership.objects.filter(member=stayed_year).update(
        status=Membership.Status.RESIGNED, status_changed_on=dt.date(YEAR + 1, 1, 1)
    )
    left_in_year = member_with_user(org)
    seat(
        left_in_year,
        term,
        status=Membership.Status.REVOKED,
        status_changed_on=dt.date(YEAR, 12, 31),
    )
    evaluated = {m.member for m, _s in selectors.evaluation_rows(org, YEAR)}
    assert evaluated == {stayed_year}
    assert selectors.evaluation_rows(org, YEAR + 1) == []


@pytest.mark.clause("C5.11")
def test_the_yearly_discipline_scan_after_a_new_term_judges_the_old_terms_members():
    """The daily scan of 20 January judges the year before with that year's members: the
    old term's (届满, or resigned after the year), not the new term's, seated on 10 January."""
    import time_machine

    from xieshang.duty.models import DisciplineCase
    from xieshang.duty.services import scan_discipline

    org, old_term, _office, idle = setting()
    busy = member_with_user(org)
    seat(busy, old_term)
    for year in (YEAR - 1, YEAR):
        record(busy, DutyKind.PROPOSAL_FIRST, date=dt.date(year, 2, 1))
        record(busy, DutyKind.PLENARY_HALF_DAY, date=dt.date(year, 2, 1), quantity=16)
    resigned_after = member_with_user(org)
    seat(
        resigned_after,
        old_term,
        status=Membership.Status.RESIGNED,
        status_changed_on=dt.date(YEAR + 1, 1, 5),
    )
    Membership.objects.filter(term=old_term, status=Membership.Status.ACTIVE).update(
        status=Membership.Status.TERM_ENDED, status_changed_on=dt.date(YEAR + 1, 1, 9)
    )
    new_term = TermFactory(organisation=org, number=16, start_date=dt.date(YEAR + 1, 1, 10))
    newcomer = member_with_user(org)
    seat(newcomer, new_term)

    with time_machine.travel(dt.datetime(YEAR + 1, 1, 20, 2, 0, tzinfo=dt.UTC)):
        scan_discipline(org, YEAR)
    flagged = set(DisciplineCase.objects.values_list("member_id", "rule", "year"))
    Rule = DisciplineCase.Rule
    assert flagged == {
        (idle.pk, Rule.NO_CONTRIBUTION, YEAR),
        (idle.pk, Rule.LOW_SCORE, YEAR),
        (resigned_after.pk, Rule.NO_CONTRIBUTION, YEAR),
        (resigned_after.pk, Rule.LOW_SCORE, YEAR),
    }
