import datetime as dt

import pytest

from tests.factories import MemberFactory, TermFactory, make_org
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.duty.services import record_duty

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C5.7")
def test_it_records_a_duty_fact_once_per_source():
    org = make_org()
    member = MemberFactory(organisation=org)
    source = TermFactory(organisation=org)  # any row can be the source of a fact
    first = record_duty(
        member=member,
        kind=DutyKind.MEETING,
        date=dt.date(2026, 3, 2),
        title="常委会会议",
        source=source,
    )
    again = record_duty(
        member=member,
        kind=DutyKind.MEETING,
        date=dt.date(2026, 3, 2),
        title="常委会会议",
        source=source,
    )
    assert first.pk == again.pk
    assert DutyRecord.objects.filter(member=member).count() == 1
    assert first.organisation == org
    assert first.source_object == source


def test_different_kinds_from_the_same_source_are_separate_facts():
    member = MemberFactory()
    source = TermFactory(organisation=member.organisation)
    record_duty(
        member=member,
        kind=DutyKind.PROPOSAL_FIRST,
        date=dt.date(2026, 1, 5),
        title="提案",
        source=source,
    )
    record_duty(
        member=member,
        kind=DutyKind.KEY_PROPOSAL_FIRST,
        date=dt.date(2026, 4, 5),
        title="重点提案",
        source=source,
    )
    assert set(member.duty_records.values_list("kind", flat=True)) == {
        DutyKind.PROPOSAL_FIRST,
        DutyKind.KEY_PROPOSAL_FIRST,
    }
