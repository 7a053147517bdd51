"""The demo moves proposals and their follow-up tasks back in time (xieshang.demo.proposals,
`ProposalDemo._shift`). A department reads each task's deadline on its queue, on the task
page and in the inbox notice it was opened with ("新的督办事项：… 请于X前书面反馈。"): all
three agree, and a deadline in calendar months is the one the product computes from the
moved start date (1个月 after 11月23日 is 12月23日, not 12月24日). A direct call on one
assigned proposal, no demo seed."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.proposals.test_department_pages import assigned, co_of, lead_of
from xieshang.core.models import Notification
from xieshang.demo.proposals import ProposalDemo

pytestmark = pytest.mark.django_db

SEED_DAY = dt.datetime(2026, 12, 7, 6, 0, tzinfo=dt.UTC)  # a Monday, 14:00 in Beijing


def test_moved_tasks_keep_month_deadlines_and_their_open_notices_follow(world):
    with time_machine.travel(SEED_DAY, tick=False):
        proposal = assigned(world, co=True)
        lead, co = lead_of(proposal).task, co_of(proposal).task
        assert co.due_date == dt.date(2027, 1, 7)  # the seed's day + 1 month
        ProposalDemo.__new__(ProposalDemo)._shift({proposal.pk: dt.timedelta(days=14)})

    lead.refresh_from_db()
    co.refresh_from_db()
    assert co.start_date == lead.start_date == dt.date(2026, 11, 23)
    assert co.due_date == dt.date(2026, 12, 23)  # 1个月, as the product computes it
    assert lead.due_date == dt.date(2027, 2, 23)  # 3个月
    for task, shown in [(co, "2026年12月23日"), (lead, "2027年2月23日")]:
        notice = Notification.objects.filter(dedupe_key=f"followup:{task.pk}:open").first()
        assert notice is not None
        assert f"请于{shown}前书面反馈" in notice.body
        assert notice.body_phrase["p"]["due"] == {"d": task.due_date.isoformat()}
        assert timezone.localdate(notice.created_at) == dt.date(2026, 11, 23)
