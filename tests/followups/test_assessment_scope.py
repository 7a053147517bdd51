"""The assessment report (督查考核, C2.6) is one committee's units at a time: a province or
city office starts on its own units and switches to a committee beneath it, instead of one
page of every unit of the province."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import DepartmentFactory, make_org, user_with_role
from xieshang.followups import services
from xieshang.followups.models import Task
from xieshang.orgs.models import Level, Role


def task(org, dept, office):
    return services.task_open(
        organisation=org,
        title="督办事项",
        actor=office,
        kind=Task.Kind.INSTRUCTION,
        department=dept,
        start_date=dt.date(2026, 1, 5),
        due_date=dt.date(2026, 12, 30),
    )


@pytest.fixture
def tree(db):
    city = make_org("示范市政协", Level.CITY)
    district = make_org("示范区政协", Level.DISTRICT, parent=city)
    street = make_org("城关街道", Level.STREET, parent=district)
    community = make_org("东关社区", Level.COMMUNITY, parent=street)
    city_office = user_with_role(Role.OFFICE, city)
    district_office = user_with_role(Role.OFFICE, district)
    units = {
        "city": DepartmentFactory(organisation=city, name="市住房和城乡建设局"),
        "district": DepartmentFactory(organisation=district, name="区住房和城乡建设局"),
        "street": DepartmentFactory(organisation=street, name="城关街道办事处"),
        "community": DepartmentFactory(organisation=community, name="东关社区居委会"),
    }
    task(city, units["city"], city_office)
    task(district, units["district"], district_office)
    task(street, units["street"], district_office)
    task(community, units["community"], district_office)
    return {"city": city, "district": district, "city_office": city_office,
            "district_office": district_office}  # fmt: skip


def names(html: str) -> set[str]:
    return {n for n in ("市住房", "区住房", "城关街道办事处", "东关社区居委会") if n in html}


@pytest.mark.clause("C2.6")
def test_a_city_office_starts_on_its_own_units_and_switches_to_a_district(client, tree):
    client.force_login(tree["city_office"])
    page = client.get("/followups/assessment/?year=2026").content.decode()
    assert names(page) == {"市住房"}
    assert 'name="org"' in page  # the switcher, searched on the server
    page = client.get(f"/followups/assessment/?year=2026&org={tree['district'].pk}")
    html = page.content.decode()
    # The district's own units with its streets' and communities'.
    assert names(html) == {"区住房", "城关街道办事处", "东关社区居委会"}
    assert f"org={tree['district'].pk}&amp;format=xlsx" in html  # the export follows


def test_a_district_office_sees_its_whole_district_and_no_switcher(client, tree):
    client.force_login(tree["district_office"])
    page = client.get("/followups/assessment/?year=2026").content.decode()
    assert names(page) == {"区住房", "城关街道办事处", "东关社区居委会"}
    assert 'name="org"' not in page
    # Another committee's number in the address changes nothing.
    page = client.get(f"/followups/assessment/?year=2026&org={tree['city'].pk}").content.decode()
    assert names(page) == {"区住房", "城关街道办事处", "东关社区居委会"}


def test_an_organisation_outside_the_users_scope_is_refused_with_a_message(client, tree):
    other = make_org("另一市政协", Level.CITY)
    client.force_login(tree["city_office"])
    page = client.get(f"/followups/assessment/?year=2026&org={other.pk}").content.decode()
    assert "该组织不在您可选的范围内，请从列表中选择。" in page
    assert names(page) == {"市住房"}


def test_the_report_asks_the_same_number_of_queries_for_one_unit_or_many(client, tree):
    client.force_login(tree["city_office"])
    url = f"/followups/assessment/?year=2026&org={tree['district'].pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        street = make_org(f"街道{n}", Level.STREET, parent=tree["district"])
        task(street, DepartmentFactory(organisation=street), tree["district_office"])
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert html.count('class="fw-bold"') == 8
    assert len(many) == len(few)
