"""A refused form on the follow-up pages shows why and keeps what was typed, even when the
task, extension or referral was decided meanwhile (a colleague acted first): the page
answers 400 and the decision is not recorded twice."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import DepartmentFactory, make_org, user_with_role
from tests.opinions.factories import make_opinion, member_user
from xieshang.core.models import Event
from xieshang.followups import services
from xieshang.followups.models import Extension, Referral
from xieshang.opinions.models import Opinion
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db

REFUSED = "不能执行此操作"  # core.audit.transition's refusal


def test_a_refused_referral_return_keeps_its_reason_when_a_colleague_adopted_it_first(client):
    """Two clerks of the city office had the 上报 queue open; the second one's return came
    after the first had adopted the item. Before, a flash and a redirect to the queue,
    where the item was gone from the waiting list and the reason with it."""
    city = make_org("示范市政协", Level.CITY)
    district = make_org("示范区政协", Level.DISTRICT, parent=city)
    office = user_with_role(Role.OFFICE, district)
    city_office = user_with_role(Role.OFFICE, city)
    member = member_user(district, name="张委员")
    opinion = make_opinion(member, office=office, state=Opinion.Status.PUBLISHED)
    referral = services.referral_submit(item=opinion, actor=office)
    services.referral_adopt(referral=referral, actor=city_office)
    client.force_login(city_office)
    response = client.post(
        f"/followups/referrals/{referral.pk}/return/", {"note": "材料不全，请补充调研数据"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert REFUSED in body and "材料不全，请补充调研数据" in body
    assert f'action="/followups/referrals/{referral.pk}/return/"' not in body  # no button
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.ADOPTED
    assert not Event.objects.filter(verb="referral.return").exists()
    # The same from the item's own page (its 上报 panel): the queue, with the row and reason.
    response = client.post(
        f"/followups/referrals/{referral.pk}/return/",
        {"note": "请补充区级处理情况", "next": "item"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert REFUSED in body and "请补充区级处理情况" in body
    assert not Event.objects.filter(verb="referral.return").exists()


def test_a_refused_extension_decision_keeps_its_note_when_a_colleague_decided_first(client):
    """Two clerks of the office had the task page open; the second one's refusal of the
    extension came after the first had granted it. Before, a flash and a redirect to the
    page, where the request offered no decision form any more and the note was gone."""
    district = make_org()
    dept = DepartmentFactory(organisation=district, name="区民政局")
    office = user_with_role(Role.OFFICE, district)
    clerk = user_with_role(Role.DEPARTMENT, district, department=dept)
    task = services.task_open(
        organisation=district,
        title="养老服务补贴发放",
        department=dept,
        working_days=10,
        # Still running: a requested date must lie after today.
        start_date=timezone.localdate(),
        actor=office,
    )
    ext = services.extension_request(
        task=task,
        requested_due=task.due_date + dt.timedelta(days=20),
        reason="需协调财政资金",
        actor=clerk,
    )
    services.extension_decide(extension=ext, approve=True, actor=office, note="同意")
    client.force_login(office)
    response = client.post(
        f"/followups/{task.pk}/extension/{ext.pk}/decide/",
        {"decision": "refuse", "note": "请按原期限办结，不予延期"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "该延期申请已审批。" in body and "请按原期限办结，不予延期" in body
    assert Extension.objects.get(pk=ext.pk).status == Extension.Status.APPROVED
    decided = ["followup.extension_approve", "followup.extension_refuse"]
    assert Event.objects.filter(verb__in=decided).count() == 1
