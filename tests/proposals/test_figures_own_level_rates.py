"""The rate chart of a city's figures page: the city's own level (本级) with nothing
assigned has no on-time rate, drawn as no bar and said as 未交办 in its table, not as an
on-time rate of 0 % beside its districts'."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import user_with_role
from tests.proposals.test_figures import SAT, assignment
from tests.proposals.test_figures_yearend import chart
from xieshang.orgs.models import Role

pytestmark = [pytest.mark.clause("C4.6"), pytest.mark.clause("C2.9")]


def test_the_own_level_with_nothing_assigned_has_no_on_time_bar(client, world):
    on_time = dt.datetime(2026, 5, 20, 10)
    assignment(world, world.housing, submitted=on_time, category="A", ratings=[("zhang", SAT, SAT)])
    client.force_login(user_with_role(Role.OFFICE, world.city))
    query = {"organisation": world.city.pk, "year": 2026}
    page = client.get(reverse("proposals:figures"), query).content.decode()
    spec = chart(page, "chart-departments")
    own = f"{world.city.name}（本级）"
    rates = dict(zip(spec["labels"], spec["series"][0]["data"], strict=True))
    assert rates[own] is None and rates[world.district.name] == 100.0
    rows = {row[0]: row[1] for row in spec["rows"]}
    assert rows[own] == {"missing": "未交办"}
    start = page.index('id="chart-departments"')
    block = page[start : page.index("</figure>", start)]
    assert 'data-label="按时答复率">未交办</td>' in block
    assert 'data-label="按时答复率">0%' not in block
