"""/api/v1/proposals/: drafting with the form's fields (category, suggested lead department)
and the same checks as the page; attachments listed with their checked download links."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.core import samples
from tests.factories import DepartmentFactory
from tests.proposals.conftest import PROPOSAL_TEXT, draft
from xieshang.core.models import ApiToken
from xieshang.orgs import config
from xieshang.proposals import rules, services
from xieshang.proposals.models import Proposal

URL = "/api/v1/proposals/"
# Member drafting through a member's token as a future member app would reach it (deployed,
# a member's token is refused: tests/api/test_token_holder.py).
pytestmark = pytest.mark.usefixtures("member_tokens_allowed")


def bearer(user) -> dict:
    _, raw = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def send(client, method, url, body, user):
    call = getattr(client, method)
    return call(url, body, content_type="application/json", **bearer(user))


def test_a_member_drafts_with_category_and_suggested_department(client, world):
    body = {
        **PROPOSAL_TEXT,
        "category": "生态文明建设",
        "suggested_department": world.housing.pk,
        "cosigners": [world.members["wang"].pk],
    }
    response = send(client, "post", URL, body, world.user("zhang"))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft"
    assert data["category"] == "生态文明建设"
    assert data["suggested_department_id"] == world.housing.pk
    assert data["suggested_department"] == "区住房和城乡建设局"
    assert data["attachments"] == []
    proposal = Proposal.objects.get(pk=data["id"])
    assert proposal.category == "生态文明建设"
    assert [s.member for s in proposal.signers.all()] == [world.members["wang"]]
    listed = client.get(URL, **bearer(world.user("zhang"))).json()["items"]
    assert listed[0]["category"] == "生态文明建设"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "不存在的分类"}, "category"),
        ({"suggested_department": "other"}, "suggested_department"),
        ({"suggested_department": 999999}, "suggested_department"),
        ({"cosigners": "outsider"}, "cosigners"),
        ({"title": ""}, "title"),
    ],
)
def test_what_the_form_refuses_the_api_refuses_by_field(client, world, change, field):
    other = DepartmentFactory(organisation=world.other_district, name="另一区住建局")
    if change.get("suggested_department") == "other":
        change = {"suggested_department": other.pk}
    if change.get("cosigners") == "outsider":
        from tests.factories import MemberFactory

        change = {"cosigners": [MemberFactory(organisation=world.other_district).pk]}
    response = send(client, "post", URL, {**PROPOSAL_TEXT, **change}, world.user("zhang"))
    assert response.status_code == 422, response.content
    assert [item["loc"][-1] for item in response.json()["detail"]] == [field]
    assert not Proposal.objects.exists()


def test_only_members_draft_through_the_api(client, world):
    response = send(client, "post", URL, PROPOSAL_TEXT, world.reviewer)
    assert response.status_code == 403


def test_the_proposer_edits_the_new_fields_with_the_version_read(client, world):
    config.set_value(world.district, rules.CATEGORIES, ["民生保障", "其他"], actor=world.office)
    proposal = draft(world, category="民生保障", suggested_department=world.housing)
    url = f"{URL}{proposal.pk}"
    data = client.get(url, **bearer(world.user("zhang"))).json()
    body = {"version": data["version"], "category": "其他", "clear_suggested_department": True}
    response = send(client, "patch", url, body, world.user("zhang"))
    assert response.status_code == 200, response.content
    assert response.json()["category"] == "其他"
    assert response.json()["suggested_department_id"] is None
    # The same version again is a stale edit.
    response = send(client, "patch", url, {**body, "category": "民生保障"}, world.user("zhang"))
    assert response.status_code == 409
    response = send(
        client,
        "patch",
        url,
        {"version": data["version"] + 1, "category": "经济建设"},
        world.user("zhang"),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "category"
    response = send(
        client, "patch", url, {"version": data["version"] + 1, "title": "改"}, world.user("wang")
    )
    assert response.status_code == 404  # somebody else's draft does not exist for wang
    proposal.refresh_from_db()
    assert (proposal.category, proposal.suggested_department) == ("其他", None)


def test_a_submitted_proposal_cannot_be_edited_through_the_api(client, world):
    proposal = draft(world)
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    proposal.refresh_from_db()
    response = send(
        client,
        "patch",
        f"{URL}{proposal.pk}",
        {"version": proposal.version, "category": "其他"},
        world.user("zhang"),
    )
    assert response.status_code == 422
    assert "不能再修改" in response.json()["detail"][0]["msg"]


def test_attachments_are_listed_with_their_checked_links(client, world, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    proposal = draft(world)
    attachment = services.attachment_add(
        proposal=proposal,
        actor=world.user("zhang"),
        file=SimpleUploadedFile("调研报告.pdf", samples.PDF),
    )
    data = client.get(f"{URL}{proposal.pk}", **bearer(world.user("zhang"))).json()
    api_url = f"/api/v1/files/proposals.attachment/{attachment.pk}/file"
    assert data["attachments"] == [
        {
            "id": attachment.pk,
            "name": "调研报告.pdf",
            "url": attachment.download_url,
            "api_url": api_url,
        }
    ]


def test_a_token_downloads_an_attachment_under_the_proposals_own_rule(
    client, world, tmp_path, settings
):
    """The pages' download needs a login; a script holding a token follows api_url."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    proposal = draft(world)
    services.attachment_add(
        proposal=proposal,
        actor=world.user("zhang"),
        file=SimpleUploadedFile("调研报告.pdf", samples.PDF),
    )
    data = client.get(f"{URL}{proposal.pk}", **bearer(world.user("zhang"))).json()
    api_url = data["attachments"][0]["api_url"]
    got = client.get(api_url, **bearer(world.user("zhang")))
    assert got.status_code == 200 and b"".join(got.streaming_content) == samples.PDF
    assert got["Content-Disposition"].endswith("UTF-8''" + quote("调研报告.pdf"))
    # another member's token: nothing, as if there were no such file
    refused = client.get(api_url, **bearer(world.user("li")))
    assert refused.status_code == 404
    assert client.get(api_url).status_code == 401  # no token
