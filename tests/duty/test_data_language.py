"""Texts the duty module keeps as data (a discipline case's facts, the reason a seat ended)
are read by everyone, whoever wrote them: they are kept in the site's language even when the
office clerk works in English, so a Chinese list, the member's file and the exports read
Chinese."""

import datetime as dt

import pytest
from django.utils import translation

from tests.duty.factories import YEAR, record, setting
from xieshang.duty import services
from xieshang.duty.models import DisciplineCase, DutyKind, ExitProposal
from xieshang.members.models import Membership

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C5.10")
@pytest.mark.clause("C5.11")
def test_case_facts_and_exit_reason_written_from_english_pages_are_kept_in_chinese():
    org, _term, office, member = setting()
    for day in (10, 11):
        record(member, DutyKind.PLENARY_ABSENCE_UNEXCUSED, date=dt.date(YEAR, 1, day))
    with translation.override("en"):  # the clerk's pages are in English
        services.scan_discipline(org, YEAR, yearly=False)
        case = DisciplineCase.objects.get(rule=DisciplineCase.Rule.ABSENCE_WARNING)
        # No note typed: the proposal's reason is the rule's name.
        services.case_decide(case_id=case.pk, actor=office, decision="revocation_proposed", note="")
        proposal = ExitProposal.objects.get()
        services.exit_decide(
            proposal_id=proposal.pk, actor=office, confirm=True, decided_on=dt.date(YEAR, 3, 2)
        )
    case.refresh_from_db()
    proposal.refresh_from_db()
    seat = Membership.objects.get(member=member)
    assert case.facts == "无故缺席全体会议2次"
    assert proposal.reason == str(DisciplineCase.Rule.ABSENCE_WARNING.label)
    assert seat.status == Membership.Status.REVOKED
    assert seat.status_reason == f"主席会议确认：{proposal.reason}"
