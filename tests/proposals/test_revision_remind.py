"""A proposal returned for revision (退回修改) that its proposer leaves alone is not
forgotten: after the organisation's working days the first proposer is reminded, once, and
told when others' proposals were merged into it and wait on it (并案)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.proposals.conftest import submitted
from xieshang.core.models import Notification
from xieshang.orgs import config
from xieshang.proposals import jobs, rules, services

# Monday 2 March 2026, 10:00 in Beijing.
RETURNED_AT = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def on(day: int):
    return time_machine.travel(dt.datetime(2026, 3, day, 2, 0, tzinfo=dt.UTC), tick=False)


def reminders(user):
    return list(
        Notification.objects.filter(recipient=user, title__startswith="退回修改的提案仍待重新提交")
    )


@pytest.mark.clause("C4.6")
def test_the_first_proposer_is_reminded_once_after_five_working_days(world):
    with time_machine.travel(RETURNED_AT, tick=False):
        target = submitted(world, title="关于老旧小区加装电梯的建议")
        other = submitted(world, key="wang", title="关于加装电梯资金分摊的建议")
        services.proposal_merge(proposal=other, into=target, actor=world.reviewer)
        services.proposal_return(proposal=target, actor=world.reviewer, note="请补充资金测算。")
    with on(6):  # Friday: four working days
        assert jobs.remind_revision() == 0
    with on(9):  # Monday: the fifth
        assert jobs.remind_revision() == 1
        assert jobs.remind_revision() == 0  # once
    [notice] = reminders(world.user("zhang"))
    assert notice.title == "退回修改的提案仍待重新提交：关于老旧小区加装电梯的建议"
    assert "2026年3月2日退回修改" in notice.body and "请补充资金测算。" in notice.body
    assert "已有1件提案并入本提案" in notice.body
    assert notice.url == target.get_absolute_url()
    assert reminders(world.user("wang")) == []  # the merged proposal's proposer waits


def test_a_resubmitted_proposal_is_not_reminded_and_the_days_are_the_organisations(world):
    with time_machine.travel(RETURNED_AT, tick=False):
        config.set_value(world.district, rules.REVISION_REMIND_DAYS, 2, actor=world.office)
        waiting = submitted(world, title="关于社区助餐点的建议")
        resubmitted = submitted(world, key="wang", title="关于学校课后服务的建议")
        for proposal in (waiting, resubmitted):
            services.proposal_return(proposal=proposal, actor=world.reviewer, note="请修改。")
        services.proposal_submit(proposal=resubmitted, actor=world.user("wang"))
    with on(4):  # Wednesday: two working days
        assert jobs.remind_revision() == 1
    assert len(reminders(world.user("zhang"))) == 1
    assert reminders(world.user("wang")) == []


def test_the_daily_run_reads_what_was_already_reminded_at_once(world):
    """A proposal stays returned for weeks; the job's daily run over those already reminded
    costs the same few queries however many there are."""

    def rerun_queries():
        with on(16), CaptureQueriesContext(connection) as queries:
            assert jobs.remind_revision() == 0
        return len(queries)

    def return_two(titles):
        with time_machine.travel(RETURNED_AT, tick=False):
            for key, title in zip(("zhang", "wang"), titles, strict=True):
                proposal = submitted(world, key=key, title=title)
                services.proposal_return(proposal=proposal, actor=world.reviewer, note="请修改。")
        with on(16):
            assert jobs.remind_revision() == 2

    return_two(["关于社区助餐点的建议", "关于学校课后服务的建议"])
    few = rerun_queries()
    return_two(["关于老旧小区加装电梯的建议", "关于河道保洁的建议"])
    assert rerun_queries() == few
