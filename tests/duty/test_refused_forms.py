"""A refused form on a discipline case is shown again with its reason and what was typed,
even when the case or its exit proposal was decided meanwhile (a colleague acted first) and
offers that form no more: the page answers 400 and the decision is not recorded twice."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.duty.factories import YEAR, record, setting
from xieshang.core.models import Event, Notification
from xieshang.duty.models import DisciplineCase, DutyKind, DutyRecord, ExitProposal
from xieshang.duty.services import case_decide, manual_entry_submit, scan_discipline

pytestmark = pytest.mark.django_db

REFUSED = "不能执行此操作"  # core.audit.transition's refusal


def _case(absences=1):
    org, _term, office, member = setting()
    for day in range(10, 10 + absences):
        record(member, DutyKind.PLENARY_ABSENCE_UNEXCUSED, date=dt.date(YEAR, 1, day))
    scan_discipline(org, YEAR, yearly=False)
    return office, DisciplineCase.objects.order_by("-pk").first()


def test_a_refused_case_decision_keeps_its_note_when_a_colleague_decided_first(client):
    office, case = _case()
    client.force_login(office)
    url = reverse("duty:case", args=[case.pk])
    assert client.post(url, {"decision": "reminded", "note": "已谈话提醒"}).status_code == 302
    response = client.post(url, {"decision": "dismissed", "note": "经核实为因公缺席"})
    body = response.content.decode()
    assert response.status_code == 400
    assert REFUSED in body and "经核实为因公缺席" in body
    assert DisciplineCase.objects.get(pk=case.pk).status == DisciplineCase.Status.REMINDED
    assert Event.objects.filter(verb="duty.case_decide").count() == 1


def test_a_refused_exit_decision_keeps_its_note_when_it_was_recorded_meanwhile(client):
    office, case = _case(absences=2)
    case_decide(case_id=case.pk, actor=office, decision="revocation_proposed", note="建议撤销")
    client.force_login(office)
    url = reverse("duty:case_exit", args=[case.pk])
    post = {"decision": "confirm", "decided_on": "2026-03-02", "note": "主席会议研究同意"}
    assert client.post(url, post).status_code == 302
    post = {"decision": "decline", "decided_on": "2026-03-03", "note": "暂缓撤销，继续观察"}
    response = client.post(url, post)
    body = response.content.decode()
    assert response.status_code == 400
    assert REFUSED in body and "暂缓撤销，继续观察" in body
    assert ExitProposal.objects.get().status == ExitProposal.Status.CONFIRMED
    assert (
        Event.objects.filter(verb__startswith="duty.exit_")
        .exclude(verb="duty.exit_propose")
        .count()
        == 1
    )


def _inspection_entry(member):
    """A member's own report of an inspection, waiting for the office."""
    return manual_entry_submit(
        member=member,
        actor=member.user,
        kind=DutyKind.INSPECTION,
        date=dt.date(YEAR, 3, 5),
        title="社区养老调研",
        evidence="调研通知及签到表",
    )


def test_a_refused_entry_decision_keeps_its_note_when_a_colleague_decided_first(client):
    """Two office clerks had the queue of members' own entries open; the second one's
    return came after the first had confirmed the entry. Before, a flash and a redirect to
    the queue, where the entry was gone and the note with it."""
    _org, _term, office, member = setting()
    entry = _inspection_entry(member)
    client.force_login(office)
    url = reverse("duty:entry_decide", args=[entry.pk])
    assert client.post(url, {"action": "approve", "note": "属实"}).status_code == 302
    response = client.post(url, {"action": "reject", "note": "缺少签到表，请补充"})
    body = response.content.decode()
    assert response.status_code == 400
    assert REFUSED in body and "缺少签到表，请补充" in body
    assert DutyRecord.objects.get(pk=entry.pk).status == DutyRecord.Status.CONFIRMED
    assert Event.objects.filter(verb__in=["duty.entry_approve", "duty.entry_reject"]).count() == 1
    # The decided row offers no buttons that would be refused again.
    row = body.split(f'id="entry-{entry.pk}"', 1)[1].split("</tr>", 1)[0]
    assert 'value="reject"' not in row


def test_returning_an_entry_needs_a_reason(client):
    """An entry returned with an empty 审核意见 told the member nothing about why."""
    from django.core.exceptions import ValidationError

    from xieshang.duty.services import manual_entry_decide

    _org, _term, office, member = setting()
    entry = _inspection_entry(member)
    client.force_login(office)
    url = reverse("duty:entry_decide", args=[entry.pk])
    response = client.post(url, {"action": "reject", "note": "  "})
    assert response.status_code == 400
    assert "请填写退回理由。" in response.content.decode()
    assert DutyRecord.objects.get(pk=entry.pk).status == DutyRecord.Status.PENDING
    with pytest.raises(ValidationError):
        manual_entry_decide(entry_id=entry.pk, actor=office, approve=False, note="")
    assert not Event.objects.filter(verb="duty.entry_reject").exists()
    # With a reason it is returned, and the member reads it.
    assert client.post(url, {"action": "reject", "note": "缺少签到表"}).status_code == 302
    assert DutyRecord.objects.get(pk=entry.pk).status == DutyRecord.Status.REJECTED
    assert Notification.objects.filter(recipient=member.user, body="缺少签到表").exists()


@pytest.mark.clause("C5.11")
def test_a_case_decision_needs_a_result_chosen_and_keeps_the_note_typed(client):
    office, case = _case()
    client.force_login(office)
    url = reverse("duty:case", args=[case.pk])
    # The select starts on an empty choice, not on the first result (已提醒谈话).
    page = client.get(url).content.decode()
    assert '<option value="" selected>请选择</option>' in page
    response = client.post(url, {"decision": "", "note": "经核实为因公缺席"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "请选择处理结果。" in body and "经核实为因公缺席" in body
    assert DisciplineCase.objects.get(pk=case.pk).status == DisciplineCase.Status.OPEN
    assert not Event.objects.filter(verb="duty.case_decide").exists()
