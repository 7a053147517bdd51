"""Every API list answers alike and every PATCH refuses alike, through one mechanism each
(`api.schemas.PageQuery`/`paginate`, `api.schemas.PatchIn`): a script written against one
list or one PATCH reads the others the same way.

- every list is the envelope {count, page, page_size, items} (the consultation plans and the
  leave queue were bare arrays, the latter cut at 200 rows without saying so);
- `page_size` from 1 to 200 on every list; outside that, or not a number, a 422 naming
  `page_size` and the limit (the members list clamped it in silence, the others ignored it);
- a PATCH that changes nothing (only `version`) is a 422, with no audit event and no new
  version (it was a 200 that wrote `proposal.edit` and bumped the version).
"""

import pytest

from tests.api.conftest import bearer
from xieshang.api.api import api
from xieshang.api.schemas import PAGE_SIZE_MAX, PatchIn
from xieshang.consultation.models import ConsultationPlan
from xieshang.core.models import Event
from xieshang.proposals.models import Proposal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("member_tokens_allowed")]

API = "/api/v1"


def _openapi(client) -> dict:
    return client.get(f"{API}/openapi.json").json()


def _list_paths(schema) -> list[str]:
    """Every GET that pages (takes `page`): the lists."""
    return sorted(
        path
        for path, item in schema["paths"].items()
        if any(p["name"] == "page" for p in item.get("get", {}).get("parameters", []))
    )


def test_no_list_answers_a_bare_array(client):
    """A GET without a row in its path that answers an array is a list without the envelope.
    Before: /consultation/plans and /meetings/leave/."""
    schema = _openapi(client)
    bare = []
    for path, item in schema["paths"].items():
        operation = item.get("get")
        if operation is None or "{" in path:
            continue
        body = operation["responses"]["200"]["content"]["application/json"]["schema"]
        if body.get("type") == "array":
            bare.append(path)
    assert bare == []


def test_every_list_documents_page_and_page_size_and_the_envelope(client):
    schema = _openapi(client)
    paths = _list_paths(schema)
    assert f"{API}/consultation/plans" in paths and f"{API}/meetings/leave/" in paths
    assert len(paths) >= 10
    for path in paths:
        operation = schema["paths"][path]["get"]
        params = {p["name"]: p["schema"] for p in operation["parameters"]}
        size = params["page_size"]
        assert (size["minimum"], size["maximum"], size["default"]) == (1, PAGE_SIZE_MAX, 50)
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        envelope = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert {"count", "page", "page_size", "items"} <= set(envelope["required"]), path


LISTS = [
    "/consultation/plans",
    "/consultation/topics",
    "/consultation/activities",
    "/consultation/outcomes",
    "/proposals/",
    "/members/",
    "/followups/",
    "/opinions/",
    "/meetings/",
    "/meetings/leave/",
]


def test_the_lists_tested_here_are_all_the_lists(client):
    assert sorted(API + p for p in LISTS) == _list_paths(_openapi(client))


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("size", "message"),
    [(PAGE_SIZE_MAX + 1, f"不能大于{PAGE_SIZE_MAX}。"), (0, "不能小于1。"), (-5, "不能小于1。")],
)
def test_a_page_size_out_of_range_is_a_422_naming_it_and_the_limit(
    client, demo, path, size, message
):
    response = client.get(f"{API}{path}", {"page_size": size}, **bearer("office"))
    assert response.status_code == 422, (path, response.content)
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "page_size"] and error["msg"] == message, error


@pytest.mark.parametrize("path", LISTS)
def test_a_page_size_that_is_not_a_number_is_a_422_naming_it(client, demo, path):
    response = client.get(f"{API}{path}", {"page_size": "all"}, **bearer("office"))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "page_size"] and error["msg"] == "须为整数。"


