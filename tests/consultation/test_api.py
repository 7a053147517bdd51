import pytest

from xieshang.consultation.models import ConsultationPlan, Topic
from xieshang.core.models import ApiToken


def bearer(user) -> dict:
    _, raw = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.clause("C2.3")
def test_it_lists_and_creates_topics_through_the_api(world, client):
    world.topic("已有议题")
    response = client.post(
        "/api/v1/consultation/topics",
        {
            "organisation_id": world.district.pk,
            "title": "部门点题：优化政务服务",
            "source": "department",
            "topic_type": "deliberation",
            "focus_area_id": world.area("民营经济发展").pk,
            "proposer_name": "区住房和城乡建设局",
        },
        content_type="application/json",
        **bearer(world.housing_clerk),
    )
    assert response.status_code == 201, response.content
    assert response.json()["source_label"] == "部门点题"
    assert Topic.objects.get(title="部门点题：优化政务服务").submitted_by == world.housing_clerk

    response = client.get("/api/v1/consultation/topics", **bearer(world.office))
    titles = [t["title"] for t in response.json()["items"]]
    assert set(titles) == {"已有议题", "部门点题：优化政务服务"}
    response = client.get("/api/v1/consultation/topics", **bearer(world.other_office))
    assert response.json()["count"] == 0


@pytest.mark.clause("C2.4")
def test_it_moves_the_plan_through_the_api_with_the_same_rules(world, client):
    plan = world.passing_plan()
    url = f"/api/v1/consultation/plans/{plan.pk}"
    detail = client.get(url, **bearer(world.chair)).json()
    assert len(detail["items"]) == 5
    assert all(c["ok"] for c in detail["checks"])
    response = client.post(
        url + "/forward", {"note": ""}, content_type="application/json", **bearer(world.chair)
    )
    assert response.status_code == 403
    response = client.post(
        url + "/forward", {"note": "请会签"}, content_type="application/json",
        **bearer(world.office),
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["status"] == ConsultationPlan.Status.REVISION
    assert client.get(url, **bearer(world.other_office)).status_code == 404


@pytest.mark.clause("C2.7")
def test_it_lists_activities_and_outcomes_through_the_api(world, client):
    import datetime as dt

    from xieshang.consultation import services

    activity = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="界别协商",
        form="sector",
        date=dt.date(2026, 11, 2),
        place="区政协",
        sector=world.education_sector,
    )
    services.activity_hold(activity=activity, actor=world.office, attendance={})
    services.outcome_create(
        activity=activity, actor=world.office, kind="bulletin", title="专报", body="……"
    )
    acts = client.get("/api/v1/consultation/activities", **bearer(world.supervisor)).json()
    assert [a["title"] for a in acts["items"]] == ["界别协商"]
    # A draft outcome is the office's working text: the supervision office sees none yet.
    outs = client.get("/api/v1/consultation/outcomes", **bearer(world.supervisor)).json()
    assert outs["items"] == []
    outs = client.get("/api/v1/consultation/outcomes", **bearer(world.office)).json()
    assert outs["items"][0]["is_plan_outcome"] is False
    assert outs["items"][0]["status"] == "draft"
