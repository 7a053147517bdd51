"""A business rule refusing a call answers the same on every router (2026-12-06): 422 with
`{"detail": [{"type", "loc", "msg"}]}`, the shape of a body that does not validate. Before,
the proposals router answered so for a refused value and four routers answered 400 with a
text `detail`, so a client needed two readers for one kind of answer."""

import pytest

from tests.api.conftest import bearer
from xieshang.consultation.models import ConsultationPlan
from xieshang.meetings import policies as meeting_policies
from xieshang.meetings.models import Meeting
from xieshang.proposals.models import Proposal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("member_tokens_allowed")]


def post(client, url: str, body: dict, username: str):
    return client.post(url, body, content_type="application/json", **bearer(username))


def first_seen(client, username: str, url: str, pks) -> int:
    """The first of `pks` whose page `url` (with the pk) the user may read."""
    headers = bearer(username)
    for pk in pks:
        if client.get(url.format(pk=pk), **headers).status_code == 200:
            return pk
    raise AssertionError(f"the demo has no row for {username} at {url}")


def accept_an_accepted_proposal(client):
    rows = Proposal.objects.filter(status=Proposal.Status.ACCEPTED).values_list("pk", flat=True)
    pk = first_seen(client, "proposal", "/api/v1/proposals/{pk}", rows)
    return post(client, f"/api/v1/proposals/{pk}/accept", {}, "proposal")


def forward_a_published_plan(client):
    rows = ConsultationPlan.objects.filter(status="published").values_list("pk", flat=True)
    pk = first_seen(client, "office", "/api/v1/consultation/plans/{pk}", rows)
    return post(client, f"/api/v1/consultation/plans/{pk}/forward", {}, "office")


def blank_feedback(client):
    tasks = client.get("/api/v1/followups/", {"state": "open"}, **bearer("dept")).json()["items"]
    # Not a proposal's part or a co-handler's view: those are answered on the proposal's
    # handling page, and the API refuses any feedback on them before reading its text.
    tasks = [t for t in tasks if t["kind"] not in ("proposal", "co_handling")]
    assert tasks, "the demo has open tasks for dept"
    return post(client, f"/api/v1/followups/{tasks[0]['id']}/feedback", {"text": "  "}, "dept")


def over_long_opinion(client):
    body = {"title": "关于夜市噪音扰民的建议", "suggestions": "建" * 1600}
    return post(client, "/api/v1/opinions/", body, "member")


def leave_for_a_closed_meeting(client):
    from xieshang.core.models import User

    member = User.objects.get(username="member")
    closed = Meeting.objects.exclude(status=Meeting.Status.PUBLISHED).order_by("pk")
    meeting = next(m for m in closed if meeting_policies.own_invitation(member, m))
    return post(client, f"/api/v1/meetings/{meeting.pk}/leave", {"reason": "出差"}, "member")


@pytest.mark.parametrize(
    ("call", "kind", "message"),
    [
        (accept_an_accepted_proposal, "state_error", "当前状态为“已立案”，不能执行此操作。"),
        (forward_a_published_plan, "state_error", "计划已印发。"),
        (blank_feedback, "value_error", "请填写反馈内容。"),
        (over_long_opinion, "value_error", "1500"),
        (leave_for_a_closed_meeting, "state_error", "不能请假"),
    ],
    ids=["proposals", "consultation", "followups", "opinions", "meetings"],
)
def test_every_router_answers_a_refused_call_in_one_shape(client, demo, call, kind, message):
    response = call(client)
    assert response.status_code == 422, response.content.decode()
    detail = response.json()["detail"]
    assert isinstance(detail, list) and len(detail) == 1
    (item,) = detail
    assert set(item) == {"type", "loc", "msg"}
    assert item["type"] == kind
    assert item["loc"][:2] == ["body", "payload"]
    assert message in item["msg"]


def test_the_openapi_documents_the_refusal_as_a_422(client, demo):
    schema = client.get("/api/v1/openapi.json").json()
    refusing = [
        ("/api/v1/proposals/{pk}/accept", "post"),
        ("/api/v1/consultation/plans/{pk}/forward", "post"),
        ("/api/v1/followups/{pk}/feedback", "post"),
        ("/api/v1/opinions/", "post"),
        ("/api/v1/meetings/{pk}/leave", "post"),
    ]
    for path, method in refusing:
        responses = schema["paths"][path][method]["responses"]
        # The only 400 left is a body that is not JSON at all, before any rule is asked.
        not_json = responses.get("400") or responses.get(400)
        assert not_json["description"] == "请求正文不是有效的 JSON", path
        body = responses.get("422") or responses.get(422)
        assert body["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ValidationErrorOut"
        }, path
    assert "业务规则不允许" in schema["info"]["description"]
