"""The member list costs the same for a province office whatever the size of the tree
(issue 14): its filters no longer carry every term, sector, special committee and activity
group of the province (about 5,000 choices, 410 KB) but search them on the server
(core.pickers), so the page's bytes and queries do not grow with more organisations and
members."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import user_with_role
from xieshang.orgs.models import ActivityGroup, Committee, Level, Role, Sector

from .factories import committee

pytestmark = pytest.mark.django_db

SURNAMES = "丁卜于万马王孔石田刘孙李杨张陈周赵黄彭董蔡潘"


def grow(province, districts: int, members_each: int, start: int) -> None:
    for d in range(start, start + districts):
        c = committee(f"第{d}区政协", parent=province)
        Sector.objects.bulk_create(
            Sector(organisation=c.org, name=f"界别{d}-{n}", sort_order=10 + n) for n in range(30)
        )
        Committee.objects.bulk_create(
            Committee(organisation=c.org, name=f"专委会{d}-{n}") for n in range(8)
        )
        ActivityGroup.objects.bulk_create(
            ActivityGroup(organisation=c.org, name=f"小组{d}-{n}") for n in range(6)
        )
        for i in range(members_each):
            c.member(f"{SURNAMES[(d + i) % len(SURNAMES)]}委员{d}{i}")


def measure(client, url: str) -> tuple[int, int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return len(response.content), len(queries), html


def test_the_province_member_list_does_not_grow_with_the_tree(client):
    province = committee("示范省政协", level=Level.PROVINCE)
    for i in range(60):  # more than a page (50) already
        province.member(f"{SURNAMES[i % len(SURNAMES)]}省委员{i}")
    clerk = user_with_role(Role.OFFICE, province.org, username="province_clerk")
    grow(province.org, districts=2, members_each=5, start=1)
    client.force_login(clerk)
    url = reverse("members:list")
    client.get(url)  # warm the caches of the first request
    small_bytes, small_queries, small = measure(client, url)

    grow(province.org, districts=14, members_each=5, start=3)  # 7 × the organisations
    big_bytes, big_queries, big = measure(client, url)

    assert big_queries == small_queries
    # The same fifty rows' worth of page: names differ a little, no list of choices grows.
    assert abs(big_bytes - small_bytes) < 1500, (small_bytes, big_bytes)
    assert len(re.findall("<option", big)) == len(re.findall("<option", small))
    assert "界别16-29" not in big
    # The choices are still there, one search away and only within the province's scope.
    found = client.get(
        reverse("picker", args=["member-sectors"]), {"q": "界别16-2", "multi": "1"}
    ).json()
    assert len(found["results"]) == 11  # 界别16-2, 界别16-20 … 界别16-29
    assert all("第16区政协" in r["text"] for r in found["results"])


def test_a_filter_picked_on_the_server_filters_and_a_foreign_one_is_refused(client):
    province = committee("示范省政协", level=Level.PROVINCE)
    grow(province.org, districts=1, members_each=0, start=1)
    c = committee("外省政协", level=Level.PROVINCE)
    mine = Sector.objects.get(name="界别1-3")
    province.member("王界别", sector=None)
    clerk = user_with_role(Role.OFFICE, province.org, username="province_clerk")
    client.force_login(clerk)
    # What the picker finds by pinyin initials, the filter takes.
    found = client.get(
        reverse("picker", args=["member-sectors"]), {"q": "jb13", "multi": "1"}
    ).json()["results"]
    assert str(mine.pk) in {r["value"] for r in found}
    assert not any("外省" in r["text"] for r in found)
    page = client.get(reverse("members:list"), {"sector": mine.pk})
    assert page.status_code == 200
    assert re.search(rf'<option value="{mine.pk}" selected>界别1-3', page.content.decode())
    # Another province's sector: refused with the form's message, the typed name kept.
    refused = client.get(reverse("members:list"), {"sector": c.sector.pk, "q": "王界别"})
    assert refused.status_code == 400
    assert 'id="filter-errors"' in refused.content.decode()
    assert 'value="王界别"' in refused.content.decode()
