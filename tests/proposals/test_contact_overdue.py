"""The contact-by date (联系提案人时限, C4.6) passed with no contact on record: the answering
department is told once, by the same daily job as the reminder before the date; a
department that has called, a co-handler, a second run and a long-past date send nothing."""

import datetime as dt

import pytest
import time_machine

from tests.proposals.test_contact_remind import CONTACT_BY, at
from tests.proposals.test_department_pages import ASSIGN_DAY, assigned, co_of, lead_of
from xieshang.core import scheduler
from xieshang.core.models import Notification
from xieshang.proposals import services


def overdue_notices(user):
    return Notification.objects.filter(recipient=user, title__startswith="联系提案人已逾期")


@pytest.mark.clause("C4.6")
def test_the_department_is_told_once_after_the_contact_by_date(world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
        called = assigned(world, title="关于已经联系过提案人的提案")
    with at(dt.date(2026, 3, 6)):
        services.contact_record(
            assignment=lead_of(called),
            actor=world.housing_clerk,
            date=dt.date(2026, 3, 6),
            way="phone",
        )
    # On the date itself: not yet overdue.
    with at(CONTACT_BY):
        services.contact_overdue_notify()
    assert not overdue_notices(world.housing_clerk).exists()

    # The day after, by the daily job: the lead department is told, once.
    with at(CONTACT_BY + dt.timedelta(days=1)):
        scheduler.run_job("proposals.remind_contact")
        assert services.contact_overdue_notify() == 0  # a second run sends nothing
    with at(CONTACT_BY + dt.timedelta(days=3)):
        assert services.contact_overdue_notify() == 0  # nor a later day's
    (notice,) = overdue_notices(world.housing_clerk)
    lead = lead_of(proposal)
    assert notice.url == f"/proposals/dept/{lead.pk}/"
    assert "2026年3月23日" in notice.body and proposal.title in notice.title
    # The co-handler does not contact the proposers; the department that called is not told.
    assert not overdue_notices(world.education_clerk).exists()
    assert co_of(proposal).status == "handling"
    assert overdue_notices(world.housing_clerk).count() == 1


def test_no_notice_once_contacted_or_long_past(world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
    # Long past the date (a first run after a deployment): nothing sent for it.
    with at(CONTACT_BY + dt.timedelta(days=30)):
        assert services.contact_overdue_notify() == 0
    with at(CONTACT_BY + dt.timedelta(days=1)):
        services.contact_record(
            assignment=lead_of(proposal),
            actor=world.housing_clerk,
            date=CONTACT_BY + dt.timedelta(days=1),
            way="visit",
        )
        assert services.contact_overdue_notify() == 0
    assert not overdue_notices(world.housing_clerk).exists()
