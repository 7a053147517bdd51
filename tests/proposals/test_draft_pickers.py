"""The draft form's co-signers and suggested handling unit are server-searched pickers
(issue 14): the page carries only what is chosen, the endpoint searches the proposal's own
organisation, and a choice from outside it is refused with the rest of the draft kept."""

import pytest
from django.test import Client

from tests.factories import DepartmentFactory, MemberFactory
from tests.proposals.conftest import PROPOSAL_TEXT, draft
from xieshang.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def ask(client, source, **params):
    response = client.get(f"/pickers/{source}/", params)
    assert response.status_code == 200, response.status_code
    return [row["text"] for row in response.json()["results"]]


def form_data(**overrides):
    return {**PROPOSAL_TEXT, "is_public_interest": "on", "do": "save", **overrides}


def test_the_pickers_search_the_drafters_own_organisation(client, world):
    MemberFactory(organisation=world.other_district, name="王外区")
    DepartmentFactory(organisation=world.other_district, name="另一区住建局")
    DepartmentFactory(organisation=world.district, name="区已撤销局", is_active=False)
    client.force_login(world.user("zhang"))
    page = client.get("/proposals/new/").content.decode()
    assert "王建国" not in page and "李明" not in page  # nothing listed
    assert 'data-picker-source="/pickers/proposal-cosigners/"' in page
    # Seated members of the same organisation, the drafter excluded; by name or pinyin.
    assert sorted(ask(client, "proposal-cosigners")) == ["李明", "王建国"]
    assert ask(client, "proposal-cosigners", q="wjg") == ["王建国"]
    assert ask(client, "proposal-cosigners", q="王") == ["王建国"]
    assert sorted(ask(client, "proposal-departments")) == ["区住房和城乡建设局", "区教育局"]


def test_editing_searches_the_drafts_organisation_for_its_first_proposer_only(client, world):
    proposal = draft(world, cosigners=["wang"])
    client.force_login(world.user("zhang"))
    page = client.get(f"/proposals/{proposal.pk}/edit/").content.decode()
    assert f'data-picker-source="/pickers/proposal-cosigners/?proposal={proposal.pk}"' in page
    assert ">王建国</option>" in page  # the chosen one is rendered, selected
    assert ask(client, "proposal-cosigners", proposal=proposal.pk, q="李") == ["李明"]
    stranger = Client()
    stranger.force_login(world.user("li"))
    response = stranger.get("/pickers/proposal-cosigners/", {"proposal": proposal.pk})
    assert response.status_code == 403
    assert stranger.get("/pickers/proposal-cosigners/", {"proposal": 999999}).status_code == 404
    office = Client()
    office.force_login(world.office)  # no member record: no draft to search for
    assert office.get("/pickers/proposal-departments/").status_code == 403


def test_a_cosigner_outside_the_organisation_is_refused_and_the_draft_kept(client, world):
    outsider = MemberFactory(organisation=world.other_district, name="王外区")
    client.force_login(world.user("zhang"))
    response = client.post(
        "/proposals/new/",
        form_data(title="关于加强社区养老服务的提案", cosigners=[str(outsider.pk)]),
    )
    assert response.status_code == 400
    assert not Proposal.objects.exists()
    assert "cosigners" in response.context["form"].errors
    page = response.content.decode()
    assert "选择一个有效的选项" in page  # the field's error, shown beside it
    assert "关于加强社区养老服务的提案" in page  # what was typed is kept
    assert "王外区" not in page


def test_a_department_outside_the_organisation_is_refused_and_the_draft_kept(client, world):
    other = DepartmentFactory(organisation=world.other_district, name="另一区住建局")
    client.force_login(world.user("zhang"))
    response = client.post(
        "/proposals/new/",
        form_data(title="关于加强社区养老服务的提案", suggested_department=str(other.pk)),
    )
    assert response.status_code == 400
    assert not Proposal.objects.exists()
    assert "suggested_department" in response.context["form"].errors
    page = response.content.decode()
    assert "选择一个有效的选项" in page
    assert "关于加强社区养老服务的提案" in page
    assert "另一区住建局" not in page


def test_without_javascript_a_typed_name_is_looked_up(client, world):
    client.force_login(world.user("zhang"))
    response = client.post(
        "/proposals/new/",
        form_data(cosigners__q="王建国", suggested_department__q="区教育局"),
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.suggested_department == world.education
    assert [s.member.name for s in proposal.signers.all()] == ["王建国"]
