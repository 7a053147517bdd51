"""A consultation outcome's decision date (决策日期) is not before the activity it came from.

The units' written-feedback deadline counts from the decision: a typed 2016 dated the
decision years before the meeting and made every unit's task overdue on the day it opened."""

import datetime as dt

import pytest

from xieshang.consultation.models import Outcome
from xieshang.consultation.selectors import outcome_tasks


@pytest.mark.clause("C2.7")
def test_a_decision_dated_before_the_activity_is_refused_with_the_text_kept(world, client):
    outcome = world.plan_outcome(departments=[world.housing])
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