@pytest.mark.parametrize("path", LISTS)
def test_every_list_pages_by_the_size_asked_for(client, demo, path):
    auth = bearer("office")
    first = client.get(f"{API}{path}", {"page_size": 1}, **auth).json()
    assert first["page"] == 1 and first["page_size"] == 1
    assert len(first["items"]) == min(first["count"], 1)
    default = client.get(f"{API}{path}", **auth).json()
    assert default["page_size"] == 50 and default["count"] == first["count"]
    if first["count"] > 1:
        second = client.get(f"{API}{path}", {"page_size": 1, "page": 2}, **auth).json()
        assert second["items"] and second["items"][0] != first["items"][0]


def test_the_plans_list_is_an_envelope_with_filters(client, demo):
    auth = bearer("office")
    body = client.get(f"{API}/consultation/plans", **auth).json()
    assert body["count"] == len(body["items"]) > 0
    plan = ConsultationPlan.objects.get(pk=body["items"][0]["id"])
    by_year = client.get(f"{API}/consultation/plans", {"year": plan.year}, **auth).json()
    assert by_year["items"] and {p["year"] for p in by_year["items"]} == {plan.year}
    by_status = client.get(f"{API}/consultation/plans", {"status": plan.status}, **auth).json()
    assert by_status["items"] and {p["status"] for p in by_status["items"]} == {plan.status}
    odd = client.get(f"{API}/consultation/plans", {"status": "bogus"}, **auth)
    assert odd.status_code == 422 and "published" in odd.json()["detail"][0]["msg"]


def _draft():
    return Proposal.objects.filter(status="draft", first_proposer__user__username="member").first()


@pytest.mark.parametrize(
    "body",
    [{}, {"title": None}, {"clear_suggested_department": False}],
    ids=["only-version", "null-field", "flag-off"],
)
def test_a_patch_that_changes_nothing_is_a_422_and_writes_nothing(client, demo, body):
    draft = _draft()
    events = Event.objects.count()
    response = client.patch(
        f"{API}/proposals/{draft.pk}",
        {"version": draft.version, **body},
        content_type="application/json",
        **bearer("member"),
    )
    assert response.status_code == 422, response.content
    [error] = response.json()["detail"]
    assert error["type"] == "nothing_to_change"
    assert error["msg"].startswith("没有要修改的内容"), error
    assert Event.objects.count() == events
    assert Proposal.objects.get(pk=draft.pk).version == draft.version


def test_a_patch_that_changes_one_field_still_saves(client, demo):
    draft = _draft()
    response = client.patch(
        f"{API}/proposals/{draft.pk}",
        {"version": draft.version, "is_public_interest": not draft.is_public_interest},
        content_type="application/json",
        **bearer("member"),
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == draft.version + 1


def test_every_patch_body_is_a_patch_in():
    """The rule lives in `PatchIn`: a PATCH added later gets it by using it."""
    bodies = [
        model.model_fields["payload"].annotation
        for _prefix, router in api._routers
        for view in router.path_operations.values()
        for operation in view.operations
        if "PATCH" in operation.methods
        for model in operation.models
        if "payload" in model.model_fields
    ]
    assert bodies and all(issubclass(b, PatchIn) for b in bodies), bodies


def test_a_plan_forwarded_from_an_old_version_is_a_409_and_is_not_handed_on(client, demo):
    """The forward page sends the version it showed (a plan changed since is not handed
    on); the API took no version, so a script forwarded whatever the plan had become."""
    from xieshang.consultation import policies
    from xieshang.core.models import User

    office = User.objects.get(username="office")
    plan = next(p for p in ConsultationPlan.objects.all() if policies.can_forward(office, p))
    events = Event.objects.count()
    stale = client.post(
        f"{API}/consultation/plans/{plan.pk}/forward",
        {"version": plan.version - 1, "note": "请审议"},
        content_type="application/json",
        **bearer("office"),
    )
    assert stale.status_code == 409, stale.content
    assert "已在其他窗口或由他人修改" in stale.json()["detail"]
    assert ConsultationPlan.objects.get(pk=plan.pk).status == plan.status
    assert Event.objects.count() == events
