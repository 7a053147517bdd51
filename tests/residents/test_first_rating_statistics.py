"""Satisfaction counts the resident's rating of the first answer: handling an issue again
after a 不满意 does not turn it into a satisfied one in the statistics, and the issue's page
shows both ratings."""

import pytest
from django.urls import reverse

from tests.residents.conftest import routed
from xieshang.followups import services as followups
from xieshang.residents import selectors, services

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]


def test_the_first_answers_rating_counts_after_rehandling(client, world):
    issue, _code = routed(world)
    followups.feedback_submit(task=issue.task, text="已更换路灯。", actor=world["clerk"])
    issue.refresh_from_db()
    services.issue_rate(issue=issue, rating="dissatisfied", comment="又坏了")
    issue.refresh_from_db()
    services.issue_rehandle(issue=issue, actor=world["liaison"], note="请彻底修复")
    issue.refresh_from_db()
    # While handled again, the first rating still counts.
    total, _rows = selectors.statistics(world["district"])
    assert (total.rated, total.dissatisfied, total.satisfaction) == (1, 1, "0%")
    issue.task.refresh_from_db()
    followups.feedback_submit(task=issue.task, text="已更换电缆。", actor=world["clerk"])
    issue.refresh_from_db()
    services.issue_rate(issue=issue, rating="satisfied")
    total, _rows = selectors.statistics(world["district"])
    assert (total.rated, total.satisfied, total.dissatisfied) == (1, 0, 1)
    assert total.satisfaction == "0%"
    client.force_login(world["office"])
    stats = client.get(reverse("residents:stats")).content.decode()
    assert "首次答复" in stats
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "首次答复的群众评价" in page and 'id="issue-rating"' in page
