"""Grassroots issues (issue 12): the statistics page charts its own rows (raised, settled at
the deliberation meeting, answered) per child node, rolled up over the subtree (C2.9)."""

import json
import re

import pytest
from django.urls import reverse

from tests.residents.conftest import routed

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]


def test_the_statistics_page_charts_the_issues_of_each_node(client, world):
    routed(world)
    client.force_login(world["city_office"])
    html = client.get(reverse("residents:stats")).content.decode()
    block = re.search(
        r'<script id="chart-resident-issues-data" type="application/json">(.*?)</script>', html
    )
    spec = json.loads(block.group(1))
    assert "示范区政协" in spec["labels"]
    raised = dict(zip(spec["labels"], spec["series"][0]["data"], strict=True))
    assert raised["示范区政协"] == 1 and sum(raised.values()) == 1
    assert [s["name"] for s in spec["series"]] == ["群众反映", "议事会协商解决", "已答复"]
