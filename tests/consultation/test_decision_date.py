"""A consultation outcome's decision date (决策日期) is not before the activity it came from.

The units' written-feedback deadline counts from the decision: a typed 2016 dated the
decision years before the meeting and made every unit's task overdue on the day it opened."""

import datetime as dt

import pytest

from xieshang.consultation import services
from xieshang.consultation.models import Outcome
from xieshang.consultation.selectors import outcome_tasks

from .test_outcomes import held_activity


def _outcome_in_decision(world):
    plan = world.publish(world.passing_plan())
    item = plan.items.get(title="老旧小区改造提升专题协商")
    activity = held_activity(world, item, day=dt.date(2026, 11, 23))
    outcome = services.outcome_create(
        activity=activity,
        actor=world.office,
        kind=Outcome.Kind.RECOMMENDATION,
        title="关于老旧小区改造提升的建议案",
        body="一、……",
        departments=[world.housing],
    )
    services.outcome_submit(outcome=outcome, actor=world.office)
    services.outcome_enter_decision(outcome=outcome, actor=world.party_office)
    return outcome


@pytest.mark.clause("C2.7")
def test_a_decision_dated_before_the_activity_is_refused_with_the_text_kept(world, client):
    outcome = _outcome_in_decision(world)
    client.force_login(world.standing)
    response = client.post(
        f"/consultation/outcomes/{outcome.pk}/decide/",
        {"decision": "区委常委会决定纳入民生实事项目。", "decided_on": "2016-11-25"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "决策日期不能早于协商活动召开的日期（2026年11月23日）" in page
    assert "区委常委会决定纳入民生实事项目。" in page
    outcome.refresh_from_db()
    assert outcome.status == Outcome.Status.IN_DECISION and not outcome.decision
    assert outcome_tasks([outcome.pk]) == {}

    # The right date goes through, and the unit's deadline counts from it.
    response = client.post(
        f"/consultation/outcomes/{outcome.pk}/decide/",
        {"decision": "区委常委会决定纳入民生实事项目。", "decided_on": "2026-11-25"},
    )
    assert response.status_code == 302
    [task] = outcome_tasks([outcome.pk])[outcome.pk]
    assert task.start_date == dt.date(2026, 11, 25)
