"""What the Party committee and government offices and the supervising office meet when they
record a leader's instruction (批示) and follow it up (C4.7)."""

import datetime as dt
import re

import pytest
import time_machine

from tests.factories import DepartmentFactory, make_org, user_with_role
from xieshang.orgs.models import Level, Role
from xieshang.proposals.models import Proposal

pytestmark = pytest.mark.django_db
MORNING = dt.datetime(2026, 12, 4, 2, tzinfo=dt.UTC)  # Friday 4 December 2026, 10:00 Beijing


@pytest.fixture
def district():
    org = make_org("示范区政协", Level.DISTRICT)
    housing = DepartmentFactory(organisation=org, name="区住房和城乡建设局")
    proposal = Proposal.objects.create(
        organisation=org,
        year=2026,
        title="关于加快老旧小区加装电梯的提案",
        suggestions="简化审批，财政补贴。",
        status=Proposal.Status.ASSIGNED,
        key_status=Proposal.KeyStatus.APPROVED,
    )
    return {
        "org": org,
        "housing": housing,
        "proposal": proposal,
        "committee": user_with_role(Role.PROPOSAL_COMMITTEE, org, full_name="提案委"),
    }


def _date_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


@pytest.mark.clause("C4.7")
def test_the_instruction_date_comes_filled_with_today_in_the_form_a_date_field_reads(
    client, district
):
    """The date picker takes only 2026-12-04: the Chinese interface's 2026/12/04 left it
    blank, and the office's first save was refused for a missing date."""
    client.force_login(district["committee"])
    with time_machine.travel(MORNING):
        page = client.get(f"/proposals/{district['proposal'].pk}/")
    assert page.status_code == 200
    assert _date_value(page.content.decode(), "instructed_on") == "2026-12-04"
