"""The note the Party standing committee approves (and so publishes) the plan with reaches
the offices as its 审定意见, not as a hand-over's 报送意见; the steps before keep 报送意见."""

import datetime as dt

import pytest
from django.utils import translation

from xieshang.consultation import services
from xieshang.core.models import Notification

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C2.4")
def test_the_approval_note_reads_as_the_standing_committees_approval(world):
    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office)
    services.plan_forward(plan=plan, actor=world.party_office)
    services.plan_forward(plan=plan, actor=world.chair, note="同意，报党委常委会审定。")
    chair_note = Notification.objects.filter(recipient=world.standing).latest("id")
    assert chair_note.shown_body == "主席会议成员报送意见：同意，报党委常委会审定。"
    services.plan_forward(
        plan=plan, actor=world.standing, note="同意印发。", approved_on=dt.date(2026, 11, 20)
    )
    message = Notification.objects.filter(
        recipient=world.office, url=f"/consultation/plans/{plan.pk}/"
    ).latest("id")
    assert "审定意见：同意印发。" in message.shown_body
    assert "报送意见" not in message.shown_body
    with translation.override("en"):
        assert "Approved by" in message.shown_body and "同意印发。" in message.shown_body
