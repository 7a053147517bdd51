"""A special committee's staff prepare the consultation outcome (起草协商成果) and revise
their draft from its page, as the office does; only the office sends it."""

import pytest
from django.urls import reverse

from xieshang.consultation import services
from xieshang.consultation.models import Outcome

from .test_outcomes import held_activity


@pytest.mark.clause("C2.7")
def test_a_committees_staff_finds_the_way_to_revise_the_draft_they_wrote(world, client):
    activity = held_activity(world)
    outcome = services.outcome_create(
        activity=activity,
        actor=world.committee_staff,
        kind=Outcome.Kind.BULLETIN,
        title="关于营商环境的协商专报（初稿）",
        body="初稿。",
        departments=[world.housing],
    )
    edit = reverse("consultation:outcome_edit", args=[outcome.pk])
    submit = reverse("consultation:outcome_submit", args=[outcome.pk])
    client.force_login(world.committee_staff)
    page = client.get(reverse("consultation:outcome", args=[outcome.pk])).content.decode()
    assert f'href="{edit}"' in page
    assert submit not in page  # the office sends it
    data = {
        "kind": Outcome.Kind.BULLETIN,
        "title": "关于优化营商环境的协商专报",
        "body": "建议压缩审批时限。",
        "departments": [world.housing.pk],
        "version": outcome.version,
    }
    assert client.post(edit, data).status_code == 302
    outcome.refresh_from_db()
    assert outcome.title == "关于优化营商环境的协商专报"

    client.force_login(world.office)
    page = client.get(reverse("consultation:outcome", args=[outcome.pk])).content.decode()
    assert f'href="{edit}"' in page and submit in page
