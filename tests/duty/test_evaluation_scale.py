"""The yearly evaluation page costs a province office no more than a district office
(issue 14): it shows one organisation's term a page at a time (EVALUATION_PER_PAGE rows),
whatever the number of members in the tree below."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.duty.factories import YEAR, record
from tests.factories import MemberFactory, TermFactory, make_org, seat, user_with_role
from xieshang.duty.models import DutyKind
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db


def committee(name, level, parent=None, members=40):
    org = make_org(name, level, parent=parent)
    term = TermFactory(organisation=org, start_date=dt.date(2022, 1, 10))
    for i in range(members):
        member = MemberFactory(organisation=org, name=f"委员{i:03d}")
        seat(member, term)
        record(member, DutyKind.MEETING, quantity=i % 5)
    return org, user_with_role(Role.OFFICE, org)


def measure(client, user) -> tuple[int, int]:
    client.force_login(user)
    url = reverse("duty:evaluation") + f"?year={YEAR}"
    client.get(url)  # warm up: the score table, the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(response.content), len(queries)


def test_a_province_offices_evaluation_page_is_no_heavier_than_a_districts(client):
    province, province_office = committee("示范省政协", Level.PROVINCE)
    _district, district_office = committee("示范区政协", Level.DISTRICT, parent=province)
    district_bytes, district_queries = measure(client, district_office)
    province_bytes, province_queries = measure(client, province_office)
    for n in range(3):  # more districts, more members below the province
        committee(f"第{n}区政协", Level.DISTRICT, parent=province)
    grown_bytes, grown_queries = measure(client, province_office)

    # A province office's page has two fixed queries more: its reach for writing (which
    # committees below it stop at) and the chosen option of its committee switcher.
    assert province_queries == grown_queries <= district_queries + 2
    assert abs(grown_bytes - province_bytes) < 200
    assert province_bytes < district_bytes * 1.05, (district_bytes, province_bytes)
