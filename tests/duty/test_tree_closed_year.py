"""The roll-up page keeps a finished year's duty figures while nothing they rest on has
changed (issue 14: the province's page aggregated its 300,000 records of the year on every
visit). The database's triggers (duty 0013) move the year's stamp on any write of that
year's records, by the ORM or in bulk, and stamp 0 on any write of seats, terms, score
tables or organisations; a record of the running year moves nothing. On both databases,
at the real date: the triggers read the database's clock."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.duty.factories import record
from tests.factories import MemberFactory, TermFactory, make_org, seat, user_with_role
from xieshang.duty.models import DutyKind, DutyRecord, ScoreRule
from xieshang.duty.tree import tree_columns
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings):
    settings.CLOSED_YEAR_CACHE = True
    cache.clear()
    yield
    cache.clear()


def stamp(year: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM duty_yearstamp WHERE year = %s", [year])
        row = cursor.fetchone()
    return row[0] if row else 0


def test_a_finished_years_figures_are_kept_until_what_they_rest_on_changes(kept):
    this_year = timezone.localdate().year
    last = dt.date(this_year - 1, 6, 1)
    city = make_org("示范市政协", Level.CITY)
    east = make_org("东区政协", Level.DISTRICT, parent=city)
    term = TermFactory(organisation=east, start_date=dt.date(this_year - 3, 1, 10))
    member = MemberFactory(organisation=east, name="甲")
    seat(member, term)
    record(member, DutyKind.MEETING, quantity=2, date=last)  # 5 points each
    office = user_with_role(Role.OFFICE, city)

    def figures():
        with CaptureQueriesContext(connection) as ctx:
            group = tree_columns(office, city, [east], this_year)
        aggregated = any("duty_dutyrecord" in q["sql"] for q in ctx.captured_queries)
        return group.values[east.pk], aggregated

    assert figures() == ([1, 10], True)
    assert figures() == ([1, 10], False)  # kept

    # The running year's records move no stamp: the finished year stays kept.
    before = stamp(this_year - 1)
    record(member, DutyKind.MEETING, quantity=9, date=timezone.localdate())
    assert stamp(this_year - 1) == before and stamp(this_year) == 0
    assert figures() == ([1, 10], False)

    # A record of the finished year, added, changed in bulk, removed in bulk.
    late = record(member, DutyKind.MEETING, quantity=1, date=last)
    assert stamp(this_year - 1) > before
    assert figures() == ([1, 15], True)
    DutyRecord.objects.filter(pk=late.pk).update(quantity=3)
    assert figures() == ([1, 25], True)
    DutyRecord.objects.filter(pk=late.pk).delete()
    assert figures() == ([1, 10], True)
    assert figures() == ([1, 10], False)

    # What every year rests on: a seat, the year's score table.
    seat(MemberFactory(organisation=east, name="乙"), term)
    assert figures() == ([2, 5], True)
    ScoreRule.objects.create(
        organisation=east, year=this_year - 1, kind=DutyKind.MEETING, points=10
    )
    assert figures() == ([2, 10], True)
    assert figures() == ([2, 10], False)
