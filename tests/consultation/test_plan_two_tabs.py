"""Two tabs of the Party office on the plan at the joint revision: one sends it back, the
other then hands it on. The second is refused with its note kept, and says where the plan
is now, not only "您在当前环节无权进行此操作" (the office had the right a minute ago)."""

import pytest

from xieshang.consultation import services
from xieshang.consultation.models import ConsultationPlan

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C2.4")
def test_the_second_tab_is_told_the_plan_went_back_meanwhile(world, client):
    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office)
    client.force_login(world.party_office)
    url = f"/consultation/plans/{plan.pk}/"
    response = client.post(url + "send-back/", {"back-note": "民主监督议题请再补充一项。"})
    assert response.status_code == 302
    response = client.post(url + "forward/", {"forward-note": "同意，报主席会议审议。"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "计划现为“起草中（政协办公室）”环节。" in body
    assert "同意，报主席会议审议。" in body
    plan.refresh_from_db()
    assert plan.status == ConsultationPlan.Status.DRAFT
