"""A plan's versions compare what people changed, whatever language each hand-over was made
in, and read the product's words (form, type, month, 是/否) in the reader's language."""

import pytest
from django.utils import translation

from xieshang.consultation import services
from xieshang.consultation.models import PlanVersion

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C2.4")
def test_a_hand_over_made_in_english_does_not_show_every_item_as_changed(world):
    plan = world.passing_plan()
    with translation.override("en"):
        services.plan_forward(plan=plan, actor=world.office, note="please revise")
    plan.refresh_from_db()
    item = plan.items.get(title="民营经济发展协商座谈")
    services.plan_item_save(
        plan=plan, actor=world.party_office, data={"month": 6}, expected_version=plan.version,
        item=item,
    )  # fmt: skip
    services.plan_forward(plan=plan, actor=world.party_office)

    first = PlanVersion.objects.get(plan=plan, number=1)
    kept = {i["title"]: i for i in first.snapshot["items"]}
    assert kept["民营经济发展协商座谈"]["form"] == "协商座谈会"
    assert kept["民营经济发展协商座谈"]["month"] == "5月"
    assert kept["民营经济发展协商座谈"]["is_key"] == "否"

    rows = services.versions_diff(plan, 1, 2)
    assert [(r["item"], r["field"], r["old"], r["new"]) for r in rows] == [
        ("民营经济发展协商座谈", "计划月份", "5月", "6月")
    ]
    with translation.override("en"):
        rows = services.versions_diff(plan, 1, 2)
    assert [(r["old"], r["new"]) for r in rows] == [("May", "June")]
    # The change reads as a change; the edit buttons elsewhere, which share the Chinese
    # word 修改, read "Edit" (every edit button said "Changed").
    assert [r["change"] for r in rows] == ["Changed"]
    with translation.override("en"):
        assert translation.gettext("修改") == "Edit"


def test_a_version_kept_in_english_before_the_fix_still_compares_as_the_same(world):
    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office)
    plan.refresh_from_db()
    services.plan_forward(plan=plan, actor=world.party_office)
    first = PlanVersion.objects.get(plan=plan, number=1)
    snapshot = first.snapshot
    for row in snapshot["items"]:  # as an English hand-over kept them
        row.update(form="Consultation symposium", month="May", is_key="No")
    snapshot["items"] = [r for r in snapshot["items"] if r["title"] == "民营经济发展协商座谈"]
    first.snapshot = snapshot
    first.save()
    second = PlanVersion.objects.get(plan=plan, number=2)
    second.snapshot["items"] = [
        r for r in second.snapshot["items"] if r["title"] == "民营经济发展协商座谈"
    ]
    second.save()
    assert services.versions_diff(plan, 1, 2) == []


def test_the_versions_list_says_which_version_was_sent_back(world, client):
    from django.urls import reverse

    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office)
    services.plan_send_back(plan=plan, actor=world.party_office, note="请补充民生议题")
    services.plan_forward(plan=plan, actor=world.office)
    client.force_login(world.office)
    page = client.get(reverse("consultation:plan", args=[plan.pk])).content.decode()
    versions = page.split('id="plan-versions"')[1].split("</ul>")[0]
    rows = versions.split("<li")[1:]
    assert len(rows) == 3
    assert "退回" not in rows[0] and "报送" in rows[0]
    assert "退回" in rows[1]  # the revision step returned it to the office
    assert "退回" not in rows[2] and "报送" in rows[2]


def test_a_removed_item_reads_what_went(world):
    plan = world.passing_plan()
    world.item(plan, "临时增加的协商议题", month=10, topic_type="supervision")
    services.plan_forward(plan=plan, actor=world.office)
    plan.refresh_from_db()
    item = plan.items.get(title="临时增加的协商议题")
    services.plan_item_remove(
        plan=plan, item=item, actor=world.party_office, expected_version=plan.version
    )
    services.plan_forward(plan=plan, actor=world.party_office)
    [row] = services.versions_diff(plan, 1, 2)
    assert (row["item"], row["change"], row["new"]) == ("临时增加的协商议题", "删除", "")
    assert row["old"].startswith("10月 · 专题协商会 · 民主监督 · 刘副主席")


def test_the_approved_version_reads_as_published(world, client):
    from django.urls import reverse

    plan = world.publish(world.passing_plan())
    client.force_login(world.office)
    page = client.get(reverse("consultation:plan", args=[plan.pk])).content.decode()
    rows = page.split('id="plan-versions"')[1].split("</ul>")[0].split("<li")[1:]
    assert len(rows) == 4
    assert all("审定印发" not in row for row in rows[:3])
    assert "审定印发" in rows[3] and "报送" not in rows[3]
