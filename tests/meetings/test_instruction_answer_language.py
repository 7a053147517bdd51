"""An office's answer to a leader's instruction on an inspection report is told to the
inspection team naming the office in each reader's language, whoever answered."""

import datetime as dt

import pytest
from django.utils import translation

from tests.factories import user_with_role
from tests.meetings.factories import world
from xieshang.core.models import Notification
from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.meetings.models import Invitation, MeetingKind
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C4.7")
def test_the_team_reads_which_office_answered_in_its_own_language():
    w = world()
    member = w.member("甲委员")
    inspection = w.meeting(MeetingKind.INSPECTION, title="老旧小区改造视察")
    inspection.invitations.update(outcome=Invitation.Outcome.PRESENT)
    inspection.report = "视察发现三方面问题。"
    inspection.save(update_fields=["report"])
    gov = user_with_role(Role.GOVERNMENT_OFFICE, w.org)
    followups.instruction_record(
        item=inspection,
        actor=w.office,
        leader="王区长",
        level="district",
        instructed_on=dt.date(2026, 3, 20),
        text="请政府办牵头研究。",
        offices=[Role.GOVERNMENT_OFFICE],
    )
    task = Task.objects.get(kind=Task.Kind.INSTRUCTION)
    with translation.override("en"):
        followups.feedback_submit(task=task, text="已部署改造计划。", actor=gov)
    told = Notification.objects.get(recipient=member.user, title__startswith="领导批示落实情况")
    assert told.title.startswith("领导批示落实情况：政府办公室已就")
    with translation.override("en"):
        assert "政府办公室" not in told.shown_title
