"""社情民意统计 at the year's end: a member re-seated for another sector in a new term begun
in January still counts, for the year just ended, in the sector they sat in that year, on
the page and in its Excel; sectors with as many items come in their official order."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import SectorFactory, TermFactory, seat
from tests.html import table_rows
from tests.opinions.factories import make_opinion, member_user
from tests.xlsx import workbook
from xieshang.opinions.models import Opinion

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]


def test_the_year_just_ended_counts_in_the_sector_of_that_year(client, world):
    district = world["district"]
    year = timezone.localdate().year
    old = TermFactory(organisation=district, number=15, start_date=dt.date(year - 4, 1, 10))
    new = TermFactory(organisation=district, number=16, start_date=dt.date(year + 1, 1, 8))
    economy = SectorFactory(organisation=district, name="经济界", sort_order=1)
    science = SectorFactory(organisation=district, name="科技界", sort_order=2)
    zhang = world["member"]
    seat(zhang, old, sector=economy)
    seat(zhang, new, sector=science)
    make_opinion(zhang, state=Opinion.Status.SUBMITTED)

    client.force_login(world["office"])
    html = client.get(f"/opinions/stats/?year={year}").content.decode()
    assert [row[:2] for row in table_rows(html, "stats-members")] == [["张委员", "经济界"]]
    assert [row[0] for row in table_rows(html, "stats-sectors")] == ["经济界"]
    wb = workbook(client.get(f"/opinions/stats/?year={year}&format=xlsx"))
    assert [r[0] for r in wb["界别"].iter_rows(min_row=2, values_only=True)] == ["经济界"]


def test_sectors_with_as_many_items_come_in_official_order(client, world):
    district = world["district"]
    term = TermFactory(organisation=district)
    # Official order 民革 before 民盟, the reverse of their characters' code points.
    geming = SectorFactory(organisation=district, name="民革", sort_order=1)
    mengmeng = SectorFactory(organisation=district, name="民盟", sort_order=2)
    zhang, li = world["member"], world["other_member"]
    wang = member_user(world["district"], name="王委员")
    seat(zhang, term, sector=mengmeng)
    seat(li, term, sector=geming)
    seat(wang, term, sector=mengmeng)
    make_opinion(zhang, state=Opinion.Status.SUBMITTED)
    make_opinion(li, state=Opinion.Status.SUBMITTED)

    client.force_login(world["office"])
    year = timezone.localdate().year
    html = client.get(f"/opinions/stats/?year={year}").content.decode()
    assert [row[0] for row in table_rows(html, "stats-sectors")] == ["民革", "民盟"]
    make_opinion(wang, title="另一条", state=Opinion.Status.SUBMITTED)
    html = client.get(f"/opinions/stats/?year={year}").content.decode()
    assert [row[0] for row in table_rows(html, "stats-sectors")] == ["民盟", "民革"]
