"""An outcome awaiting written feedback is closed once every unit's feedback is finished
(services.outcome_close). Until then its page says how many units are still outstanding
instead of offering 办结, a button that would only be refused; then it offers it."""

import pytest

from xieshang.consultation import services
from xieshang.consultation.models import Outcome
from xieshang.consultation.selectors import outcome_tasks
from xieshang.followups import services as followups

from .test_outcomes import held_activity


@pytest.mark.clause("C2.7")
def test_the_outcome_page_offers_closing_only_when_all_feedback_is_finished(world, client):
    activity = held_activity(world)
    outcome = services.outcome_create(
        activity=activity,
        actor=world.office,
        kind=Outcome.Kind.BULLETIN,
        title="关于优化营商环境的协商专报",
        body="……",
        departments=[world.housing],
        to_party_office=False,
        to_government_office=True,
    )
    services.outcome_submit(outcome=outcome, actor=world.office)
    tasks = outcome_tasks([outcome.pk])[outcome.pk]
    client.force_login(world.office)
    url = f"/consultation/outcomes/{outcome.pk}/"

    html = client.get(url).content.decode()
    assert "尚有2个单位的书面反馈未办结，全部办结后才能办结本成果。" in html
    assert f'action="/consultation/outcomes/{outcome.pk}/close/"' not in html

    followups.feedback_submit(task=tasks[0], text="已采纳。", actor=world.housing_clerk)
    followups.task_close(task=tasks[0], actor=world.office)
    html = client.get(url).content.decode()
    assert "尚有1个单位的书面反馈未办结" in html

    followups.feedback_submit(task=tasks[1], text="已采纳。", actor=world.gov_office)
    followups.task_close(task=tasks[1], actor=world.office)
    html = client.get(url).content.decode()
    assert "书面反馈未办结" not in html
    assert f'action="/consultation/outcomes/{outcome.pk}/close/"' in html

    # A unit asked for feedback reads the outcome but is offered neither.
    client.force_login(world.housing_clerk)
    html = client.get(url).content.decode()
    assert "书面反馈未办结" not in html and "/close/" not in html
