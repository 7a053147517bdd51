"""/api/v1/proposals/: the same scope, services and errors as the pages."""

import datetime as dt

import pytest
import time_machine

from tests.proposals.conftest import PROPOSAL_TEXT, submitted
from xieshang.core.models import ApiToken, Event
from xieshang.proposals import services
from xieshang.proposals.models import Assignment, Proposal

S = Proposal.Status
URL = "/api/v1/proposals/"

# Member operations through a member's token as a future member app would reach them
# (deployed, a member's token is refused: tests/api/test_token_holder.py).
pytestmark = pytest.mark.usefixtures("frozen", "member_tokens_allowed")


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)):
        yield


def bearer(user) -> dict:
    _, raw = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, url, body, user):
    return client.post(url, body, content_type="application/json", **bearer(user))


def test_it_requires_a_token(client):
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize("n", [3, 30])
def test_the_list_is_scoped_with_a_fixed_query_count(client, world, n, django_assert_num_queries):
    for i in range(n):
        submitted(world, title=f"关于老旧小区加装电梯的建议{i}")
    services.proposal_create(actor=world.user("wang"), organisation=world.district, **PROPOSAL_TEXT)
    headers = bearer(world.reviewer)
    # token lookup, token touch, role assignments, member of the user, count, page
    with django_assert_num_queries(6):
        response = client.get(URL, **headers)
    data = response.json()
    assert data["count"] == n  # wang's draft is not the committee's business
    assert all(item["status"] == S.SUBMITTED for item in data["items"])
    assert data["items"][0]["organisation"] == "示范区政协"


def test_members_see_their_own_and_other_districts_see_nothing(client, world):
    mine = submitted(world, "zhang")
    submitted(world, "wang", title="关于增设社区托育点的建议")
    draft = services.proposal_create(
        actor=world.user("zhang"), organisation=world.district, **PROPOSAL_TEXT
    )
    data = client.get(URL, **bearer(world.user("zhang"))).json()
    assert {item["id"] for item in data["items"]} == {mine.pk, draft.pk}
    assert client.get(URL, **bearer(world.other_reviewer)).json()["count"] == 0
    assert client.get(f"{URL}{mine.pk}", **bearer(world.other_reviewer)).status_code == 404
    assert client.get(f"{URL}{draft.pk}", **bearer(world.reviewer)).status_code == 404


def test_the_list_filters_by_status_year_and_words(client, world):
    elevator = submitted(world)
    childcare = submitted(
        world,
        "wang",
        title="关于增设社区托育点的建议",
        facts="婴幼儿托育服务供给不足。",
        analysis="普惠性托位少。",
    )
    services.proposal_accept(proposal=childcare, actor=world.reviewer)
    headers = bearer(world.reviewer)
    by_status = client.get(URL, {"status": "accepted"}, **headers).json()
    assert [i["id"] for i in by_status["items"]] == [childcare.pk]
    by_words = client.get(URL, {"q": "加装电梯 老旧小区"}, **headers).json()
    assert [i["id"] for i in by_words["items"]] == [elevator.pk]
    assert client.get(URL, {"year": 2025}, **headers).json()["count"] == 0
    response = client.get(URL, {"status": "nonsense"}, **headers)
    assert response.status_code == 422
    assert "accepted" in response.json()["detail"][0]["msg"]


def test_one_proposal_shows_its_text(client, world):
    proposal = submitted(world)
    data = client.get(f"{URL}{proposal.pk}", **bearer(world.reviewer)).json()
    assert data["number"] == "2026年平时提案第0001号"
    assert data["suggestions"] == PROPOSAL_TEXT["suggestions"]
    assert data["first_proposer"] == "张丽华"
    assert data["assignments"] == []


@pytest.mark.clause("C4.6")
def test_accepting_through_the_api_uses_the_review_service(client, world):
    proposal = submitted(world)
    response = post(client, f"{URL}{proposal.pk}/accept", {"note": "符合立案条件"}, world.office)
    assert response.status_code == 403
    assert response.json()["detail"] == "无权执行此操作。"
    response = post(client, f"{URL}{proposal.pk}/accept", {"note": "符合立案条件"}, world.reviewer)
    assert response.status_code == 200
    assert response.json()["status"] == S.ACCEPTED
    assert Event.objects.filter(verb="proposal.accept", object_id=str(proposal.pk)).count() == 1
    response = post(client, f"{URL}{proposal.pk}/accept", {}, world.reviewer)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "state_error",
            "loc": ["body", "payload"],
            "msg": "当前状态为“已立案”，不能执行此操作。",
        }
    ]
    response = post(client, f"{URL}{proposal.pk}/accept", {}, world.other_reviewer)
    assert response.status_code == 404


@pytest.mark.clause("C4.5")
def test_assigning_through_the_api_opens_the_follow_up_tasks(client, world):
    proposal = submitted(world)
    services.proposal_accept(proposal=proposal, actor=world.reviewer)
    url = f"{URL}{proposal.pk}/assign"
    response = post(client, url, {"co": [world.education.pk]}, world.reviewer)
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "请指定一个主办单位，或选择分办单位。"
    response = post(client, url, {"lead": 999999}, world.reviewer)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "payload", "lead"] and "承办单位不存在" in error["msg"]
    response = post(client, url, {"lead": world.housing.pk}, world.user("zhang"))
    assert response.status_code == 403
    response = post(
        client, url, {"lead": world.housing.pk, "co": [world.education.pk]}, world.reviewer
    )
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == S.ASSIGNED
    roles = {(a["department"], a["role"]) for a in data["assignments"]}
    assert roles == {("区住房和城乡建设局", "lead"), ("区教育局", "co")}
    lead = next(a for a in data["assignments"] if a["role"] == "lead")
    assert lead["due_date"] == "2026-06-02"  # three months, moved to a working day
    assert Assignment.objects.get(pk=lead["id"]).task.department == world.housing
    # The department now sees it through the API as well.
    clerk_view = client.get(URL, **bearer(world.housing_clerk)).json()
    assert [i["id"] for i in clerk_view["items"]] == [proposal.pk]
