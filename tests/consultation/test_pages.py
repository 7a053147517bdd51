import datetime as dt

import pytest
from django.urls import reverse

from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm, ConsultationPlan, Outcome, TopicType
from xieshang.orgs import config


def _topics(world, count):
    for i in range(count):
        world.topic(f"议题{i:02d}号", description="说明")


# session, user, role assignments, unread count, count, rows, focus areas filter, session save
TOPIC_LIST_QUERIES = 10


@pytest.mark.clause("C2.3")
@pytest.mark.parametrize("count", [3, 30])
def test_it_lists_topics_with_a_fixed_number_of_queries(
    world, client, django_assert_num_queries, count
):
    _topics(world, count)
    client.force_login(world.office)
    with django_assert_num_queries(TOPIC_LIST_QUERIES):
        response = client.get(reverse("consultation:topics"))
    assert response.text.count("议题") >= count
    assert len(response.context["page"].object_list) == count


# session, user, roles, unread count, plan, items + departments + parties, three rules,
# versions, comments, history, the permission checks of the chain, session save
PLAN_PAGE_QUERIES = 17


@pytest.mark.clause("C2.4")
@pytest.mark.parametrize("count", [3, 12])
def test_it_shows_the_plan_with_a_fixed_number_of_queries(
    world, client, django_assert_num_queries, count
):
    config.set_value(world.district, "consultation.plan_max_items", 30, actor=world.office)
    plan = services.plan_create(organisation=world.district, year=2027, actor=world.office)
    for i in range(count):
        world.item(plan, f"事项{i:02d}", month=i % 12 + 1)
    client.force_login(world.office)
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        response = client.get(reverse("consultation:plan", args=[plan.pk]))
    assert len(response.context["items"]) == count
    assert "民主监督议题占比" in response.text


def _outcomes(world, count):
    activity = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="界别协商",
        form=ActivityForm.SECTOR,
        date=dt.date(2026, 11, 2),
        place="区政协",
        sector=world.education_sector,
    )
    services.activity_hold(activity=activity, actor=world.office, attendance={})
    for i in range(count):
        outcome = services.outcome_create(
            activity=activity,
            actor=world.office,
            kind=Outcome.Kind.BULLETIN,
            title=f"专报{i}",
            body="……",
            departments=[world.housing],
        )
        if i % 2:
            services.outcome_submit(outcome=outcome, actor=world.office)


# session, user, roles, unread count, count, rows, their follow-up tasks, session save
OUTCOME_LIST_QUERIES = 10


@pytest.mark.clause("C2.7")
@pytest.mark.parametrize("count", [3, 30])
def test_it_lists_outcomes_with_a_fixed_number_of_queries(
    world, client, django_assert_num_queries, count
):
    _outcomes(world, count)
    client.force_login(world.office)
    with django_assert_num_queries(OUTCOME_LIST_QUERIES):
        response = client.get(reverse("consultation:outcomes"))
    assert len(response.context["rows"]) == count
    submitted = [r for r in response.context["rows"] if r["tasks"]]
    assert len(submitted) == count // 2
    # Each submitted bulletin asks the housing bureau and both offices: 3 bodies.
    assert all(r["tasks"] == 3 and r["answered"] == 0 for r in submitted)


def test_it_hides_another_districts_plan_behind_404(world, client):
    plan = world.passing_plan()
    client.force_login(world.other_office)
    assert client.get(reverse("consultation:plan", args=[plan.pk])).status_code == 404
    assert client.get(reverse("consultation:plan", args=[99999])).status_code == 404
    assert client.post(reverse("consultation:plan_forward", args=[plan.pk]), {}).status_code == 404


@pytest.mark.clause("C2.2")
def test_it_shows_the_failed_check_when_the_office_tries_to_submit(world, client):
    plan = services.plan_create(organisation=world.district, year=2027, actor=world.office)
    for i, form in enumerate([ActivityForm.SPECIAL, ActivityForm.SYMPOSIUM,
                              ActivityForm.COUNTERPART, ActivityForm.SECTOR]):  # fmt: skip
        world.item(plan, f"议题{i}", form=form)
    client.force_login(world.office)
    page = client.get(reverse("consultation:plan", args=[plan.pk]))
    assert "占0%" in page.text
    response = client.post(
        reverse("consultation:plan_forward", args=[plan.pk]), {"forward-note": "请会签"}
    )
    assert response.status_code == 400
    assert "计划未通过检查，不能报送" in response.text
    assert "请会签" in response.text  # the note the user typed is kept
    plan.refresh_from_db()
    assert plan.status == ConsultationPlan.Status.DRAFT


@pytest.mark.clause("C2.4")
def test_it_keeps_a_stale_item_edit_and_says_so(world, client):
    plan = services.plan_create(organisation=world.district, year=2027, actor=world.office)
    item = world.item(plan, "原题目")
    stale_version = plan.version
    plan.refresh_from_db()
    world.item(plan, "别人新增的事项")
    client.force_login(world.office)
    response = client.post(
        reverse("consultation:plan_item", args=[plan.pk, item.pk]),
        {
            "title": "我改的题目",
            "form": ActivityForm.SPECIAL,
            "topic_type": TopicType.POLITICAL,
            "month": 4,
            "lead_leader": "刘副主席",
            "version": stale_version,
        },
    )
    assert response.status_code == 400
    assert "已在其他窗口或由他人修改" in response.text
    assert "我改的题目" in response.text
    item.refresh_from_db()
    assert item.title == "原题目"


@pytest.mark.clause("C2.4")
def test_it_shows_the_diff_between_versions(world, client):
    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office)
    world.item(
        plan, "政府办补充议题", actor=world.gov_office, topic_type=TopicType.SUPERVISION, month=10
    )
    services.plan_forward(plan=plan, actor=world.party_office)
    client.force_login(world.chair)
    response = client.get(reverse("consultation:plan_diff", args=[plan.pk]) + "?a=1&b=2")
    assert response.status_code == 200
    assert "政府办补充议题" in response.text
    assert "新增" in response.text


@pytest.mark.clause("C2.1")
def test_it_shows_the_dashboard_with_progress_checks_and_overdue_feedback(world, client):
    plan = world.publish(world.passing_plan(year=2026))
    assert plan.status == ConsultationPlan.Status.PUBLISHED
    client.force_login(world.office)
    response = client.get(reverse("consultation:dashboard") + "?year=2026")
    assert response.status_code == 200
    assert plan.title in response.text
    progress = {m["month"]: m for m in response.context["progress"]}
    assert progress[3]["planned"] == 1 and progress[3]["held"] == 0
    assert "议题按重点领域统计" in response.text
    assert "老旧小区改造提升专题协商" in response.text  # the key activity


@pytest.mark.django_db
def test_the_home_page_shows_the_plan_waiting_at_each_step(client):
    """Whoever holds the next step of the plan sees it waiting on their home page."""
    from tests.factories import make_org, user_with_role
    from xieshang.consultation.models import ConsultationPlan
    from xieshang.orgs.models import Role

    district = make_org()
    ConsultationPlan.objects.create(organisation=district, year=2027, title="2027年度协商计划")
    office = user_with_role(Role.OFFICE, district)
    party = user_with_role(Role.PARTY_OFFICE, district)
    client.force_login(office)
    assert "年度协商计划" in client.get("/").content.decode()
    client.force_login(party)
    assert "年度协商计划" not in client.get("/").content.decode()  # not at their step yet
