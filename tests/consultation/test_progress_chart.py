"""Consultation plan progress (issue 12, C4.9): the dashboard charts the planned and held
activities per month — the numbers of its progress table."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.clause("C4.9")]


def test_the_dashboard_charts_the_plan_progress_per_month(world, client):
    plan = world.publish(world.passing_plan(year=2026))
    client.force_login(world.office)
    response = client.get(reverse("consultation:dashboard") + "?year=2026")
    block = re.search(
        r'<script id="chart-plan-progress-data" type="application/json">(.*?)</script>',
        response.text,
    )
    spec = json.loads(block.group(1))
    planned, held = (s["data"] for s in spec["series"])
    assert planned == [m["planned"] for m in response.context["progress"]]
    assert sum(planned) == plan.items.count() and sum(held) == 0
    assert f"年度协商计划共{plan.items.count()}项，已开展0项。" in response.text
