"""The figures export's proposal sheet (提案办理统计 → 提案清单) and the proposals list's
Excel name each proposal's 状态 in the same words: a clerk compares the two files at
year-end. The figures sheet keeps where the proposal stands (所处阶段) beside it."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.proposals.conftest import accepted
from xieshang.proposals import services
from xieshang.proposals.models import Proposal

S = Proposal.Status


def by_title(sheet, *columns) -> dict[str, tuple]:
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    return {
        r[header.index("案由")]: tuple(r[header.index(c)] for c in columns)
        for r in rows[1:]
        if r[0] is not None or r[1] is not None
    }


def test_the_figures_sheet_and_the_list_file_give_each_proposal_the_same_status(world, client):
    waiting = accepted(world, title="关于建设口袋公园的建议")
    handled = accepted(world, title="关于加快老旧小区加装电梯的建议")
    services.proposal_assign(proposal=handled, actor=world.reviewer, lead=world.housing)
    opinion = accepted(world, title="关于规范共享单车停放的建议")
    rejected = accepted(world, title="关于某企业纠纷的建议")
    Proposal.objects.filter(pk=opinion.pk).update(status=S.TO_OPINION)
    Proposal.objects.filter(pk=rejected.pk).update(status=S.REJECTED)
    client.force_login(world.reviewer)

    figures = client.get(reverse("proposals:figures_export"), {"year": waiting.year})
    sheet = load_workbook(io.BytesIO(figures.content))["提案清单"]
    in_figures = by_title(sheet, "状态", "所处阶段", "审查结果")
    listed = client.get(reverse("proposals:export"))
    in_list = by_title(load_workbook(io.BytesIO(listed.content)).active, "状态")

    titles = {waiting.title, handled.title, opinion.title, rejected.title}
    assert set(in_figures) == set(in_list) == titles
    for title in titles:
        assert in_figures[title][0] == in_list[title][0], title
    assert in_figures == {
        waiting.title: ("已立案", "待交办", "已立案"),
        handled.title: ("办理中", "办理中", "已立案"),
        opinion.title: ("转意见建议", "已转办", "转意见建议"),
        rejected.title: ("不予立案", "审查结束", "不予立案"),
    }


def test_the_figures_sheet_names_the_departments_handling_each_proposal(world, client):
    """A clerk reads at year-end who handled each proposal (主办, 协办), not whom the
    proposer suggested: the assignment, as the list's 承办单位 column names it."""
    handled = accepted(world, title="关于加快老旧小区加装电梯的建议")
    Proposal.objects.filter(pk=handled.pk).update(suggested_department=world.education)
    services.proposal_assign(
        proposal=handled, actor=world.reviewer, lead=world.housing, co=[world.education]
    )
    waiting = accepted(world, title="关于建设口袋公园的建议")
    Proposal.objects.filter(pk=waiting.pk).update(suggested_department=world.housing)
    client.force_login(world.reviewer)

    figures = client.get(reverse("proposals:figures_export"), {"year": handled.year})
    sheet = load_workbook(io.BytesIO(figures.content))["提案清单"]
    assert by_title(sheet, "主办单位", "协办单位") == {
        handled.title: ("区住房和城乡建设局", "区教育局"),
        waiting.title: (None, None),  # not yet assigned: nobody handles it
    }
