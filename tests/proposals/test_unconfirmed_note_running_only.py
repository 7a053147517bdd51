""" "明年调休安排尚未录入，截止日期可能有变" warns of a deadline that may still move: next to a
deadline still running, not next to one the department has already met (the answered row of
the department's 全部 tab, its handling page, the member's proposal page)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from tests.proposals.test_department_pages import ANSWER_POST, assigned, lead_of
from xieshang.proposals import services

pytestmark = pytest.mark.django_db

NOTE = "明年调休安排尚未录入"
# From November 1 a deadline in next year warns while next year's schedule is not entered:
# the 3-month answer deadline of a proposal assigned on November 10 falls in February.
IN_NOVEMBER = dt.datetime(2026, 11, 10, 2, 0, tzinfo=dt.UTC)


@pytest.mark.clause("C4.6")
def test_the_schedule_warning_goes_once_the_deadline_is_met(world):
    member, clerk = Client(), Client()
    member.force_login(world.user("zhang"))
    clerk.force_login(world.housing_clerk)
    with time_machine.travel(IN_NOVEMBER, tick=False):
        proposal = assigned(world)
        assignment = lead_of(proposal)
        assert assignment.task.due_date.year == 2027
        page = f"/proposals/{proposal.pk}/"
        assert NOTE in member.get(page).content.decode()  # still running: it may move
        services.answer_submit(assignment=assignment, actor=world.housing_clerk, **ANSWER_POST)
        assignment.refresh_from_db()
        assert assignment.status == assignment.Status.ANSWERED
        for client, url in [
            (member, page),
            (clerk, "/proposals/dept/?state=all"),
            (clerk, f"/proposals/dept/{assignment.pk}/"),
        ]:
            html = client.get(url).content.decode()
            assert proposal.title in html
            assert NOTE not in html, url
