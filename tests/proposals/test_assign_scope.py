"""A proposal goes only to departments of its own organisation (finding 10): the district
proposal committee cannot hand a district proposal to a city bureau, over the API or the
page, and a stopped department takes nothing."""

import pytest

from tests.factories import DepartmentFactory, MemberFactory, UserFactory, user_with_role
from tests.proposals.conftest import accepted
from xieshang.core.models import ApiToken, Event
from xieshang.orgs.models import Role, RoleAssignment
from xieshang.proposals import services
from xieshang.proposals.models import Assignment, Proposal

S = Proposal.Status


def post(client, url, body, user):
    _, raw = ApiToken.issue(user=user, name="test")
    return client.post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )


@pytest.fixture
def city_bureau(world):
    return DepartmentFactory(organisation=world.city, name="市住房和城乡建设局")


@pytest.mark.parametrize("field", ["lead", "co", "split"])
def test_the_api_refuses_a_department_of_another_level(client, world, city_bureau, field):
    proposal = accepted(world)
    body = {
        "lead": {"lead": city_bureau.pk},
        "co": {"lead": world.housing.pk, "co": [city_bureau.pk]},
        "split": {"split": [world.housing.pk, city_bureau.pk]},
    }[field]
    response = post(client, f"/api/v1/proposals/{proposal.pk}/assign", body, world.reviewer)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "payload", field],
            "msg": "市住房和城乡建设局不是本级承办单位。",
            "type": "value_error",
        }
    ]
    proposal.refresh_from_db()
    assert proposal.status == S.ACCEPTED
    assert not Assignment.objects.exists()
    assert not Event.objects.filter(verb="proposal.assign").exists()


def test_the_api_refuses_a_district_department_for_a_city_proposal(client, world, city_bureau):
    """The reverse: the city's proposal committee reaches the district below it, but a city
    proposal is not answered by a district bureau."""
    user = UserFactory(username="citymember")
    MemberFactory(organisation=world.city, user=user)
    proposal = services.proposal_create(
        actor=user,
        organisation=world.city,
        title="关于全市老旧小区改造的建议",
        suggestions="统筹资金。",
        category="社会建设",
    )
    services.proposal_submit(proposal=proposal, actor=user)
    city_reviewer = user_with_role(Role.PROPOSAL_COMMITTEE, world.city)
    services.proposal_accept(proposal=proposal, actor=city_reviewer)
    url = f"/api/v1/proposals/{proposal.pk}/assign"
    response = post(client, url, {"lead": world.housing.pk}, city_reviewer)
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "区住房和城乡建设局不是本级承办单位。"
    response = post(client, url, {"lead": city_bureau.pk}, city_reviewer)
    assert response.status_code == 200
    assert response.json()["assignments"][0]["department"] == "市住房和城乡建设局"


def test_the_api_refuses_a_stopped_department(client, world):
    world.housing.is_active = False
    world.housing.save()
    proposal = accepted(world)
    response = post(
        client,
        f"/api/v1/proposals/{proposal.pk}/assign",
        {"lead": world.housing.pk},
        world.reviewer,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "区住房和城乡建设局已停用，不能交办。"


def test_the_page_offers_and_accepts_only_the_proposals_own_departments(client, world, city_bureau):
    proposal = accepted(world)
    client.force_login(world.reviewer)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    # The units are searched on the server, among the proposal's own organisation's.
    source = f"/pickers/assign-departments/?organisation={world.district.pk}&amp;"
    assert f'data-picker-source="{source}' in page and "市住房和城乡建设局" not in page
    found = client.get(
        "/pickers/assign-departments/", {"organisation": world.district.pk, "q": "住房"}
    ).json()["results"]
    assert [row["text"] for row in found] == ["区住房和城乡建设局"]
    response = client.post(
        f"/proposals/{proposal.pk}/act/assign/",
        {"assign-mode": "lead", "assign-lead": city_bureau.pk, "assign-note": ""},
    )
    assert response.status_code == 400
    assert "assign-lead" in response.content.decode()  # the form again, with its error
    assert not Assignment.objects.exists()
    response = client.post(
        f"/proposals/{proposal.pk}/act/assign/",
        {"assign-mode": "lead", "assign-lead": world.housing.pk, "assign-note": ""},
    )
    assert response.status_code == 302
    assert Assignment.objects.get().department == world.housing


def test_the_assignment_board_refuses_another_levels_department_on_its_row(
    client, world, city_bureau
):
    """The board lists every department the user's roles reach; the service has the say."""
    proposal = accepted(world)
    # One who serves both committees' proposal work: both levels' units are offered.
    assigner = user_with_role(Role.PROPOSAL_COMMITTEE, world.city)
    RoleAssignment.objects.create(
        user=assigner, organisation=world.district, role=Role.PROPOSAL_COMMITTEE
    )
    client.force_login(assigner)
    response = client.post(
        "/proposals/board/",
        {"proposal": [proposal.pk], f"lead-{proposal.pk}": city_bureau.pk},
    )
    assert response.status_code == 400
    assert "市住房和城乡建设局不是本级承办单位。" in response.content.decode()
    assert not Assignment.objects.exists()
