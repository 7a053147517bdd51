"""A consultation outcome sent to the Party committee's office (报党委办公室) takes its
leaders' instructions from that office; the government's office, to which it was not sent,
records none on it (C4.7)."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.consultation.test_outcomes import held_activity
from xieshang.consultation import services
from xieshang.consultation.models import Outcome
from xieshang.followups.models import Instruction, Task
from xieshang.orgs.models import Role


@pytest.mark.clause("C4.7")
def test_an_outcome_takes_instructions_from_the_office_it_was_sent_to(world, client):
    activity = held_activity(world)
    outcome = services.outcome_create(
        activity=activity,
        actor=world.office,
        kind=Outcome.Kind.BULLETIN,
        title="关于优化营商环境的协商专报",
        body="一、……",
        departments=[world.housing],
        to_party_office=True,
        to_government_office=False,
    )
    services.outcome_submit(outcome=outcome, actor=world.office)
    form_url = f"/followups/instructions/new/consultation.outcome/{outcome.pk}/"

    client.force_login(world.gov_office)
    assert outcome.title not in client.get(reverse("followups:received")).content.decode()
    assert client.get(form_url).status_code == 404

    client.force_login(world.party_office)
    assert form_url in client.get(reverse("followups:received")).content.decode()
    response = client.post(
        form_url,
        {
            "leader": "王书记",
            "level": "district",
            "instructed_on": dt.date.today().isoformat(),
            "text": "请区住建局抓好落实。",
            "departments": [world.housing.pk],
            "working_days": 15,
        },
    )
    assert response.status_code == 302
    instruction = Instruction.objects.get()
    assert instruction.recorded_as == Role.PARTY_OFFICE
    assert Task.objects.filter(kind=Task.Kind.INSTRUCTION, department=world.housing).exists()


@pytest.mark.clause("C4.7")
def test_an_instruction_on_an_outcome_is_not_dated_before_the_outcome_was_sent(world, client):
    """A tester recorded a leader's instruction dated months before the activity was held:
    the form now refuses a day before the outcome reached the office, and keeps the text."""
    outcome = world.plan_outcome(departments=[world.housing], until="submitted")
    client.force_login(world.party_office)
    form = {
        "leader": "王书记",
        "level": "district",
        "instructed_on": (outcome.submitted_on - dt.timedelta(days=1)).isoformat(),
        "text": "请区住建局抓好落实。",
        "departments": [world.housing.pk],
        "working_days": 15,
    }
    url = f"/followups/instructions/new/consultation.outcome/{outcome.pk}/"
    response = client.post(url, form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "批示日期不能早于该事项报送的日期" in page and "请区住建局抓好落实。" in page
    assert not Instruction.objects.exists()
    form["instructed_on"] = outcome.submitted_on.isoformat()
    assert client.post(url, form).status_code == 302
