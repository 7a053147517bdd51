"""The reminder of the contact-by date (联系提案人时限, C4.6): an answering department with no
contact with the proposers on record is reminded once, in the last working days before the
date, by the daily scheduled job; a department that has called, a co-handler, and a second
run send nothing."""

import datetime as dt

import pytest
import time_machine

from tests.proposals.test_department_pages import ASSIGN_DAY, assigned, co_of, lead_of
from xieshang.core import scheduler
from xieshang.core.models import Notification
from xieshang.proposals import services

# Assigned Monday 2026-03-02: the contact-by date is Monday 2026-03-23 (15 working days).
CONTACT_BY = dt.date(2026, 3, 23)


def reminders(user):
    return Notification.objects.filter(recipient=user, title__startswith="请按时联系提案人")


def at(day: dt.date):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 0, 30, tzinfo=dt.UTC), tick=False
    )


@pytest.mark.clause("C4.6")
def test_the_department_is_reminded_once_before_the_contact_by_date(world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
        called = assigned(world, title="关于已经联系过提案人的提案")
    lead = lead_of(proposal)
    assert lead.contact_due == CONTACT_BY
    with at(dt.date(2026, 3, 6)):
        services.contact_record(
            assignment=lead_of(called),
            actor=world.housing_clerk,
            date=dt.date(2026, 3, 6),
            way="phone",
        )

    # Four working days before: not yet.
    with at(dt.date(2026, 3, 17)):
        assert scheduler.run_job("proposals.remind_contact") == 0
    assert not reminders(world.housing_clerk).exists()

    # Three working days before: the lead department is reminded, by the daily job.
    with at(dt.date(2026, 3, 18)):
        assert scheduler.run_job("proposals.remind_contact") == 1
        assert services.contact_remind() == 0  # a second run sends nothing
    with at(dt.date(2026, 3, 20)):
        assert services.contact_remind() == 0  # nor a later day's
    (notice,) = reminders(world.housing_clerk)
    assert notice.url == f"/proposals/dept/{lead.pk}/"
    assert "2026年3月23日" in notice.body and proposal.title in notice.title
    assert "sms" in notice.channels
    # The co-handler gives its view to the lead department, which contacts the proposers.
    assert not reminders(world.education_clerk).exists()
    assert co_of(proposal).contact_reminded_for is None
    # The department that called has nothing to be reminded of.
    assert lead_of(called).contact_reminded_for is None
    lead.refresh_from_db()
    assert lead.contact_reminded_for == CONTACT_BY


def test_no_reminder_once_contacted_or_answered_or_past_the_date(world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
    with at(dt.date(2026, 3, 24)):
        # Past the date (the page marks it overdue): not reminded after the fact.
        assert services.contact_remind() == 0
    with at(dt.date(2026, 3, 19)):
        services.contact_record(
            assignment=lead_of(proposal),
            actor=world.housing_clerk,
            date=dt.date(2026, 3, 19),
            way="visit",
        )
        assert services.contact_remind() == 0
    assert not reminders(world.housing_clerk).exists()


def test_the_job_is_scheduled():
    assert "proposals.remind_contact" in scheduler.registry()
