"""Nobody hands the plan on, or approves it, over a change they have not seen: the forward
form carries the plan's version, a change made since the page was opened (a colleague's
item, the other office's revision) refuses it with the note kept, and the page shown again
has the current text, from which the step goes through."""

import pytest
from django.urls import reverse

from xieshang.consultation import services
from xieshang.consultation.models import ConsultationPlan

pytestmark = pytest.mark.django_db
PS = ConsultationPlan.Status


@pytest.mark.clause("C2.4")
def test_a_revision_made_meanwhile_stops_the_forward_and_keeps_the_note(world, client):
    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office)
    plan.refresh_from_db()
    client.force_login(world.party_office)
    url = reverse("consultation:plan", args=[plan.pk])
    page = client.get(url).content.decode()
    seen = plan.version
    assert f'name="plan_version" value="{seen}"' in page
    # The government office changes an item while the Party office reads the page.
    item = plan.items.get(title="民营经济发展协商座谈")
    services.plan_item_save(
        plan=plan, actor=world.gov_office, data={"month": 8}, expected_version=seen, item=item
    )
    forward = reverse("consultation:plan_forward", args=[plan.pk])
    response = client.post(forward, {"plan_version": seen, "forward-note": "会签完毕，同意报送"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "会签完毕，同意报送" in page
    assert "请核对后再报送" in page
    plan.refresh_from_db()
    assert plan.status == PS.REVISION
    assert f'name="plan_version" value="{plan.version}"' in page
    response = client.post(
        forward, {"plan_version": plan.version, "forward-note": "会签完毕，同意报送"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PS.REVIEW
