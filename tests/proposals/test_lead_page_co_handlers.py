"""The lead department's page names its co-handlers (协办单位) as they are now: a unit
that sent its part back (申请退回) is no longer listed beside the lead."""

import re

import pytest
import time_machine

from tests.proposals.test_department_pages import ASSIGN_DAY
from tests.proposals.test_late_co_return import lead_with_co
from tests.proposals.test_reassign_returned_part import RETURN_DAY, part_of
from xieshang.proposals import services


def co_handlers_line(page: str) -> str:
    found = re.search(r'<dd[^>]*id="co-handlers">(.*?)</dd>', page, re.S)
    return found.group(1) if found else ""


@pytest.mark.clause("C4.6")
def test_the_lead_page_lists_only_current_co_handlers(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = lead_with_co(world)
    lead = part_of(proposal, world.housing)
    client.force_login(world.housing_clerk)
    with time_machine.travel(ASSIGN_DAY, tick=False):
        page = client.get(f"/proposals/dept/{lead.pk}/").content.decode()
    assert "区教育局（办理中）" in co_handlers_line(page)

    co = part_of(proposal, world.education)
    with time_machine.travel(RETURN_DAY, tick=False):
        services.assignment_return(
            assignment=co, actor=world.education_clerk, reason="不属于本局职责。"
        )
        client.force_login(world.housing_clerk)  # a new day's session
        response = client.get(f"/proposals/dept/{lead.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    # Sent back: 教育局 handles nothing of it now, so the lead's page does not name it.
    assert "区教育局（" not in page
    assert "其他承办单位" not in page
