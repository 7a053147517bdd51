"""What two testers found on the nomination pages: a by-election list seated its people on
the day it was confirmed rather than on the round's 生效日期 (the standing committee's
vote); a consultation dated years before the round; an age reference day of 1900 and age
limits that contradict each other; 人民团体 offered as a 政治面貌."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import MemberFactory, TermFactory, seat
from xieshang.core.audit import TransitionError
from xieshang.members.models import Membership
from xieshang.nominations import rules, services
from xieshang.nominations.models import Candidate, NominationRound, RoundKind
from xieshang.orgs import config
from xieshang.orgs.models import Party

from .factories import nominate, open_round, party, world

pytestmark = pytest.mark.django_db

# 2026-12-07 and 2027-01-06, 10:00 in Beijing.
CONFIRMED_EARLY = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
VOTE_DAY = dt.datetime(2027, 1, 6, 2, 0, tzinfo=dt.UTC)


def _former_member(w, name: str):
    """A member of the previous term, not seated in the current one (re-nominated in a
    by-election)."""
    old = TermFactory(
        organisation=w.org, number=14, start_date=dt.date(2017, 1, 10), end_date=dt.date(2022, 1, 9)
    )
    member = MemberFactory(organisation=w.org, name=name)
    seat(member, old, party=party("无党派"), sector=w.sectors[1], status="term_ended")
    return member


# --- F1: a by-election's seats start on its effective date ------------------------------------


@pytest.mark.clause("C5.10")
def test_a_by_election_list_is_confirmed_on_its_effective_date_and_seats_start_then(client):
    with time_machine.travel(CONFIRMED_EARLY, tick=False):
        w = world()
        former = _former_member(w, "孙续任")
        r = open_round(w, kind=RoundKind.BY_ELECTION, effective_date=dt.date(2027, 1, 6))
        new = nominate(w, r, "无党派", "邹文博", sector=w.sectors[2])
        services.candidate_complete(candidate=new, actor=w.ufwd)
        again = nominate(w, r, "无党派", member=former, sector=w.sectors[1])
        services.party_group_opinion_record(
            candidate=again,
            actor=w.office,
            agrees=True,
            opinion="同意",
            on_date=timezone.localdate(),
        )
        services.candidate_complete(candidate=again, actor=w.ufwd)
        # Before the standing committee's vote the list cannot be confirmed: nobody sits yet.
        client.force_login(w.office)
        page = client.get(f"/nominations/{r.pk}/").content.decode()
        assert "增补委员自生效日期（2027年1月6日，常委会会议）起任职" in page
        assert 'type="submit" disabled' in page
        with pytest.raises(TransitionError, match="请在该日及以后确认名单"):
            services.round_confirm(round=r, actor=w.office)
        assert not Membership.objects.filter(term=w.term).exists()
        assert NominationRound.objects.get(pk=r.pk).is_draft

    with time_machine.travel(VOTE_DAY, tick=False):
        services.round_confirm(round=r, actor=w.office)
    seats = Membership.objects.filter(term=w.term).select_related("member")
    assert {s.member.name: s.start_date for s in seats} == {
        "邹文博": dt.date(2027, 1, 6),
        "孙续任": dt.date(2027, 1, 6),
    }
    assert all(s.status == Membership.Status.ACTIVE for s in seats)


@pytest.mark.clause("C5.10")
def test_a_by_election_confirmed_after_its_effective_date_is_dated_from_it_not_today():
    w = world()
    r = open_round(w, kind=RoundKind.BY_ELECTION, effective_date=dt.date(2026, 6, 1))
    c = nominate(w, r, "无党派", "邹文博")
    services.candidate_complete(candidate=c, actor=w.ufwd)
    assert services.confirm_blockers(r) == []
    services.round_confirm(round=r, actor=w.office)
    assert Membership.objects.get(term=w.term).start_date == dt.date(2026, 6, 1)


@pytest.mark.clause("C5.10")
def test_a_new_terms_seats_begin_with_the_term_even_when_confirmed_after_it_began():
    w = world()
    r = open_round(w, effective_date=dt.date(2026, 6, 1))  # 换届, the term already begun
    c = nominate(w, r, "无党派", "钱新任")
    services.candidate_complete(candidate=c, actor=w.ufwd)
    services.round_confirm(round=r, actor=w.office)
    r.refresh_from_db()
    new_seat = Membership.objects.get(term=r.target_term)
    assert r.target_term.start_date == dt.date(2026, 6, 1)
    assert new_seat.start_date is None  # not "today": no mid-term addition (增补)


# --- F2: a consultation is not dated before its round -----------------------------------------


@pytest.mark.clause("C5.2")
def test_a_consultation_dated_before_the_round_was_opened_is_refused(client):
    w = world()
    r = open_round(w)
    c = nominate(w, r, "民盟", "刘佳宁")
    opened = timezone.localdate(r.created_at)
    with pytest.raises(ValidationError, match="协商日期不能早于提名工作建立日期"):
        services.consultation_record(
            candidate=c,
            actor=w.ufwd,
            consulted_with="民盟区委会",
            consulted_on=opened - dt.timedelta(days=1),
            note="同意",
        )
    client.force_login(w.ufwd)
    url = f"/nominations/candidates/{c.pk}/consultation/"
    form = {"consulted_with": "民盟区委会", "consulted_on": "2020-01-01", "note": "同意提名。"}
    response = client.post(url, form)
    assert response.status_code == 400
    assert "协商日期不能早于提名工作建立日期" in response.content.decode()
    assert Candidate.objects.get(pk=c.pk).consulted_on is None
    # The day the round was opened is fine.
    assert client.post(url, {**form, "consulted_on": str(opened)}).status_code == 302
    assert Candidate.objects.get(pk=c.pk).consulted_on == opened


# --- F8: the age reference day and the age limits ----------------------------------------------


def test_the_age_reference_day_lies_within_the_year_up_to_the_effective_date(client):
    w = world()
    effective = dt.date(2027, 3, 1)
    for wrong in (dt.date(1900, 1, 1), dt.date(2026, 2, 28), dt.date(2027, 3, 2)):
        with pytest.raises(ValidationError, match="年龄计算基准日须在生效日期前一年内"):
            open_round(
                w, kind=RoundKind.BY_ELECTION, effective_date=effective, reference_date=wrong
            )
    client.force_login(w.office)
    response = client.post(
        "/nominations/new/",
        {
            "organisation": w.org.pk,
            "kind": RoundKind.BY_ELECTION,
            "title": "增补委员提名",
            "effective_date": "2027-03-01",
            "reference_date": "1900-01-01",
        },
    )
    assert response.status_code == 400
    assert "年龄计算基准日须在生效日期前一年内（2026年3月1日至2027年3月1日）" in (
        response.content.decode()
    )
    assert not NominationRound.objects.exists()
    # A year before is the earliest day taken, and the round's page shows it.
    r = open_round(
        w, kind=RoundKind.BY_ELECTION, effective_date=effective, reference_date=dt.date(2026, 3, 1)
    )
    page = client.get(f"/nominations/{r.pk}/").content.decode()
    assert "年龄计算基准日" in page and "2026年3月1日" in page


def _limits(**changed) -> dict:
    data = {
        "nominations__cpc_max_share": 40,
        "nominations__female_min_share": 20,
        "nominations__young_age": 45,
        "nominations__young_min_share": 15,
        "nominations__max_age": 65,
        "nominations__new_min_share": 30,
    }
    return {**data, **changed}


def test_an_age_limit_at_or_below_the_young_member_age_is_refused(client):
    w = world()
    client.force_login(w.office)
    response = client.post("/nominations/limits/", _limits(nominations__max_age=30))
    assert response.status_code == 400
    assert "提名人选年龄上限（30周岁）须高于年轻委员年龄界限（45周岁）" in (
        response.content.decode()
    )
    assert config.get(w.org, rules.MAX_AGE) == 65
    # The rules themselves stay in order, however they are set (rules page, API, command).
    with pytest.raises(ValidationError, match="年轻委员年龄界限"):
        config.set_value(w.org, rules.MAX_AGE, 45, actor=w.office)
    # Both moved at once, either way, are saved in an order that never contradicts.
    assert (
        client.post(
            "/nominations/limits/", _limits(nominations__max_age=40, nominations__young_age=35)
        ).status_code
        == 302
    )
    assert (config.get(w.org, rules.MAX_AGE), config.get(w.org, rules.YOUNG_AGE)) == (40, 35)
    assert (
        client.post(
            "/nominations/limits/", _limits(nominations__max_age=80, nominations__young_age=70)
        ).status_code
        == 302
    )
    assert (config.get(w.org, rules.MAX_AGE), config.get(w.org, rules.YOUNG_AGE)) == (80, 70)


# --- F10: 政治面貌 is a political affiliation --------------------------------------------------


@pytest.mark.clause("C5.1")
def test_the_nomination_form_offers_political_affiliations_only(client):
    w = world()
    r = open_round(w)
    client.force_login(w.ufwd)
    page = client.get(f"/nominations/{r.pk}/nominate/").content.decode()
    assert "中国民主同盟" in page and "无党派人士" in page and "群众" in page
    for body in (
        "中华全国工商业联合会",
        "中华全国总工会",
        "中华全国妇女联合会",
        "中国共产主义青年团",
    ):
        assert body not in page
    # A forged choice is refused, and the service refuses one from any other caller.
    women = Party.objects.get(short_name="妇联")
    response = client.post(
        f"/nominations/{r.pk}/nominate/",
        {
            "name": "吴妇",
            "gender": "F",
            "birth_date": "1980-05-01",
            "ethnicity": "汉族",
            "party": women.pk,
            "sector": w.sectors[2].pk,
        },
    )
    assert response.status_code == 400
    with pytest.raises(ValidationError, match="不是政治面貌"):
        services.candidate_nominate(
            round=r,
            actor=w.ufwd,
            party=women,
            sector=w.sectors[2],
            person={"name": "吴妇", "gender": "F", "birth_date": dt.date(1980, 5, 1)},
        )
    assert not Candidate.objects.filter(round=r).exists()
