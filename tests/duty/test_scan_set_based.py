"""The daily discipline scan works set-based (issue 14): a fixed number of queries however
many cases it raises, and still one audit row per case (who, when, from → to, why)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.duty.factories import YEAR, record
from tests.factories import MemberFactory, TermFactory, make_org, seat, user_with_role
from xieshang.core.models import Event
from xieshang.duty.models import DisciplineCase, DutyKind
from xieshang.duty.services import scan_discipline
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


def absent_members(org, term, n: int):
    members = MemberFactory.create_batch(n, organisation=org)
    for member in members:
        seat(member, term)
        record(member, DutyKind.PLENARY_ABSENCE_UNEXCUSED, date=dt.date(YEAR, 1, 10))
    return members


def scan_queries(org) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        created = scan_discipline(org, YEAR, yearly=False)
    return created, len(queries.captured_queries)


@pytest.mark.clause("C5.11")
def test_the_scan_costs_the_same_queries_for_3_cases_and_for_40():
    small, big = make_org("甲区政协"), make_org("乙区政协")
    for org, n in ((small, 3), (big, 40)):
        user_with_role(Role.OFFICE, org)
        absent_members(org, TermFactory(organisation=org, start_date=dt.date(2022, 1, 10)), n)
    created_small, queries_small = scan_queries(small)
    created_big, queries_big = scan_queries(big)
    assert (created_small, created_big) == (3, 40)
    assert queries_big <= queries_small  # the first scan also fills caches
    # Every case has its own audit row: the system raised it, from nothing to open.
    events = Event.objects.filter(verb="duty.case_raise", organisation=big)
    assert events.count() == 40
    cases = {
        str(pk)
        for pk in DisciplineCase.objects.filter(organisation=big).values_list("pk", flat=True)
    }
    assert {e.object_id for e in events} == cases
    event = events.first()
    assert event.actor is None and event.from_state == "" and event.to_state == "open"
    case = DisciplineCase.objects.get(pk=event.object_id)
    assert event.object_repr == f"{case.member.name} {case.get_rule_display()}"
    # Run again: nothing new, nothing audited twice.
    assert scan_discipline(big, YEAR, yearly=False) == 0
    assert Event.objects.filter(verb="duty.case_raise", organisation=big).count() == 40


def test_a_case_raised_meanwhile_is_not_raised_twice():
    from xieshang.duty.services import _raise_cases

    org = make_org()
    term = TermFactory(organisation=org, start_date=dt.date(2022, 1, 10))
    first, second = absent_members(org, term, 2)
    rule = DisciplineCase.Rule.ABSENCE_REMINDER
    # Another scan raised the first member's case after this one read the existing cases.
    DisciplineCase.objects.create(organisation=org, member=first, rule=rule, year=YEAR)
    wanted = [(first.pk, rule, "无故缺席全体会议1次"), (second.pk, rule, "无故缺席全体会议1次")]
    cases = _raise_cases(org, YEAR, wanted, set(), None)
    assert [c.member_id for c in cases] == [second.pk]
    assert DisciplineCase.objects.filter(organisation=org).count() == 2
