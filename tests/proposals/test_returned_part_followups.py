"""The split-part return flow (C4.6) as the people in it read it: the full 不再改交 reason in
the proposal's history (it is kept nowhere else), what happens next for the proposer who sees
the department's 申请退回, the department's message after sending a split part back, and a
stale 改交 page once the part is decided."""

import datetime as dt

import pytest
import time_machine

from tests.proposals.test_department_pages import ASSIGN_DAY
from tests.proposals.test_reassign_returned_part import (
    REASSIGN_DAY,
    RETURN_DAY,
    part_of,
    returned_by_housing,
    split_between_two,
    transport,
)
from xieshang.proposals import services
from xieshang.proposals.models import Assignment

__all__ = ["transport"]  # a fixture, shared with test_reassign_returned_part

A = Assignment.Status
LATER = dt.datetime(2026, 3, 16, 2, 0, tzinfo=dt.UTC)


def history_list(page: str) -> str:
    return page.split('id="history"', 1)[1].split("</ol>", 1)[0]


@pytest.mark.clause("C4.6")
def test_a_long_not_reassigned_reason_reads_whole_on_the_proposal_page(client, world):
    proposal = returned_by_housing(world)
    returned = part_of(proposal, world.housing)
    reason = "甲" * 250 + "乙" * 250 + "丙尾" * 50  # 600 characters
    with time_machine.travel(REASSIGN_DAY, tick=False):
        services.returned_part_close(assignment=returned, actor=world.reviewer, reason=reason)
    client.force_login(world.user("zhang"))
    with time_machine.travel(LATER, tick=False):
        page = client.get(proposal.get_absolute_url()).content.decode()
    rows = history_list(page)
    # Every character of the reason is on the page, the tail behind 展开全文 (no script).
    assert (rows.count("甲"), rows.count("乙"), rows.count("丙尾")) == (250, 250, 50)
    assert "<details" in rows and "展开全文" in rows


NEXT = "该部分待提案委员会改交其他单位办理或决定不再改交"


@pytest.mark.clause("C4.6")
def test_the_proposer_reads_what_happens_next_to_a_part_sent_back(client, world):
    proposal = returned_by_housing(world)
    returned = part_of(proposal, world.housing)
    client.force_login(world.user("zhang"))
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "道路交通不属于本局职责。" in page
    assert f'id="returned-next-{returned.pk}"' in page and NEXT in page
    # Decided: the line goes (the proposers were told of the decision).
    with time_machine.travel(REASSIGN_DAY, tick=False):
        services.returned_part_close(assignment=returned, actor=world.reviewer, reason="无需办理。")
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert NEXT not in page


def message_after_return(client, clerk, assignment) -> str:
    client.force_login(clerk)
    with time_machine.travel(RETURN_DAY, tick=False):
        response = client.post(
            f"/proposals/dept/{assignment.pk}/return/", {"reason": "不属于本局职责。"}, follow=True
        )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.clause("C4.6")
def test_the_department_is_told_what_happens_to_the_split_part_it_sent_back(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = split_between_two(world)
    page = message_after_return(client, world.housing_clerk, part_of(proposal, world.housing))
    assert "提案委员会将改交其他单位办理或决定不再改交" in page
    assert "提案委员会将重新交办" not in page
    # The last part sent back: the whole proposal goes back to be assigned again.
    page = message_after_return(client, world.education_clerk, part_of(proposal, world.education))
    assert "已申请退回，提案委员会将重新交办。" in page


def assert_decided_page(html: str, *shown: str) -> None:
    assert 'id="reassign-decided"' in html
    assert 'id="reassign-form"' not in html and 'id="close-form"' not in html
    decided = html.split('id="reassign-decided"', 1)[1].split("</div>", 1)[0]
    for text in shown:
        assert text in decided, text


@pytest.mark.clause("C4.6")
def test_a_stale_reassign_page_shows_the_decision_not_forms(client, world, transport):
    department, _clerk = transport
    proposal = returned_by_housing(world)
    returned = part_of(proposal, world.housing)
    link = f"/proposals/{proposal.pk}/reassign/{returned.pk}/"
    client.force_login(world.reviewer)
    with time_machine.travel(REASSIGN_DAY, tick=False):
        assert 'id="reassign-form"' in client.get(link).content.decode()
        services.assignment_reassign(
            assignment=returned, actor=world.reviewer, department=department
        )
        # The stale page sends its form: refused, and the page says what was decided.
        stale = client.post(link, {"close-reason": "不办了"})
        assert stale.status_code == 400
        assert_decided_page(stale.content.decode(), "该部分已改交其他单位办理。", "区交通运输局")
        assert_decided_page(client.get(link).content.decode(), "区交通运输局")
    returned.refresh_from_db()
    assert returned.status == A.WITHDRAWN


@pytest.mark.clause("C4.6")
def test_a_stale_reassign_page_after_not_reassigned_shows_the_reason(client, world, transport):
    department, _clerk = transport
    proposal = returned_by_housing(world)
    returned = part_of(proposal, world.housing)
    link = f"/proposals/{proposal.pk}/reassign/{returned.pk}/"
    client.force_login(world.reviewer)
    with time_machine.travel(REASSIGN_DAY, tick=False):
        services.returned_part_close(
            assignment=returned, actor=world.reviewer, reason="该项诉求已由区教育局一并答复。"
        )
        stale = client.post(link, {"department": department.pk, "note": ""})
        assert stale.status_code == 400
        assert_decided_page(
            stale.content.decode(), "已决定该部分不再改交。", "该项诉求已由区教育局一并答复。"
        )
