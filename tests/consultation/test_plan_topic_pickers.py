"""The plan item form's source topic and participating departments, and the topic page's
merge target, are server-searched pickers (issue 14): the page carries only the chosen
option, the sources find the plan's (or topic's) organisation's open topics and units for
whoever may edit the plan (or manage the topics), and one from another district is refused
with what was typed kept."""

import re

import pytest

from tests.factories import DepartmentFactory
from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm, PlanItem, Topic, TopicType

pytestmark = pytest.mark.django_db


def select(page: str, name: str) -> str:
    return re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)


def options(block: str) -> list[str]:
    found = re.findall(r"<option[^>]*>([^<]*)</option>", block)
    return [text for text in found if text not in ("请选择", "（无）")]


def ask(client, source, status=200, **params):
    response = client.get(f"/pickers/{source}/", params)
    assert response.status_code == status
    return [row["text"] for row in response.json()["results"]] if status == 200 else None


def foreign_topic(world, title="另一区老旧小区加装电梯"):
    return services.topic_create(
        organisation=world.other,
        actor=world.other_office,
        title=title,
        source=Topic.Source.CPPCC,
        proposer_name="另一区",
        topic_type=TopicType.POLITICAL,
    )


def test_the_plan_item_form_searches_topics_and_departments_on_the_server(client, world):
    lift = world.topic("关于老旧小区加装电梯的协商")
    world.topic("河道生态治理", focus_area=world.area("生态环境建设"))
    elsewhere = foreign_topic(world)
    foreign_unit = DepartmentFactory(organisation=world.other, name="另一区教育局")
    plan = services.plan_create(organisation=world.district, year=2027, actor=world.office)
    client.force_login(world.office)
    url = f"/consultation/plans/{plan.pk}/items/new/"

    page = client.get(url).content.decode()
    topics = select(page, "topic")
    assert f'data-picker-source="/pickers/consultation-plan-topics/?plan={plan.pk}"' in topics
    assert options(topics) == []
    units = select(page, "departments")
    org = world.district.pk
    source = f"/pickers/departments/?perm=consultation.plan_draft&amp;organisation={org}"
    assert f'data-picker-source="{source}"' in units
    assert options(units) == [] and "区教育局" not in page

    plan_scope = {"plan": plan.pk}
    assert ask(client, "consultation-plan-topics", **plan_scope, q="电梯") == [lift.title]
    assert ask(client, "consultation-plan-topics", **plan_scope, q="hdst") == ["河道生态治理"]
    unit_scope = {"perm": "consultation.plan_draft", "organisation": org}
    assert ask(client, "departments", **unit_scope, q="教育") == ["区教育局"]
    # Another district's office may not edit this plan, nor sees this district's units.
    client.force_login(world.other_office)
    ask(client, "consultation-plan-topics", status=403, **plan_scope, q="电梯")
    assert ask(client, "departments", **unit_scope, q="教育") == []

    client.force_login(world.office)
    data = {
        "title": "",
        "form": ActivityForm.SPECIAL,
        "topic_type": "",
        "focus_area": "",
        "month": 6,
        "lead_leader": "刘副主席",
        "committee": "",
        "version": plan.version,
    }
    for field, value in (("topic", elsewhere.pk), ("departments", foreign_unit.pk)):
        other = {"topic": lift.pk} if field == "departments" else {}
        response = client.post(url, {**data, **other, field: value})
        assert response.status_code == 400, field
        page = response.content.decode()
        assert "选择一个有效的选项" in page and 'value="刘副主席"' in page
        assert "另一区" not in select(page, field)
    assert not PlanItem.objects.exists()

    response = client.post(url, {**data, "topic": lift.pk, "departments": [world.education.pk]})
    assert response.status_code == 302
    item = PlanItem.objects.get()
    assert item.topic == lift and item.title == lift.title
    assert list(item.departments.all()) == [world.education]
    page = client.get(f"/consultation/plans/{plan.pk}/items/{item.pk}/").content.decode()
    assert options(select(page, "topic")) == [lift.title]
    assert options(select(page, "departments")) == ["区教育局"]


def test_the_merge_target_is_searched_on_the_server_similar_topics_first(client, world):
    lift = world.topic("关于老旧小区加装电梯的协商", description="老旧小区加装电梯资金分摊难")
    dup = world.topic("老旧小区加装电梯问题", description="加装电梯资金分摊和审批")
    river = world.topic("河道生态治理", focus_area=world.area("生态环境建设"))
    elsewhere = foreign_topic(world)
    client.force_login(world.office)
    url = f"/consultation/topics/{dup.pk}/"

    block = select(client.get(url).content.decode(), "into")
    assert f'data-picker-source="/pickers/consultation-merge/?topic={dup.pk}"' in block
    assert options(block) == []

    scope = {"topic": dup.pk}
    assert ask(client, "consultation-merge", **scope)[0] == lift.title  # the similar one
    assert set(ask(client, "consultation-merge", **scope)) == {lift.title, river.title}
    assert ask(client, "consultation-merge", **scope, q="河道") == [river.title]
    assert ask(client, "consultation-merge", **scope, q="另一区") == []
    client.force_login(world.other_office)
    ask(client, "consultation-merge", status=403, **scope)

    client.force_login(world.office)
    response = client.post(f"{url}merge/", {"into": elsewhere.pk, "note": "同一事项"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "选择一个有效的选项" in page and 'value="同一事项"' in page
    dup.refresh_from_db()
    assert dup.status == Topic.Status.OPEN

    response = client.post(f"{url}merge/", {"into": lift.pk, "note": "同一事项"})
    assert response.status_code == 302
    dup.refresh_from_db()
    assert dup.merged_into == lift
