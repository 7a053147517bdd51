import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from xieshang.consultation import services
from xieshang.consultation.models import PartyPlan
from xieshang.core.audit import TransitionError


@pytest.mark.clause("C4.1")
def test_it_sends_a_party_consultation_plan_to_the_cppcc_and_records_its_comments(world, client):
    with pytest.raises(PermissionDenied):
        services.party_plan_create(
            organisation=world.district, actor=world.office, year=2027, title="x", body="x"
        )
    plan = services.party_plan_create(
        organisation=world.district,
        actor=world.ufwd,
        year=2027,
        title="2027年度政党协商计划（征求意见稿）",
        body="一、协商议题：民营经济高质量发展……二、时间：二季度……三、参加范围：各民主党派区委……",
    )
    # The CPPCC does not see the Party's draft until it is sent.
    client.force_login(world.office)
    assert client.get(reverse("consultation:party_plan", args=[plan.pk])).status_code == 404
    with pytest.raises(TransitionError):
        services.party_plan_comment(plan=plan, actor=world.office, text="太早")

    services.party_plan_send(plan=plan, actor=world.ufwd)
    page = client.get(reverse("consultation:party_plan", args=[plan.pk]))
    assert page.status_code == 200
    assert "提出意见建议" in page.text
    response = client.post(
        reverse("consultation:party_plan_action", args=[plan.pk, "comment"]),
        {"text": "建议增加新的社会阶层人士参加，时间调整到三季度。"},
    )
    assert response.status_code == 302
    assert plan.comments.get().text.startswith("建议增加新的社会阶层人士")
    assert world.ufwd.notifications.filter(title__contains="提出了意见建议").exists()

    services.party_plan_finalise(plan=plan, actor=world.party_office)
    plan.refresh_from_db()
    assert plan.status == PartyPlan.Status.FINAL
    # Other districts' offices see nothing.
    client.force_login(world.other_office)
    assert client.get(reverse("consultation:party_plan", args=[plan.pk])).status_code == 404
