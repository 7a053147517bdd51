"""Who handles a proposal, as both files name it (the proposals list's 承办单位, the figures'
提案清单 主办单位/协办单位): one rule (`Assignment.objects.handling()`): a department whose
part was handed on (已改交) is in neither, and an English reader's files join the
departments with ", " as the pages do, not with a bare 、."""

import io

import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import DepartmentFactory
from xieshang.proposals import services
from xieshang.proposals.models import Assignment

from .conftest import accepted
from .test_department_pages import ASSIGN_DAY, assigned, lead_of
from .test_rehandle_department import rehandled


def handled_by_three(world):
    """A proposal led by housing, co-handled by education and planning, the planning
    bureau's part handed on (已改交)."""
    proposal = accepted(world, title="关于加快老旧小区加装电梯的建议")
    planning = DepartmentFactory(organisation=world.district, name="区规划局")
    services.proposal_assign(
        proposal=proposal,
        actor=world.reviewer,
        lead=world.housing,
        co=[planning, world.education],
    )
    Assignment.objects.filter(proposal=proposal, department=planning).update(
        status=Assignment.Status.WITHDRAWN
    )
    return proposal


def table(response, sheet=None) -> list[dict]:
    book = load_workbook(io.BytesIO(response.content))
    rows = list((book[sheet] if sheet else book.active).iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:] if any(r)]


def handled_by_four(world):
    """As `handled_by_three`, with a second co-handler still handling it: the 协办单位 cell
    lists two."""
    proposal = handled_by_three(world)
    Assignment.objects.create(
        proposal=proposal,
        department=DepartmentFactory(organisation=world.district, name="区卫生健康委"),
        role=Assignment.Role.CO,
        round=proposal.assignments.first().round,
    )
    return proposal


def test_a_handed_on_department_is_not_in_the_list_file(world, client):
    handled_by_three(world)
    client.force_login(world.reviewer)
    [row] = table(client.get(reverse("proposals:export")))
    assert row["承办单位"] == "区住房和城乡建设局（主办）、区教育局（协办）"


def test_a_handed_on_department_is_not_in_the_figures_file(world, client):
    proposal = handled_by_three(world)
    client.force_login(world.reviewer)
    figures = client.get(reverse("proposals:figures_export"), {"year": proposal.year})
    [row] = [r for r in table(figures, "提案清单") if r["案由"] == proposal.title]
    assert (row["主办单位"], row["协办单位"]) == ("区住房和城乡建设局", "区教育局")


def test_an_english_readers_list_file_joins_the_departments_with_a_comma(world, client):
    handled_by_four(world)
    client.force_login(world.reviewer)
    client.cookies["django_language"] = "en"
    [row] = table(client.get(reverse("proposals:export")))
    assert row["Handling department"] == (
        "区住房和城乡建设局 (Lead), 区教育局 (Co-handling), 区卫生健康委 (Co-handling)"
    )


def test_an_english_readers_figures_file_joins_the_departments_with_a_comma(world, client):
    proposal = handled_by_four(world)
    client.force_login(world.reviewer)
    client.cookies["django_language"] = "en"
    figures = client.get(reverse("proposals:figures_export"), {"year": proposal.year})
    [row] = [r for r in table(figures, "List of proposals") if r["Title"] == proposal.title]
    assert (row["Lead department"], row["Co-handling departments"]) == (
        "区住房和城乡建设局",
        "区教育局, 区卫生健康委",
    )


def test_after_re_handling_each_department_is_named_once_in_both_files(world, client):
    """Issue: after 重新办理 the files said 区教育局（主办）、区教育局（主办）、区财政局（协办）:
    the lead once (its round-2 part), the co-handler whose view stays with the proposal too."""
    proposal = rehandled(world, co=True)  # 住建局 leads (round 1 and 2), 教育局 co-handled
    assert proposal.assignments.filter(department=world.housing).count() == 2
    client.force_login(world.reviewer)

    [row] = table(client.get(reverse("proposals:export")))
    assert row["承办单位"] == "区住房和城乡建设局（主办）、区教育局（协办）"
    figures = client.get(reverse("proposals:figures_export"), {"year": proposal.year})
    [row] = [r for r in table(figures, "提案清单") if r["案由"] == proposal.title]
    assert (row["主办单位"], row["协办单位"]) == ("区住房和城乡建设局", "区教育局")


def test_a_lead_that_sent_the_proposal_back_is_not_named_beside_its_successor(world, client):
    """Issue: a lead that applied for return (申请退回), the proposal assigned again to another
    department, was still in the files as 主办 beside the new lead."""
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, department=world.education)
        services.assignment_return(
            assignment=lead_of(proposal), actor=world.education_clerk, reason="不属我局职责"
        )
        health = DepartmentFactory(organisation=world.district, name="区卫生健康委员会")
        services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=health)
    client.force_login(world.reviewer)

    [row] = table(client.get(reverse("proposals:export")))
    assert row["承办单位"] == "区卫生健康委员会（主办）"
    figures = client.get(reverse("proposals:figures_export"), {"year": proposal.year})
    [row] = [r for r in table(figures, "提案清单") if r["案由"] == proposal.title]
    assert (row["主办单位"], row["协办单位"]) == ("区卫生健康委员会", None)
