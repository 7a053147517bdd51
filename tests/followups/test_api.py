import pytest

from tests.factories import DepartmentFactory, make_org, user_with_role
from xieshang.core.models import ApiToken
from xieshang.followups import services
from xieshang.followups.models import Task
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    district = make_org()
    dept = DepartmentFactory(organisation=district)
    other = DepartmentFactory(organisation=district)
    office = user_with_role(Role.OFFICE, district)
    clerk = user_with_role(Role.DEPARTMENT, district, department=dept)
    other_clerk = user_with_role(Role.DEPARTMENT, district, department=other)
    return locals()


def bearer(user) -> dict:
    _, raw = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def make(world, n, dept=None):
    return [
        services.task_open(
            organisation=world["district"],
            title=f"事项{i}",
            department=dept or world["dept"],
            working_days=10,
            actor=world["office"],
        )
        for i in range(n)
    ]


def test_it_requires_a_token(client):
    assert client.get("/api/v1/followups/").status_code == 401


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_is_scoped_with_a_fixed_query_count(client, world, n, django_assert_num_queries):
    make(world, n)
    make(world, 2, dept=world["other"])
    headers = bearer(world["clerk"])
    # token lookup, token touch, role assignments, count, page
    with django_assert_num_queries(5):
        response = client.get("/api/v1/followups/", **headers)
    data = response.json()
    assert data["count"] == n
    assert {item["department"] for item in data["items"]} == {world["dept"].name}


def test_feedback_through_the_api_uses_the_same_rules(client, world):
    (task,) = make(world, 1)
    response = client.post(
        f"/api/v1/followups/{task.pk}/feedback",
        {"text": "已办理完毕"},
        content_type="application/json",
        **bearer(world["other_clerk"]),
    )
    assert response.status_code == 404
    response = client.post(
        f"/api/v1/followups/{task.pk}/feedback",
        {"text": "  "},
        content_type="application/json",
        **bearer(world["clerk"]),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "请填写反馈内容。"
    response = client.post(
        f"/api/v1/followups/{task.pk}/feedback",
        {"text": "已办理完毕"},
        content_type="application/json",
        **bearer(world["clerk"]),
    )
    assert response.status_code == 200
    assert response.json()["status"] == Task.Status.SUBMITTED
