"""The answer's signer line says 签发 only for an answer a leader signed off (C4.6): an answer
sent without sign-off (no leader's account then) names whom the clerk put down as its letter
does (签发人), never as a signer still to come (拟签发, "To be signed by" read a proposer of a
delivered answer), on the round-2 handling page's 上一轮答复 and on the proposal's page."""

import pytest
import time_machine

from tests.factories import user_with_role
from tests.proposals.test_department_pages import ASSIGN_DAY
from tests.proposals.test_rehandle_department import rehandled
from xieshang.orgs.models import Role
from xieshang.proposals import services
from xieshang.proposals.models import Answer


def previous_answer_line(client, assignment, answer) -> str:
    with time_machine.travel(ASSIGN_DAY, tick=False):
        page = client.get(f"/proposals/dept/{assignment.pk}/").content.decode()
    block = page.split(f'id="previous-answer-{answer.pk}"', 1)[1]
    return block.split("</div>", 1)[0]


def answer_card_line(client, answer) -> str:
    page = client.get(f"/proposals/{answer.assignment.proposal_id}/").content.decode()
    card = page.split(f'id="answer-{answer.pk}"', 1)[1]
    return card.split("</p>", 1)[0]


@pytest.mark.clause("C4.6")
def test_the_previous_answer_says_signed_off_only_when_it_was(client, world):
    proposal = rehandled(world)
    answer = Answer.objects.get(assignment__proposal=proposal, assignment__round=1)
    assert answer.sent_at is not None and answer.signed_off_at is None
    round_two = proposal.assignments.get(round=2)
    client.force_login(world.housing_clerk)
    line = previous_answer_line(client, round_two, answer)
    assert "签发人：王局长" in line and " 签发：王局长" not in line and "拟签发" not in line
    client.force_login(world.reviewer)
    line = answer_card_line(client, answer)
    assert "签发人：王局长" in line and ">签发：王局长" not in line and "拟签发" not in line

    # The department's leader signs the sent answer off afterwards: now it says 签发.
    leader = user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.housing, full_name="王局长"
    )
    services.answer_sign_off(answer=answer, actor=leader)
    client.force_login(world.housing_clerk)
    line = previous_answer_line(client, round_two, answer)
    assert " 签发：王局长" in line and "拟签发" not in line
    client.force_login(world.reviewer)
    line = answer_card_line(client, answer)
    assert "签发：王局长" in line and "拟签发" not in line
