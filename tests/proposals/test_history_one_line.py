"""One handling action, one line in the proposal's history (C4.6): the answer that completes
the handling says 办理中 → 已答复 with its category on one line, and a department's return
that leaves nobody handling the proposal says 办理中 → 已立案 with its reason on one line
(each wrote a second, bare line before)."""

import re

import pytest
import time_machine

from tests.proposals.test_department_pages import ANSWER_POST, ASSIGN_DAY, assigned, lead_of
from tests.proposals.test_reassign_returned_part import RETURN_DAY, part_of, split_between_two
from xieshang.core.audit import history
from xieshang.proposals import services
from xieshang.proposals.models import Proposal

S = Proposal.Status


def history_rows(page: str) -> list[str]:
    return page.split('id="history"', 1)[1].split("</ol>", 1)[0].split("<li")[1:]


@pytest.mark.clause("C4.6")
def test_the_answer_is_one_history_line_with_from_to_and_category(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        client.force_login(world.housing_clerk)
        response = client.post(f"/proposals/dept/{lead_of(proposal).pk}/answer/", ANSWER_POST)
        assert response.status_code == 302
    (event,) = history(proposal).filter(verb="proposal.answer")
    assert (event.from_state, event.to_state) == (S.ASSIGNED, S.ANSWERED)
    assert event.note.startswith("A ")
    assert event.data["department"] == world.housing.name and event.data["category"] == "A"
    client.force_login(world.reviewer)
    page = client.get(proposal.get_absolute_url()).content.decode()
    answers = [row for row in history_rows(page) if re.search(r"· 答复\s", row)]
    assert len(answers) == 1, answers
    assert "→" in answers[0] and "— A " in answers[0]


def test_a_split_answer_before_the_last_is_one_line_without_a_state_change(world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = split_between_two(world)
        first = {k: v for k, v in ANSWER_POST.items() if k != "confirm_no_contact"}
        for department, clerk in (
            (world.housing, world.housing_clerk),
            (world.education, world.education_clerk),
        ):
            services.answer_submit(
                assignment=part_of(proposal, department),
                actor=clerk,
                **{**first, "doc_number": ""},
            )
    events = list(history(proposal).filter(verb="proposal.answer").order_by("id"))
    assert len(events) == 2
    assert (events[0].from_state, events[0].to_state) == ("", "")
    assert events[0].data["department"] == world.housing.name
    assert (events[1].from_state, events[1].to_state) == (S.ASSIGNED, S.ANSWERED)
    assert events[1].data["department"] == world.education.name


def test_a_return_that_leaves_nobody_handling_is_one_line_with_its_reason(world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
    with time_machine.travel(RETURN_DAY, tick=False):
        services.assignment_return(
            assignment=lead_of(proposal), actor=world.housing_clerk, reason="不属于本局职责。"
        )
    (event,) = history(proposal).filter(verb="proposal.assignment_return")
    assert (event.from_state, event.to_state) == (S.ASSIGNED, S.ACCEPTED)
    assert event.note == "不属于本局职责。"
    assert event.data["department"] == world.housing.name


def test_a_split_return_while_another_handles_is_one_line(world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = split_between_two(world)
    with time_machine.travel(RETURN_DAY, tick=False):
        services.assignment_return(
            assignment=part_of(proposal, world.housing),
            actor=world.housing_clerk,
            reason="不属于本局职责。",
        )
    (event,) = history(proposal).filter(verb="proposal.assignment_return")
    assert event.note == "不属于本局职责。" and event.to_state == ""
    # The proposal stays in handling with the other department.
    proposal.refresh_from_db()
    assert proposal.status == S.ASSIGNED
