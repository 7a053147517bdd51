"""The annual plan's approval chain as its bodies meet it (C2.4): the Party committee and
government offices that revise it, the chairman's meeting that reviews it, the Party
standing committee that approves it."""

import pytest

from xieshang.consultation import services

pytestmark = pytest.mark.django_db
WAITING = "等待您这一环节办理的协商计划"


@pytest.mark.clause("C2.4")
def test_the_government_office_sees_the_plan_waiting_for_its_revision(world, client):
    """The government office revises beside the Party office (it edits and may send back,
    the Party office completes): the plan at their step is on both home pages."""
    plan = world.passing_plan()
    client.force_login(world.gov_office)
    assert WAITING not in client.get("/").content.decode()  # still the office's draft
    services.plan_forward(plan=plan, actor=world.office)
    for body in (world.gov_office, world.party_office):
        client.force_login(body)
        assert WAITING in client.get("/").content.decode()
    services.plan_forward(plan=plan, actor=world.party_office)
    client.force_login(world.gov_office)
    assert WAITING not in client.get("/").content.decode()  # with the chairman's meeting now
