"""Discipline -> exit (C5.11 -> C5.10): a case decided as 建议撤销委员资格 opens a pending
exit for the chairman's meeting; the seat ends only when the confirmation is recorded."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.duty.factories import YEAR, member_with_user, record, setting
from tests.factories import user_with_role
from xieshang.core.models import Event, Notification
from xieshang.duty import selectors
from xieshang.duty.models import DisciplineCase, DutyKind, ExitProposal
from xieshang.duty.services import case_decide, scan_discipline
from xieshang.members.models import Membership
from xieshang.orgs.models import Role

pytestmark = pytest.mark.django_db


def _warned_case():
    """Two unexcused plenary absences: the rule that calls for a revocation proposal."""
    org, term, office, member = setting()
    for day in (10, 11):
        record(member, DutyKind.PLENARY_ABSENCE_UNEXCUSED, date=dt.date(YEAR, 1, day))
    scan_discipline(org, YEAR, yearly=False)
    case = DisciplineCase.objects.get(rule=DisciplineCase.Rule.ABSENCE_WARNING)
    return org, term, office, member, case


def _seat(member):
    return Membership.objects.get(member=member)


def _seated_ids(org, year=YEAR):
    return {m.member_id for m, _s in selectors.evaluation_rows(org, year)}


@pytest.mark.clause("C5.10")
@pytest.mark.clause("C5.11")
def test_a_revocation_proposal_opens_a_pending_exit_that_changes_nothing(client):
    org, _term, office, member, case = _warned_case()
    chair = user_with_role(Role.CHAIR, org)
    client.force_login(office)
    response = client.post(
        reverse("duty:case", args=[case.pk]),
        {"decision": "revocation_proposed", "note": "两次无故缺席全体会议，建议撤销委员资格"},
    )
    assert response.status_code == 302

    proposal = ExitProposal.objects.get()
    assert (proposal.status, proposal.case, proposal.membership) == (
        ExitProposal.Status.PENDING,
        case,
        _seat(member),
    )
    # Nothing changed on the seat: still 在任, still evaluated, no exit event.
    seat = _seat(member)
    assert (seat.status, seat.status_changed_on, seat.status_reason) == ("active", None, "")
    assert member.pk in _seated_ids(org)
    assert not Event.objects.filter(verb__startswith="membership.").exists()
    assert Event.objects.filter(verb="duty.exit_propose", object_id=str(proposal.pk)).exists()
    told = Notification.objects.get(recipient=chair, title__contains=member.name)
    # The chair's notice opens the case to read before the chairman's meeting decides.
    client.force_login(chair)
    page = client.get(told.url)
    assert page.status_code == 200 and "两次无故缺席全体会议" in page.content.decode()
    assert "登记主席会议决定" not in page.content.decode()
    client.force_login(office)

    page = client.get(reverse("duty:case", args=[case.pk])).content.decode()
    assert "待主席会议确认" in page and "登记主席会议决定" in page
    # The member's page shows the open exit step on the seat, which is still 在任.
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "撤销委员资格建议待主席会议确认" in page
    # The member sees where their case stands, but cannot record the meeting's decision.
    client.force_login(member.user)
    page = client.get(reverse("duty:case", args=[case.pk])).content.decode()
    assert "待主席会议确认" in page and "登记主席会议决定" not in page
    post = {"decision": "confirm", "decided_on": "2026-03-02", "note": "同意"}
    assert client.post(reverse("duty:case_exit", args=[case.pk]), post).status_code == 403
    assert _seat(member).status == Membership.Status.ACTIVE


@pytest.mark.clause("C5.10")
def test_the_seat_ends_when_the_chairmans_meeting_confirmation_is_recorded(client):
    org, _term, office, member, case = _warned_case()
    case_decide(case_id=case.pk, actor=office, decision="revocation_proposed", note="建议撤销")
    client.force_login(office)
    url = reverse("duty:case_exit", args=[case.pk])

    # A refused form records nothing.
    assert client.post(url, {"decision": "confirm"}).status_code == 400
    assert _seat(member).status == Membership.Status.ACTIVE

    response = client.post(
        url, {"decision": "confirm", "decided_on": "2026-03-02", "note": "主席会议研究同意"}
    )
    assert response.status_code == 302
    proposal = ExitProposal.objects.get()
    assert proposal.status == ExitProposal.Status.CONFIRMED
    assert proposal.decided_by == office
    seat = _seat(member)
    assert seat.status == Membership.Status.REVOKED
    assert seat.status_changed_on == dt.date(2026, 3, 2)
    assert "建议撤销" in seat.status_reason
    revoke = Event.objects.get(verb="membership.revoke")
    assert (revoke.actor, revoke.from_state, revoke.to_state) == (office, "active", "revoked")
    assert Event.objects.filter(verb="duty.exit_confirm").count() == 1
    # The member leaves the evaluation from the year of the revocation; the person and
    # their duty file stay, and a year they served before it is still evaluated.
    assert member.pk not in _seated_ids(org, 2026)
    assert member.pk in _seated_ids(org, 2025)
    assert member.duty_records.count() == 2

    page = client.get(reverse("duty:case", args=[case.pk])).content.decode()
    assert "主席会议已确认" in page and "登记主席会议决定" not in page
    # Recording it twice changes nothing more.
    again = client.post(url, {"decision": "decline", "decided_on": "2026-03-03", "note": "x"})
    assert again.status_code == 400
    assert Event.objects.filter(verb__startswith="membership.").count() == 1


@pytest.mark.clause("C5.10")
def test_the_decision_cites_one_of_this_committees_chairmans_meetings(client):
    # The list comes from meetings (registered with duty, the lower layer): this
    # committee's chairman's meetings not cancelled, dated; no other kind, no other committee.
    from tests.factories import make_org
    from xieshang.meetings.models import Meeting, MeetingKind

    org, _term, office, member, case = _warned_case()
    case_decide(case_id=case.pk, actor=office, decision="revocation_proposed", note="建议撤销")

    def meeting(title, *, kind=MeetingKind.CHAIRMAN, status=Meeting.Status.CLOSED, o=org):
        start = dt.datetime(2026, 2, 27, 9, tzinfo=dt.UTC)
        return Meeting.objects.create(
            organisation=o,
            kind=kind,
            title=title,
            start=start,
            end=start + dt.timedelta(hours=2),
            status=status,
        )

    held = meeting("第十次主席会议")
    meeting("已取消的主席会议", status=Meeting.Status.CANCELLED)
    meeting("常务委员会第九次会议", kind=MeetingKind.STANDING)
    other = meeting("别处的主席会议", o=make_org("别处政协"))
    client.force_login(office)
    page = client.get(reverse("duty:case", args=[case.pk])).content.decode()
    assert "第十次主席会议" in page and "2026年2月27日" in page
    for absent in ("已取消的主席会议", "常务委员会第九次会议", "别处的主席会议"):
        assert absent not in page

    url = reverse("duty:case_exit", args=[case.pk])
    post = {"decision": "confirm", "decided_on": "2026-03-02", "note": "同意"}
    assert client.post(url, {**post, "meeting": other.pk}).status_code == 400
    assert client.post(url, {**post, "meeting": held.pk}).status_code == 302
    assert ExitProposal.objects.get().meeting == held


@pytest.mark.clause("C5.10")
def test_a_declined_proposal_leaves_the_seat_as_it_was(client):
    org, _term, office, member, case = _warned_case()
    chair = user_with_role(Role.CHAIR, org)
    case_decide(case_id=case.pk, actor=office, decision="revocation_proposed", note="建议撤销")
    waiting = Notification.objects.filter(title__contains="待主席会议确认", read_at__isnull=True)
    assert {n.recipient for n in waiting.all()} == {chair, office}
    client.force_login(office)
    response = client.post(
        reverse("duty:case_exit", args=[case.pk]),
        {"decision": "decline", "decided_on": "2026-03-02", "note": "给予警告，暂不撤销"},
    )
    assert response.status_code == 302
    assert ExitProposal.objects.get().status == ExitProposal.Status.DECLINED
    assert _seat(member).status == Membership.Status.ACTIVE
    assert not Event.objects.filter(verb__startswith="membership.").exists()
    assert Event.objects.filter(verb="duty.exit_decline").exists()
    # Decided: the chairs' and the office's 待主席会议确认 no longer wait unread.
    assert not waiting.exists()


@pytest.mark.clause("C5.11")
def test_other_decisions_open_no_exit_and_a_member_without_a_seat_cannot_be_proposed():
    org, _term, office, member, case = _warned_case()
    case_decide(case_id=case.pk, actor=office, decision="warned", note="书面警告")
    assert not ExitProposal.objects.exists()

    other = member_with_user(org)  # not seated in the term
    stray = DisciplineCase.objects.create(
        organisation=org, member=other, rule=DisciplineCase.Rule.ABSENCE_WARNING, year=YEAR
    )
    from xieshang.core.audit import TransitionError

    with pytest.raises(TransitionError):
        case_decide(case_id=stray.pk, actor=office, decision="revocation_proposed", note="x")
    stray.refresh_from_db()
    assert stray.status == DisciplineCase.Status.OPEN  # the whole decision rolled back
    assert not ExitProposal.objects.exists()


@pytest.mark.clause("C5.10")
@pytest.mark.clause("C5.11")
def test_at_the_change_of_term_the_seat_still_in_force_is_proposed():
    """The office has recorded the next term but seated nobody yet: the member's seat of
    the term still running is the one proposed, not refused as 本届不在任."""
    from tests.factories import TermFactory

    org, term, office, member, case = _warned_case()
    TermFactory(organisation=org, number=term.number + 1, start_date=dt.date(YEAR + 1, 1, 10))
    case_decide(case_id=case.pk, actor=office, decision="revocation_proposed", note="两次无故缺席")
    assert ExitProposal.objects.get().membership == _seat(member)
