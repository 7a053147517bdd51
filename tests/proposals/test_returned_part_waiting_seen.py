"""A split part sent back (申请退回) waits on the proposal committee (改交 or 不再改交) with
its follow-up task withdrawn: no overdue list shows it. Before, only the notice and the
proposal's own page said so; once the notice was read the part could wait unseen and the
proposal stay 办理中 for good. The committee's home card and the 交办会 page list it."""

import re

import pytest
import time_machine

from tests.proposals.test_reassign_returned_part import (
    REASSIGN_DAY,
    part_of,
    returned_by_housing,
    transport,
)
from xieshang.proposals import services

__all__ = ["transport"]


def card_count(html: str, title: str) -> int:
    return int(re.search(rf">{title}\s*<span class=\"badge [^\"]*\">(\d+)<", html).group(1))


@pytest.mark.clause("C4.6")
def test_the_committee_home_and_board_show_a_returned_part_until_it_is_decided(
    client, world, transport
):
    department, _clerk = transport
    proposal = returned_by_housing(world)
    returned = part_of(proposal, world.housing)

    client.force_login(world.reviewer)
    assert card_count(client.get("/").content.decode(), "待改交") == 1
    board = client.get("/proposals/board/").content.decode()
    part = board.split(f'id="returned-part-{returned.pk}"', 1)[1].split("</li>", 1)[0]
    assert proposal.title in part and "道路交通不属于本局职责" in part
    assert f"/proposals/{proposal.pk}/reassign/{returned.pk}/" in part

    # A department's clerk has no such card, nor the board.
    client.force_login(world.education_clerk)
    assert "待改交" not in client.get("/").content.decode()

    with time_machine.travel(REASSIGN_DAY, tick=False):
        services.assignment_reassign(
            assignment=returned, actor=world.reviewer, department=department
        )
    client.force_login(world.reviewer)
    assert card_count(client.get("/").content.decode(), "待改交") == 0
    assert (
        f'id="returned-part-{returned.pk}"' not in client.get("/proposals/board/").content.decode()
    )
