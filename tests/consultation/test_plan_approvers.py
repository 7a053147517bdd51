"""The annual plan's approval chain as its bodies meet it (C2.4): the Party committee and
government offices that revise it, the chairman's meeting that reviews it, the Party
standing committee that approves it."""

import pytest

from xieshang.consultation import services

pytestmark = pytest.mark.django_db
WAITING = "等待您这一环节办理的协商计划"


@pytest.mark.clause("C2.4")
def test_the_government_office_sees_the_plan_waiting_for_its_revision(world, client):
    """The government office revises beside the Party office (it edits and may send back,
    the Party office completes): the plan at their step is on both home pages."""
    plan = world.passing_plan()
    client.force_login(world.gov_office)
    assert WAITING not in client.get("/").content.decode()  # still the office's draft
    services.plan_forward(plan=plan, actor=world.office)
    for body in (world.gov_office, world.party_office):
        client.force_login(body)
        assert WAITING in client.get("/").content.decode()
    services.plan_forward(plan=plan, actor=world.party_office)
    client.force_login(world.gov_office)
    assert WAITING not in client.get("/").content.decode()  # with the chairman's meeting now


@pytest.mark.clause("C2.4")
def test_a_plan_sent_back_tells_the_body_it_returns_to_why(world, client):
    """The chairman's meeting sends the plan back: the Party office's message says it was
    sent back and why, and the plan's page opens with the reason, until it is handed on."""
    from xieshang.core.notifications import Notification

    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office)
    services.plan_forward(plan=plan, actor=world.party_office)
    reason = "历史文化街区保护协商座谈会请明确承办专委会。"
    client.force_login(world.party_office)
    assert 'id="plan-sent-back"' not in client.get(f"/consultation/plans/{plan.pk}/").text
    services.plan_send_back(plan=plan, actor=world.chair, note=reason)
    message = Notification.objects.filter(recipient=world.party_office).latest("id")
    assert "退回" in message.title and reason in message.body
    page = client.get(f"/consultation/plans/{plan.pk}/").text
    banner = page.split('id="plan-sent-back"')[1].split("</div>\n</div>")[0]
    assert "主席会议成员" in banner and "退回修改" in banner and reason in banner
    services.plan_forward(plan=plan, actor=world.party_office)
    client.force_login(world.chair)
    assert 'id="plan-sent-back"' not in client.get(f"/consultation/plans/{plan.pk}/").text


@pytest.mark.clause("C2.4")
def test_in_english_the_bodies_in_the_plan_comments_read_in_english(world, client):
    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office)
    services.plan_forward(plan=plan, actor=world.party_office)
    services.plan_send_back(plan=plan, actor=world.chair, note="Please name the committee.")
    client.force_login(world.party_office)
    client.cookies["django_language"] = "en"
    page = client.get(f"/consultation/plans/{plan.pk}/").text
    banner = page.split('id="plan-sent-back"')[1].split("</div>\n</div>")[0]
    assert "主席会议成员" not in page and "退回" not in banner


@pytest.mark.clause("C2.4")
def test_the_next_body_reads_the_note_the_plan_was_handed_on_with(world):
    """The office hands the draft on with "请党委办、政府办会签": the two offices' notice
    said only the plan's name and step, the note was on the plan's page alone."""
    from xieshang.core.models import Notification

    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office, note="请于12月10日前会签。")
    for body in (world.party_office, world.gov_office):
        message = Notification.objects.filter(recipient=body).latest("id")
        assert message.shown_body == "政协办公室报送意见：请于12月10日前会签。"


@pytest.mark.clause("C2.4")
def test_the_office_revising_beside_the_one_that_sends_back_is_told(world):
    """The government office sends the plan back from the joint revision (会签): the Party
    office, revising beside it, learned of it only by opening the plan."""
    from xieshang.core.models import Notification

    plan = world.passing_plan()
    services.plan_forward(plan=plan, actor=world.office)
    services.plan_send_back(plan=plan, actor=world.gov_office, note="请补充一项民生实事协商。")
    sent_back = Notification.objects.filter(title__startswith="年度协商计划被退回")
    told = set(sent_back.values_list("recipient__username", flat=True))
    assert {world.office.username, world.party_office.username} <= told
    assert world.gov_office.username not in told
    message = sent_back.get(recipient=world.party_office)
    assert message.shown_body == "政府办公室退回意见：请补充一项民生实事协商。"
