"""The overdue list (逾期未办) names every party past its deadline: a co-handler (协办/会办)
late with its view to the lead department too, not only the answering departments, and the
home card counts what the list shows. The page costs the same for one row as for many."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import DepartmentFactory
from tests.proposals.conftest import accepted
from tests.proposals.test_dashboard import card_count
from xieshang.proposals import services
from xieshang.proposals.models import Assignment

pytestmark = pytest.mark.django_db

ASSIGNED = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)
# Past the co-handler's month (2 April), before the lead's three months (2 June).
LATER = dt.datetime(2026, 4, 20, 2, 0, tzinfo=dt.UTC)


def rows(html: str) -> list[str]:
    body = html.split('id="overdue-list"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return [re.sub(r"\s+", " ", row) for row in body.split("<tr")[1:]]


def assign_with_co_handler(world, title="关于加装电梯的建议", key="zhang"):
    with time_machine.travel(ASSIGNED):
        proposal = accepted(world, title=title, key=key)
        services.proposal_assign(
            proposal=proposal, actor=world.reviewer, lead=world.housing, co=[world.education]
        )
    return proposal


def test_a_co_handler_late_with_its_view_is_on_the_overdue_list_and_the_card(client, world):
    proposal = assign_with_co_handler(world)
    client.force_login(world.reviewer)
    with time_machine.travel(LATER):
        html = client.get("/proposals/overdue/").content.decode()
        home = client.get("/").content.decode()
    (row,) = rows(html)
    # The co-handler, labelled as such; the lead department is not late yet.
    assert proposal.title in row and "区教育局" in row and "协办" in row
    assert "协办意见未提出" in row and "已逾期" in row
    # On a phone too: the role's cell is not one a phone card hides (xs-col-minor).
    role = re.search(r"<td[^>]*>协办<div", row).group(0)
    assert "xs-col-minor" not in role, role
    assert "区住房和城乡建设局" not in html.split('id="overdue-list"')[1]
    assert card_count(home, "逾期未办复") == 1

    # Its view sent: nobody is late any more.
    co = proposal.assignments.get(role=Assignment.Role.CO)
    with time_machine.travel(LATER):
        services.co_view_submit(assignment=co, actor=world.education_clerk, text="同意主办意见。")
        html = client.get("/proposals/overdue/").content.decode()
        home = client.get("/").content.decode()
    assert rows(html) == [] or "没有逾期未办的提案" in rows(html)[0]
    assert card_count(home, "逾期未办复") == 0


def test_a_co_handlers_late_view_is_not_chased_once_the_answer_went_out(client, world):
    proposal = assign_with_co_handler(world)
    lead = proposal.assignments.get(role=Assignment.Role.LEAD)
    with time_machine.travel(LATER):
        services.answer_submit(
            assignment=lead,
            actor=world.housing_clerk,
            category="A",
            text="已将加装电梯纳入今年民生实事项目。",
            signed_by="王局长",
            contact_person="赵科长",
            contact_phone="0571-8888",
        )
        client.force_login(world.reviewer)
        html = client.get("/proposals/overdue/").content.decode()
    assert proposal.title not in html


def test_the_overdue_list_costs_the_same_for_one_row_as_for_many(client, world):
    assign_with_co_handler(world)
    client.force_login(world.reviewer)

    def measured() -> tuple[int, int]:
        with time_machine.travel(LATER):
            client.get("/proposals/overdue/")
            with CaptureQueriesContext(connection) as ctx:
                html = client.get("/proposals/overdue/").content.decode()
        return len(ctx), len(rows(html))

    one, one_rows = measured()
    for n in range(4):
        extra = DepartmentFactory(organisation=world.district)
        with time_machine.travel(ASSIGNED):
            proposal = accepted(world, title=f"关于第{n}件事的建议", key="wang")
            services.proposal_assign(
                proposal=proposal, actor=world.reviewer, lead=world.housing, co=[extra]
            )
    many, many_rows = measured()
    assert (one_rows, many_rows) == (1, 5)
    assert many == one
