"""`get_FOO_display()` from a table built once per field and language (core.models.ChoiceLabels):
the same labels as Django's own, in the language of the request."""

import pytest
from django.utils import translation

from tests.factories import make_org
from xieshang.followups.models import Task
from xieshang.orgs.models import Level
from xieshang.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_labels_follow_the_language_and_an_unknown_value_shows_as_itself():
    org = make_org("甲区政协", Level.DISTRICT)
    proposal = Proposal(organisation=org, year=2026, title="关于加装电梯的建议", status="submitted")
    task = Task(organisation=org, title="事项", status="closed")
    with translation.override("zh-hans"):
        assert proposal.get_status_display() == str(Proposal.Status.SUBMITTED.label)
        assert task.get_status_display() == "已办结"
        assert org.get_level_display() == "县区级"
    with translation.override("en"):
        assert task.get_status_display() == "Completed"
        assert org.get_level_display() == "District / county"
    with translation.override("zh-hans"):
        # The English table did not replace the Chinese one.
        assert task.get_status_display() == "已办结"
    task.status = "no-such-state"
    assert task.get_status_display() == "no-such-state"
