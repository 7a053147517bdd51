"""A co-handler (协办单位) sending its part back (申请退回) reads what actually happens: its
own part ends and the lead department goes on with the proposal; the proposal is not sent
back to be assigned again (C4.6)."""

import pytest
import time_machine

from tests.proposals.conftest import PROPOSAL_TEXT
from tests.proposals.test_department_pages import ASSIGN_DAY
from tests.proposals.test_reassign_returned_part import RETURN_DAY, part_of
from xieshang.proposals import services
from xieshang.proposals.models import Assignment, Proposal

A = Assignment.Status


def lead_with_co(world) -> Proposal:
    """Assigned to 住建局 (lead) with 教育局 as co-handler."""
    proposal = services.proposal_create(
        actor=world.user("zhang"), organisation=world.district, **PROPOSAL_TEXT
    )
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    services.proposal_accept(proposal=proposal, actor=world.reviewer)
    services.proposal_assign(
        proposal=proposal, actor=world.reviewer, lead=world.housing, co=[world.education]
    )
    proposal.refresh_from_db()
    return proposal


@pytest.mark.clause("C4.6")
def test_a_co_handler_is_told_the_lead_goes_on_after_its_return(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = lead_with_co(world)
    co = part_of(proposal, world.education)
    client.force_login(world.education_clerk)
    with time_machine.travel(RETURN_DAY, tick=False):
        response = client.post(
            f"/proposals/dept/{co.pk}/return/", {"reason": "不属于本局职责。"}, follow=True
        )
    assert response.status_code == 200
    page = response.content.decode()
    # What the service did: only the co-handler's part ended; the lead still handles it.
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ASSIGNED
    assert part_of(proposal, world.education).status == A.RETURNED
    assert part_of(proposal, world.housing).status == A.HANDLING
    assert "已申请退回本单位的协办事项" in page and "主办单位继续办理该提案" in page
    assert "提案委员会将重新交办" not in page
