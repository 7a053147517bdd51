"""Two tabs on an outcome in its decision procedure: one records the decision, the other then
records one too. The second is refused, and the page shown with the refusal is the outcome as
it is now (decided, its decision shown) with no decision form left on it."""

import datetime as dt

import pytest

from xieshang.consultation import services
from xieshang.consultation.models import Outcome

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C2.7")
def test_the_second_tab_sees_the_outcome_decided_without_a_decision_form(world, client):
    outcome = world.plan_outcome(departments=[world.housing])
    services.outcome_decide(
        outcome=outcome,
        actor=world.standing,
        decision="区委常委会决定纳入民生实事项目。",
        decided_on=dt.date(2026, 11, 25),
    )
    client.force_login(world.standing)
    response = client.post(
        f"/consultation/outcomes/{outcome.pk}/decide/",
        {"decision": "另一份决策结果。", "decided_on": "2026-11-26"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f'action="/consultation/outcomes/{outcome.pk}/decide/"' not in body
    assert "区委常委会决定纳入民生实事项目。" in body
    # The refusal is kept: the outcome is past the step the form was for.
    # (The housing bureau was named to report back: the outcome now awaits its feedback.)
    assert "当前状态为“待书面反馈”，不能执行此操作。" in body
    assert "您填写的内容未保存：另一份决策结果。" in body  # what was typed is not lost
    outcome.refresh_from_db()
    assert outcome.status == Outcome.Status.AWAITING_FEEDBACK
    assert outcome.decision == "区委常委会决定纳入民生实事项目。"
