"""A city office's home card 督办事项 counts its own committee's tasks, which it acts on, not
its districts' (read only: their own office acts on them); the card opens the queue's 仅本级,
which lists exactly that many; 含下级政协 lists every task it reads (offices-fix)."""

import datetime as dt
import re

import pytest
import time_machine

from tests.factories import DepartmentFactory, make_org, user_with_role
from xieshang.followups import services
from xieshang.followups.models import Task
from xieshang.orgs.models import Level, Role

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]


def task(org, dept, office, title, due):
    return services.task_open(
        organisation=org,
        title=title,
        actor=office,
        kind=Task.Kind.OTHER,
        department=dept,
        start_date=dt.date(2026, 1, 5),
        due_date=due,
    )


@pytest.fixture
def tree(db):
    city = make_org("示范市政协", Level.CITY)
    district = make_org("示范区政协", Level.DISTRICT, parent=city)
    street = make_org("城关街道", Level.STREET, parent=city)
    city_office = user_with_role(Role.OFFICE, city)
    district_office = user_with_role(Role.OFFICE, district)
    city_unit = DepartmentFactory(organisation=city, name="市住建局")
    street_unit = DepartmentFactory(organisation=street, name="城关街道办事处")
    district_unit = DepartmentFactory(organisation=district, name="区住建局")
    task(city, city_unit, city_office, "市里的事项", dt.date(2026, 12, 30))
    task(street, street_unit, city_office, "市属街道的事项", dt.date(2026, 12, 30))
    for i in range(3):
        task(district, district_unit, district_office, f"区里的事项{i}", dt.date(2026, 2, 2))
    return {"city_office": city_office, "district_office": district_office}


def card_count(html: str) -> tuple[int, str, str]:
    """The 督办事项 card's number, link and text."""
    for url, body in re.findall(r'<a class="card[^"]*" href="([^"]*)">(.*?)</a>', html, re.S):
        title = re.search(r"card-title[^>]*>([^<]*)<span[^>]*>(\d+)</span>", body)
        if title and title.group(1).strip() == "督办事项":
            return int(title.group(2)), url.replace("&amp;", "&"), body
    raise AssertionError("no 督办事项 card")


def rows(html: str) -> int:
    return len(re.findall(r'<a href="/followups/\d+/">', html))


@time_machine.travel(dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC))
def test_the_city_card_counts_what_the_city_acts_on_and_opens_that_list(client, tree):
    client.force_login(tree["city_office"])
    home = client.get("/").content.decode()
    n, url, text = card_count(home)
    # The districts' three overdue tasks are neither counted nor flagged.
    assert n == 2 and "已逾期" not in text
    listed = client.get(url).content.decode()
    assert "市里的事项" in listed and "市属街道的事项" in listed and "区里的事项" not in listed
    assert rows(listed) == n
    # The whole subtree stays a click away, marked as read only.
    everything = client.get("/followups/?state=open").content.decode()
    assert "区里的事项0" in everything and "此处仅供查阅" in everything


@time_machine.travel(dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC))
def test_the_district_card_is_unchanged(client, tree):
    client.force_login(tree["district_office"])
    n, url, text = card_count(client.get("/").content.decode())
    assert n == 3 and "3项已逾期" in text and "level=own" not in url
    listed = client.get(url).content.decode()
    assert rows(listed) == 3 and "含下级政协" not in listed
