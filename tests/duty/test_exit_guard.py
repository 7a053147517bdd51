"""While a revocation proposal waits for the chairman's meeting (C5.10/C5.11), the member
page's direct exit form refuses: the meeting's decision, recorded on the case, ends the seat."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.duty.factories import YEAR, record, setting
from xieshang.core.audit import TransitionError
from xieshang.core.models import Event
from xieshang.duty.models import DisciplineCase, DutyKind, ExitProposal
from xieshang.duty.services import case_decide, scan_discipline
from xieshang.members.models import Membership
from xieshang.members.services import membership_resign

pytestmark = pytest.mark.django_db


def _proposed():
    org, _term, office, member = setting()
    for day in (10, 11):
        record(member, DutyKind.PLENARY_ABSENCE_UNEXCUSED, date=dt.date(YEAR, 1, day))
    scan_discipline(org, YEAR, yearly=False)
    case = DisciplineCase.objects.get(rule=DisciplineCase.Rule.ABSENCE_WARNING)
    case_decide(case_id=case.pk, actor=office, decision="revocation_proposed", note="两次缺席")
    return office, member, case, Membership.objects.get(member=member)


@pytest.mark.clause("C5.10")
@pytest.mark.clause("C5.11")
def test_the_direct_exit_form_refuses_while_a_revocation_waits(client):
    office, member, case, seat = _proposed()
    client.force_login(office)
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    # The page shows the pending step with a link to where it is decided, and no exit form.
    assert "撤销委员资格建议待主席会议确认（两次缺席）" in page
    assert reverse("duty:case", args=[case.pk]) in page
    assert reverse("members:membership_status", args=[member.pk, seat.pk]) not in page

    for to in ("revoked", "resigned", "term_ended"):
        response = client.post(
            reverse("members:membership_status", args=[member.pk, seat.pk]),
            {"to": to, "on_date": "2026-03-01", "reason": "直接撤销"},
            follow=True,
        )
        assert "不能直接办理退出" in response.content.decode()
    seat.refresh_from_db()
    assert seat.status == Membership.Status.ACTIVE and seat.status_reason == ""
    assert not Event.objects.filter(verb__startswith="membership.").exists()
    # The service refuses too, whoever calls it (the API, a command).
    with pytest.raises(TransitionError):
        membership_resign(
            membership=seat, actor=office, reason="辞职", on_date=timezone.localdate()
        )

    # The meeting's confirmation, recorded on the case, ends the seat.
    response = client.post(
        reverse("duty:case_exit", args=[case.pk]),
        {"decision": "confirm", "decided_on": "2026-03-02", "note": "同意"},
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.status == Membership.Status.REVOKED
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "撤销委员资格建议待主席会议确认" not in page


@pytest.mark.clause("C5.10")
def test_once_the_meeting_declines_the_direct_form_works_again(client):
    office, member, case, seat = _proposed()
    client.force_login(office)
    client.post(
        reverse("duty:case_exit", args=[case.pk]),
        {"decision": "decline", "decided_on": "2026-03-02", "note": "暂不撤销"},
    )
    assert ExitProposal.objects.get().status == ExitProposal.Status.DECLINED
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert reverse("members:membership_status", args=[member.pk, seat.pk]) in page
    client.post(
        reverse("members:membership_status", args=[member.pk, seat.pk]),
        {"to": "resigned", "on_date": "2026-03-05", "reason": "本人申请辞去委员"},
    )
    seat.refresh_from_db()
    assert seat.status == Membership.Status.RESIGNED


@pytest.mark.clause("C5.10")
def test_the_demo_leaves_one_revocation_waiting_for_the_chairmans_meeting():
    from tests.factories import MemberFactory, seat
    from xieshang.duty.demo import pending_exit

    org, term, _office, member = setting()  # `member` has a login: never picked
    quiet = MemberFactory(organisation=org)
    seat(quiet, term)
    for m in (member, quiet):
        DisciplineCase.objects.create(
            organisation=org, member=m, rule=DisciplineCase.Rule.LOW_SCORE, year=YEAR - 1
        )
    DisciplineCase.objects.create(
        organisation=org, member=quiet, rule=DisciplineCase.Rule.ABSENCE_REMINDER, year=YEAR
    )
    pending_exit(org)
    proposal = ExitProposal.objects.get()
    assert proposal.status == ExitProposal.Status.PENDING
    assert proposal.membership.member == quiet
    assert proposal.case.rule == DisciplineCase.Rule.LOW_SCORE
    assert Event.objects.filter(verb="duty.exit_propose").count() == 1
