"""A 社情民意 item counts in the year the office received it, and its authors' 报送 duty record
carries the same year (fix-opin): a December draft submitted in January is the new year's
in the statistics and in the duty file; one submitted on 30 December and accepted on
5 January is December's in both."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.opinions.factories import make_opinion
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.opinions import selectors, services
from xieshang.opinions.models import Opinion

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C3.2")]
S = Opinion.Status


def at(y, m, d):
    return timezone.make_aware(dt.datetime(y, m, d, 10, 0))


def _stats_submitted(user, year) -> int:
    rows = selectors.statistics(user, year=year)
    return sum(r["submitted"] for r in rows)


def _duty_years(member) -> list[int]:
    return [
        r.date.year
        for r in DutyRecord.objects.filter(member=member, kind=DutyKind.OPINION_SUBMITTED)
    ]


def test_a_december_draft_submitted_and_accepted_in_january_is_the_new_years(client, world):
    member, office = world["member"], world["office"]
    with time_machine.travel(at(2026, 12, 20), tick=False):
        opinion = make_opinion(member, title="十二月起草的信息")
    with time_machine.travel(at(2027, 1, 4), tick=False):
        services.opinion_submit(opinion=opinion, actor=member.user)
    with time_machine.travel(at(2027, 1, 6), tick=False):
        services.opinion_accept(opinion=opinion, actor=office)
        opinion.refresh_from_db()
        assert opinion.year == 2027
        assert _duty_years(member) == [2027]
        assert _stats_submitted(office, 2027) == 1
        assert _stats_submitted(office, 2026) == 0
        client.force_login(member.user)
        page = client.get(f"/opinions/{opinion.pk}/").content.decode()
        assert "2027年" in page.split('id="opinion-year"')[1][:40]


def test_submitted_in_december_and_accepted_in_january_is_decembers(world):
    member, office = world["member"], world["office"]
    with time_machine.travel(at(2026, 12, 30), tick=False):
        opinion = make_opinion(member, state=S.SUBMITTED, title="年底报送的信息")
    with time_machine.travel(at(2027, 1, 5), tick=False):
        services.opinion_accept(opinion=opinion, actor=office)
        opinion.refresh_from_db()
        assert opinion.year == 2026
        assert _duty_years(member) == [2026]
        assert _stats_submitted(office, 2026) == 1
