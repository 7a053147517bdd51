import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from xieshang.consultation import services
from xieshang.consultation.models import PartyPlan
from xieshang.core.audit import TransitionError
from xieshang.core.models import Notification


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

    asked = Notification.objects.filter(title__contains="征求意见：", read_at=None)
    assert asked.filter(recipient=world.office).exists()
    services.party_plan_finalise(plan=plan, actor=world.party_office)
    plan.refresh_from_db()
    assert plan.status == PartyPlan.Status.FINAL
    assert not asked.exists()  # the time for comments is over
    # Other districts' offices see nothing.
    client.force_login(world.other_office)
    assert client.get(reverse("consultation:party_plan", args=[plan.pk])).status_code == 404


@pytest.mark.clause("C4.1")
def test_the_party_plan_form_suggests_next_year_even_when_a_plan_for_it_exists(world, client):
    """Unlike the CPPCC's annual plan (one per committee and year, `plan_free_years`), a
    政党协商计划 is not one per organisation and year: the Party office and the United Front
    department may each draft one. The form keeps suggesting next year, and a second plan
    for that year is drafted."""
    from django.utils import timezone

    next_year = timezone.localdate().year + 1
    services.party_plan_create(
        organisation=world.district, actor=world.ufwd, year=next_year, title="统战部稿", body="x"
    )
    client.force_login(world.party_office)
    form = client.get(reverse("consultation:party_plans")).context["form"]
    assert form["year"].value() == next_year
    response = client.post(
        reverse("consultation:party_plans"),
        {"organisation": world.district.pk, "year": next_year, "title": "党委办稿", "body": "y"},
    )
    assert response.status_code == 302
    assert PartyPlan.objects.filter(organisation=world.district, year=next_year).count() == 2
