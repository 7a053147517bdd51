"""A split department's answer sent while another part is still open (another department
handling, or a part sent back waiting on the committee) does not tell the clerk the
proposers will now be asked to rate: they are asked when the whole proposal is answered."""

import pytest
import time_machine

from tests.proposals.test_department_pages import ANSWER_POST
from tests.proposals.test_reassign_returned_part import part_of, returned_by_housing
from tests.proposals.test_returned_part_decision import ANSWER_DAY
from xieshang.proposals.models import Proposal


@pytest.mark.clause("C4.6")
def test_a_split_answer_sent_while_a_part_waits_says_rating_comes_later(client, world):
    proposal = returned_by_housing(world)
    client.force_login(world.education_clerk)
    with time_machine.travel(ANSWER_DAY, tick=False):
        response = client.post(
            f"/proposals/dept/{part_of(proposal, world.education).pk}/answer/",
            ANSWER_POST,
            follow=True,
        )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ASSIGNED
    page = response.content.decode()
    assert "提案其他部分办理完毕后，提案人将收到评价通知" in page
    assert "答复已送达，提案人将收到评价通知" not in page
