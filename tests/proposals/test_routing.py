"""Department suggestion (智能分办) and the assignment board at any size (issue 14)."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DepartmentFactory, make_org, user_with_role
from tests.proposals.conftest import accepted
from xieshang.core.models import Event
from xieshang.orgs import services as org_services
from xieshang.orgs.models import Department, Level, Role, RoleAssignment
from xieshang.proposals import routing, services
from xieshang.proposals.models import Assignment, Proposal

S = Proposal.Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_models():
    routing.forget()
    yield
    routing.forget()


def remits(world):
    world.housing.remit = "负责老旧小区改造、既有住宅加装电梯、物业管理和保障性住房。"
    world.education.remit = "负责中小学校和幼儿园建设、课后服务、教师队伍和校园安全。"
    Department.objects.bulk_update([world.housing, world.education], ["remit"])


def test_it_suggests_the_unit_whose_remit_names_the_matter(world):
    remits(world)
    proposal = accepted(world, title="关于规范小区物业管理的建议")
    first, *rest = routing.suggest(proposal)
    assert first.department == world.housing
    assert first.confidence > 50
    assert all(s.department.organisation_id == world.district.pk for s in rest)


def test_it_learns_from_past_lead_assignments_not_from_co_handling(world):
    for i in range(3):
        done = accepted(world, title=f"关于校园周边交通安全的建议{i}")
        services.proposal_assign(
            proposal=done, actor=world.reviewer, lead=world.education, co=[world.housing]
        )
    new = accepted(world, title="关于改善校园周边交通安全的建议")
    suggestions = routing.suggest(new)
    assert suggestions[0].department == world.education
    assert suggestions[0].level == "把握较大"


def test_a_changed_remit_is_read_at_once(world, client):
    proposal = accepted(world, title="关于加强学校体育场馆开放的建议")
    assert routing.suggest(proposal) == [] or routing.suggest(proposal)[0].confidence < 70
    office = user_with_role(Role.OFFICE, world.district)
    client.force_login(office)
    url = reverse("orgs:department_remit", args=[world.education.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"remit": "负责学校体育场馆向社会开放和青少年体育。"})
    assert response.status_code == 302
    assert Event.objects.filter(verb="org.department_remit").count() == 1
    assert routing.suggest(proposal)[0].department == world.education


def test_the_remit_is_set_only_by_the_office_of_the_units_organisation(world, client):
    other = make_org("另一区政协", Level.DISTRICT, parent=world.city)
    client.force_login(user_with_role(Role.OFFICE, other))
    url = reverse("orgs:department_remit", args=[world.education.pk])
    assert client.post(url, {"remit": "随便写写"}).status_code == 404
    client.force_login(world.reviewer)
    assert client.post(url, {"remit": "随便写写"}).status_code == 404
    world.education.refresh_from_db()
    assert world.education.remit == ""
    with pytest.raises(PermissionDenied):
        org_services.department_remit_set(
            department=world.education, remit="x", actor=world.reviewer
        )


# --- Scoping --------------------------------------------------------------------------------


def test_a_unit_of_another_organisation_is_never_suggested(world):
    remits(world)
    other = make_org("另一区政协", Level.DISTRICT, parent=world.city)
    DepartmentFactory(organisation=other, name="另一区住房和城乡建设局", remit=world.housing.remit)
    DepartmentFactory(organisation=world.city, name="市住房和城乡建设局", remit=world.housing.remit)
    stopped = DepartmentFactory(
        organisation=world.district, name="区房管局", remit=world.housing.remit, is_active=False
    )
    proposal = accepted(world, title="关于老旧小区加装电梯的建议")
    suggested = [s.department for s in routing.suggest(proposal, limit=10)]
    assert suggested and {d.organisation_id for d in suggested} == {world.district.pk}
    assert stopped not in suggested


def test_the_board_refuses_a_taken_unit_of_another_level(world, client):
    proposal = accepted(world, title="关于老旧小区加装电梯的建议")
    city_bureau = DepartmentFactory(organisation=world.city, name="市住房和城乡建设局")
    # One who serves both committees' proposal work: both levels' units are offered.
    assigner = user_with_role(Role.PROPOSAL_COMMITTEE, world.city)
    RoleAssignment.objects.create(
        user=assigner, organisation=world.district, role=Role.PROPOSAL_COMMITTEE
    )
    client.force_login(assigner)
    response = client.post(
        reverse("proposals:board"),
        {"proposal": [proposal.pk], f"take-{proposal.pk}": city_bureau.pk},
    )
    assert response.status_code == 400
    assert "市住房和城乡建设局不是本级承办单位。" in response.content.decode()
    assert not Assignment.objects.exists()


def test_the_board_refuses_a_unit_outside_the_users_scope(world, client):
    proposal = accepted(world)
    other = make_org("另一区政协", Level.DISTRICT, parent=world.city)
    foreign = DepartmentFactory(organisation=other, name="另一区住房和城乡建设局")
    client.force_login(world.reviewer)
    response = client.post(
        reverse("proposals:board"),
        {"proposal": [proposal.pk], f"take-{proposal.pk}": foreign.pk},
    )
    assert response.status_code == 400
    assert "所选单位无效，请重新选择。" in response.content.decode()
    assert not Assignment.objects.exists()


def test_the_picker_never_offers_another_organisations_unit(world, client):
    remits(world)
    other = make_org("另一区政协", Level.DISTRICT, parent=world.city)
    DepartmentFactory(organisation=other, name="另一区住房和城乡建设局", remit=world.housing.remit)
    proposal = accepted(world, title="关于老旧小区加装电梯的建议")
    client.force_login(world.reviewer)
    url = reverse("picker", args=["assign-departments"])
    found = client.get(url, {"organisation": world.district.pk, "proposal": proposal.pk}).json()
    names = [r["text"] for r in found["results"]]
    assert names[0] == "区住房和城乡建设局"  # the suggestion first
    assert "另一区住房和城乡建设局" not in names
    found = client.get(url, {"organisation": other.pk, "q": "住房"}).json()
    assert found["results"] == []


# --- The board and the assignment form ---------------------------------------------------------


@pytest.mark.clause("C4.5")
def test_the_board_shows_the_suggestion_with_its_confidence_and_one_click_assigns(world, client):
    remits(world)
    proposal = accepted(world, title="关于中小学课后服务的建议")
    client.force_login(world.reviewer)
    html = client.get(reverse("proposals:board")).content.decode()
    block = re.search(rf'id="suggest-{proposal.pk}"(.*?)</div>', html, re.S).group(1)
    assert re.search(r"区教育局（(把握较大|有一定把握|仅供参考) \d+%）", block), block
    assert f'name="take-{proposal.pk}" value="{world.education.pk}"' in block
    response = client.post(
        reverse("proposals:board"),
        {"proposal": [proposal.pk], f"take-{proposal.pk}": world.education.pk},
    )
    assert response.status_code == 302
    lead = Assignment.objects.get(proposal=proposal)
    assert (lead.department, lead.role) == (world.education, Assignment.Role.LEAD)


def test_the_assignment_form_takes_a_suggestion_with_the_co_handlers_chosen(world, client):
    remits(world)
    proposal = accepted(world, title="关于老旧小区加装电梯的建议")
    client.force_login(world.reviewer)
    html = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    block = re.search(r'id="assign-suggestions"(.*?)</div>', html, re.S).group(1)
    assert "区住房和城乡建设局（" in block and "%）" in block
    response = client.post(
        reverse("proposals:act", args=[proposal.pk, "assign"]),
        {
            "assign-mode": "lead",
            "assign-lead": "",
            "assign-others": [world.education.pk],
            "assign-note": "",
            "assign-take": world.housing.pk,
        },
    )
    assert response.status_code == 302
    assert dict(
        Assignment.objects.filter(proposal=proposal).values_list("department__name", "role")
    ) == {"区住房和城乡建设局": "lead", "区教育局": "co"}


def _board(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("proposals:board"))
    assert response.status_code == 200
    return response.content.decode(), len(ctx)


def _grow(world, proposals: int, departments: int, start: int = 0) -> None:
    for i in range(start, start + departments):
        DepartmentFactory(
            organisation=world.district, name=f"区第{i}局", remit=f"负责第{i}类事务。"
        )
    base = Proposal.objects.filter(status=S.ACCEPTED).first()
    rows = []
    for i in range(start, start + proposals):
        rows.append(
            Proposal(
                organisation=world.district,
                session=base.session,
                year=base.year,
                kind=base.kind,
                serial=1000 + i,
                number=f"{base.number}-{i:04d}",
                title=f"关于老旧小区加装电梯的建议{i:04d}",
                facts=base.facts,
                suggestions=base.suggestions,
                first_proposer=base.first_proposer,
                status=S.ACCEPTED,
            )
        )
    Proposal.objects.bulk_create(rows)


def test_the_board_costs_the_same_with_more_proposals_and_units(world, client):
    """Two data sizes: a full page either way, so the page weighs the same and runs the same
    queries whatever the number of proposals waiting and units in scope."""
    remits(world)
    accepted(world, title="关于老旧小区加装电梯的建议")
    _grow(world, 40, 5)
    client.force_login(world.reviewer)
    _board(client)  # builds the organisation's model
    small_html, small_queries = _board(client)
    _grow(world, 200, 120, start=100)
    routing.forget()
    _board(client)
    big_html, big_queries = _board(client)
    assert big_queries == small_queries
    assert len(big_html) <= len(small_html) * 1.02
    assert big_html.count("<option") == small_html.count("<option")
    assert "区第219局" not in big_html  # no option list of every unit


def test_a_runner_up_far_behind_reads_less_than_one_per_cent_not_zero():
    from xieshang.orgs.models import Department
    from xieshang.proposals.routing import Suggestion

    unit = Department(name="区消防救援大队")
    assert Suggestion(unit, 0).percent == "<1%"
    assert Suggestion(unit, 0).level == "仅供参考"
    assert Suggestion(unit, 82).percent == "82%"
