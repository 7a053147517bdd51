"""The draft form's co-signers and suggested handling unit are server-searched pickers
(issue 14): the page carries only what is chosen, the endpoint searches the proposal's own
organisation, and a choice from outside it is refused with the rest of the draft kept."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import DepartmentFactory, MemberFactory, SectorFactory, seat
from tests.proposals.conftest import PROPOSAL_TEXT, draft
from xieshang.members.models import Member
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
    # Seated members of the same organisation, the drafter excluded; by name or pinyin;
    # each with the one member label (members.labels), as every member picker names them.
    assert sorted(ask(client, "proposal-cosigners")) == [
        "李明（示范区政协）",
        "王建国（示范区政协）",
    ]
    assert ask(client, "proposal-cosigners", q="wjg") == ["王建国（示范区政协）"]
    assert ask(client, "proposal-cosigners", q="王") == ["王建国（示范区政协）"]
    assert sorted(ask(client, "proposal-departments")) == ["区住房和城乡建设局", "区教育局"]


def test_editing_searches_the_drafts_organisation_for_its_first_proposer_only(client, world):
    proposal = draft(world, cosigners=["wang"])
    client.force_login(world.user("zhang"))
    page = client.get(f"/proposals/{proposal.pk}/edit/").content.decode()
    assert f'data-picker-source="/pickers/proposal-cosigners/?proposal={proposal.pk}"' in page
    assert (
        ">王建国（示范区政协）</option>" in page
    )  # the chosen one is rendered, selected, labelled
    assert ask(client, "proposal-cosigners", proposal=proposal.pk, q="李") == ["李明（示范区政协）"]
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


@pytest.mark.clause("C4.6")
def test_namesakes_are_told_apart_in_the_cosigner_picker_in_a_fixed_number_of_queries(
    client, world
):
    """Two 王芳 of one committee: the picker, and the chosen ones shown again on a refused
    post and on editing, name each with the one member label (sector and committee)."""
    teachers = SectorFactory(organisation=world.district, name="教育界")
    business = SectorFactory(organisation=world.district, name="经济界")
    teacher = MemberFactory(organisation=world.district, name="王芳")
    seat(teacher, world.term, sector=teachers)
    economist = MemberFactory(organisation=world.district, name="王芳")
    seat(economist, world.term, sector=business)
    labels = {teacher.pk: "王芳（教育界·示范区政协）", economist.pk: "王芳（经济界·示范区政协）"}
    client.force_login(world.user("zhang"))
    found = client.get("/pickers/proposal-cosigners/", {"q": "王芳"}).json()["results"]
    assert {int(row["value"]): row["text"] for row in found} == labels

    # Refused (no title), both chosen: both come back labelled, as the picker named them.
    chosen = [str(teacher.pk), str(economist.pk)]
    response = client.post("/proposals/new/", form_data(title="", cosigners=chosen))
    assert response.status_code == 400
    page = response.content.decode()
    for pk, label in labels.items():
        assert f'<option value="{pk}" selected>{label}</option>' in page

    # Saved, then edited: the same.
    response = client.post("/proposals/new/", form_data(cosigners=chosen))
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    page = client.get(f"/proposals/{proposal.pk}/edit/").content.decode()
    for pk, label in labels.items():
        assert f'<option value="{pk}" selected>{label}</option>' in page

    def queries(do):
        with CaptureQueriesContext(connection) as ctx:
            do()
        return len(ctx)

    def search():
        assert client.get("/pickers/proposal-cosigners/", {"q": "wf"}).status_code == 200

    def refused():
        everyone = [
            str(pk)
            for pk in Member.objects.exclude(pk=world.members["zhang"].pk).values_list(
                "pk", flat=True
            )
        ]
        response = client.post("/proposals/new/", form_data(title="", cosigners=everyone))
        assert response.status_code == 400

    refused()  # once first: what the page caches (the organisation's settings) is cached
    few = queries(search), queries(refused)
    for name in ("教育界", "经济界") * 4:
        sector = teachers if name == "教育界" else business
        seat(MemberFactory(organisation=world.district, name="王芳"), world.term, sector=sector)
    assert (queries(search), queries(refused)) == few
