"""A plan outcome's feedback units (反馈单位) report how they carry out the decision.

An outcome of a plan activity goes through the decision procedure (C2.7); the units named
on it then give written feedback through the follow-up engine, with a deadline counted from
the decision, and the outcome waits for them (待书面反馈) before the office closes it, as
an unplanned outcome waits for its units. Without named units the decision ends it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xieshang.consultation import services
from xieshang.consultation.models import Outcome
from xieshang.consultation.selectors import outcome_tasks
from xieshang.followups import services as followups
from xieshang.followups.models import Task

OS = Outcome.Status


def _decided_plan_outcome(world, departments):
    outcome = world.plan_outcome(departments=departments, until="submitted")
    # The decision procedure comes first: nobody is asked for feedback on a text not decided.
    assert outcome_tasks([outcome.pk]) == {}
    services.outcome_enter_decision(outcome=outcome, actor=world.party_office)
    services.outcome_decide(
        outcome=outcome,
        actor=world.standing,
        decision="区委常委会决定纳入2027年民生实事项目。",
        decided_on=dt.date(2026, 11, 25),
    )
    outcome.refresh_from_db()
    return outcome


@pytest.mark.clause("C2.7")
def test_the_units_named_on_a_plan_outcome_feed_back_after_the_decision(world, client):
    outcome = _decided_plan_outcome(world, [world.housing])
    assert outcome.status == OS.AWAITING_FEEDBACK
    assert outcome.decision.startswith("区委常委会决定")
    [task] = outcome_tasks([outcome.pk])[outcome.pk]
    assert task.department == world.housing and task.kind == Task.Kind.OUTCOME
    assert task.start_date == dt.date(2026, 11, 25)
    assert "区委常委会决定纳入2027年民生实事项目。" in task.request

    client.force_login(world.office)
    url = f"/consultation/outcomes/{outcome.pk}/"
    page = client.get(url).content.decode()
    assert 'id="outcome-tasks"' in page and "区住房和城乡建设局" in page
    assert "尚有1个单位的书面反馈未办结" in page
    with pytest.raises(ValidationError):
        services.outcome_close(outcome=outcome, actor=world.office)

    # The unit reads what it answers, and answers.
    client.force_login(world.housing_clerk)
    assert client.get(url).status_code == 200
    followups.feedback_submit(task=task, text="已列入2027年改造计划。", actor=world.housing_clerk)
    followups.task_close(task=task, actor=world.office)
    services.outcome_close(outcome=outcome, actor=world.office)
    outcome.refresh_from_db()
    assert outcome.status == OS.CLOSED


@pytest.mark.clause("C2.7")
def test_a_plan_outcome_without_units_ends_with_its_decision(world):
    outcome = _decided_plan_outcome(world, [])
    assert outcome.status == OS.DECIDED
    assert outcome_tasks([outcome.pk]) == {}


@pytest.mark.clause("C2.7")
def test_a_plan_outcome_names_its_units_apart_from_where_it_was_sent(world, client):
    """Sent to the Party committee and government only: its units are named as those who
    answer after the decision, not among the bodies it was sent to on the day."""
    outcome = world.plan_outcome(departments=[world.housing], until="submitted")
    client.force_login(world.office)
    page = client.get(f"/consultation/outcomes/{outcome.pk}/").content.decode()
    sent = page.split("报送</dt>", 1)[1].split("</dd>", 1)[0]
    assert "党委办公室" in sent and "区住房和城乡建设局" not in sent
    units = page.split('id="outcome-feedback-units">', 1)[1].split("</dd>", 1)[0]
    assert "区住房和城乡建设局" in units and "作出决策后书面反馈落实情况" in units


@pytest.mark.clause("C2.7")
def test_the_year_summary_counts_it_decided_while_its_units_answer(world):
    from xieshang.consultation import summary

    _decided_plan_outcome(world, [world.housing])
    total = summary.work_report(world.district, 2026).outcome_total
    assert (total.sent, total.decided, total.in_progress, total.closed) == (1, 1, 1, 0)
