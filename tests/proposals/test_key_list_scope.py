"""重点提案 is one committee's year at a time: a city or province office starts on its own
committee's key proposals of this year, and switches year or committee; nothing outside the
user's scope is offered."""

import datetime as dt

import pytest
import time_machine

from tests.factories import make_org, user_with_role
from xieshang.orgs.models import Level, Role
from xieshang.proposals.models import Proposal

S = Proposal.Status


def key(org, title, year):
    return Proposal.objects.create(
        organisation=org,
        year=year,
        title=title,
        status=S.ASSIGNED,
        key_status=Proposal.KeyStatus.APPROVED,
        proposer_body="民盟",
    )


@pytest.fixture
def tree(db):
    city = make_org("示范市政协", Level.CITY)
    district = make_org("示范区政协", Level.DISTRICT, parent=city)
    key(city, "关于全市养老服务的建议", 2026)
    key(city, "关于全市交通治理的建议", 2025)
    key(district, "关于本区加装电梯的建议", 2026)
    return city, district


@time_machine.travel(dt.datetime(2026, 5, 4, 2, tzinfo=dt.UTC))
def test_a_city_office_sees_its_own_committees_year_and_switches(client, tree):
    city, district = tree
    client.force_login(user_with_role(Role.PROPOSAL_COMMITTEE, city))
    page = client.get("/proposals/key/").content.decode()
    assert "关于全市养老服务的建议" in page
    assert "关于全市交通治理的建议" not in page and "关于本区加装电梯的建议" not in page
    assert "2026年度重点提案名单" in page and 'name="org"' in page
    page = client.get("/proposals/key/", {"year": 2025}).content.decode()
    assert "关于全市交通治理的建议" in page and "关于全市养老服务的建议" not in page
    page = client.get("/proposals/key/", {"org": district.pk}).content.decode()
    assert "关于本区加装电梯的建议" in page and "关于全市养老服务的建议" not in page


@time_machine.travel(dt.datetime(2026, 5, 4, 2, tzinfo=dt.UTC))
def test_a_district_committee_has_no_switcher_and_sees_only_its_own(client, tree):
    city, district = tree
    client.force_login(user_with_role(Role.PROPOSAL_COMMITTEE, district))
    page = client.get("/proposals/key/", {"org": city.pk}).content.decode()
    assert 'name="org"' not in page
    assert "关于本区加装电梯的建议" in page and "关于全市养老服务的建议" not in page
