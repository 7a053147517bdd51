"""A plan's version comparison shows a change to an item's source topic (来源议题) by the
topic's title, and versions kept before the topic was recorded still compare correctly."""

import pytest
from django.utils import translation

from xieshang.consultation import services
from xieshang.consultation.models import PlanVersion

pytestmark = pytest.mark.django_db

ITEM = "民营经济发展协商座谈"


def _hand_over_with_topic(world, topic):
    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office)
    plan.refresh_from_db()
    item = plan.items.get(title=ITEM)
    services.plan_item_save(
        plan=plan, actor=world.party_office, data={"topic": topic}, expected_version=plan.version,
        item=item,
    )  # fmt: skip
    services.plan_forward(plan=plan, actor=world.party_office)
    return plan


@pytest.mark.clause("C2.4")
def test_a_changed_source_topic_shows_in_the_comparison_by_its_title(world, client):
    topic = world.topic("关于民营企业融资难的协商")
    plan = _hand_over_with_topic(world, topic)
    rows = services.versions_diff(plan, 1, 2)
    assert [(r["item"], r["change"], r["field"], r["old"], r["new"]) for r in rows] == [
        (ITEM, "修改", "来源议题", "", "关于民营企业融资难的协商")
    ]
    with translation.override("en"):
        [row] = services.versions_diff(plan, 1, 2)
    assert row["field"] == "Source topic"

    client.force_login(world.office)
    page = client.get(f"/consultation/plans/{plan.pk}/diff/?a=1&b=2").text
    table = page.split('id="diff-table"')[1]
    assert "来源议题" in table and "关于民营企业融资难的协商" in table


def test_a_version_kept_without_the_source_topic_still_compares(world):
    topic = world.topic("关于民营企业融资难的协商")
    plan = _hand_over_with_topic(world, topic)
    # Both versions as they were kept before the source topic was recorded in snapshots.
    for version in PlanVersion.objects.filter(plan=plan):
        for row in version.snapshot["items"]:
            row.pop("topic", None)
        version.save()
    assert services.versions_diff(plan, 1, 2) == []
    # An old version against a new one: the topic is unknown before, not a change.
    services.plan_forward(plan=plan, actor=world.chair)
    newest = plan.versions.order_by("-number").first().number
    assert services.versions_diff(plan, 1, newest) == []
