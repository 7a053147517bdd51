"""The yearly evaluation of a whole province (`selectors.scores_in_scope`, one aggregate for
every member of every committee below) gives each member exactly the score their own page
shows (`selectors.scores` for one member), and both cost a fixed number of queries
(issue 14: every member of the province <= 10 s, one member's live score <= 20 ms)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.duty.factories import YEAR, record
from tests.factories import MemberFactory, TermFactory, make_org, seat
from xieshang.duty import selectors
from xieshang.duty.models import DutyKind, DutyRecord, ScoreRule
from xieshang.members.models import Membership
from xieshang.orgs import config
from xieshang.orgs.models import Level, OrgSetting

pytestmark = pytest.mark.django_db
K = DutyKind
S = DutyRecord.Status
AFTER_YEAR = time_machine.travel(dt.datetime(YEAR + 1, 1, 5, 2, 0, tzinfo=dt.UTC))
DURING_YEAR = time_machine.travel(dt.datetime(YEAR, 11, 5, 2, 0, tzinfo=dt.UTC))


def committee(name, level, parent=None):
    org = make_org(name, level, parent=parent)
    TermFactory(organisation=org, number=14, start_date=dt.date(2017, 1, 10))  # an old term
    term = TermFactory(organisation=org, number=15, start_date=dt.date(2022, 1, 10))
    return org, term


def member(org, term, name, **seat_kwargs):
    m = MemberFactory(organisation=org, name=name)
    seat(m, term, **seat_kwargs)
    return m


def province_tree():
    """A province, a city below it and a district below that, members with varied files."""
    province, p_term = committee("示范省政协", Level.PROVINCE)
    city, c_term = committee("示范市政协", Level.CITY, parent=province)
    district, d_term = committee("示范区政协", Level.DISTRICT, parent=city)
    members = {}

    busy = members["busy"] = member(province, p_term, "甲")
    record(busy, K.PLENARY_HALF_DAY, quantity=4)
    record(busy, K.PROPOSAL_FIRST, date=dt.date(YEAR, 1, 1))  # first day of the year
    record(busy, K.PROPOSAL_COSIGNER, date=dt.date(YEAR, 12, 31))  # last day
    record(busy, K.PROPOSAL_COSIGNER, date=dt.date(YEAR, 6, 1))
    record(busy, K.INSPECTION, quantity=Decimal("1.5"))
    record(busy, K.SECTOR_CONTACT, quantity=8)  # 16 points, capped at 10
    record(busy, K.PLENARY_ABSENCE_UNEXCUSED)  # -30
    record(busy, K.TRAINING, status=S.PENDING)  # not yet counted
    record(busy, K.TRAINING, status=S.REJECTED)  # never counted
    record(busy, K.MEETING, date=dt.date(YEAR - 1, 12, 31))  # the year before
    record(busy, K.MEETING, date=dt.date(YEAR + 1, 1, 1))  # the year after

    members["idle"] = member(province, p_term, "乙")  # no records at all
    only_rejected = members["only_rejected"] = member(province, p_term, "丙")
    record(only_rejected, K.INSPECTION, status=S.REJECTED)

    left = members["left"] = member(
        province,
        p_term,
        "丁",
        status=Membership.Status.RESIGNED,
        status_changed_on=dt.date(YEAR, 6, 30),
    )
    record(left, K.PLENARY_HALF_DAY, quantity=2, date=dt.date(YEAR, 1, 20))
    revoked = members["revoked"] = member(
        city, c_term, "戊", status=Membership.Status.REVOKED, status_changed_on=dt.date(YEAR, 9, 1)
    )
    record(revoked, K.MEETING)

    ended = members["ended"] = member(
        city,
        c_term,
        "己",
        status=Membership.Status.TERM_ENDED,
        status_changed_on=dt.date(YEAR, 3, 1),
    )
    record(ended, K.OPINION_SUBMITTED, quantity=3)
    record(ended, K.OPINION_ADOPTED_CITY)

    # A city member: the city's office raised the points of a plenary speech this year.
    speaker = members["speaker"] = member(city, c_term, "庚")
    record(speaker, K.PLENARY_SPEECH, quantity=2)
    record(speaker, K.PLENARY_HALF_DAY, quantity=8)
    for rule in selectors.ensure_rules(city, YEAR):
        if rule.kind == K.PLENARY_SPEECH:
            rule.points = Decimal(25)
            rule.save()

    # A district member: the district edited only last year's table (this year's table is
    # copied from it on first use) and sets its own grade thresholds.
    local = members["local"] = member(district, d_term, "辛")
    record(local, K.MEETING, quantity=9)
    record(local, K.INSPECTION)
    record(local, K.OTHER, quantity=3)
    for rule in selectors.ensure_rules(district, YEAR - 1):
        if rule.kind in (K.MEETING, K.OTHER):
            rule.points, rule.cap = Decimal(6), Decimal(40)
            rule.save()
    OrgSetting.objects.create(organisation=district, key="duty.grade_competent_min", value=45)
    # The province's own threshold holds below it too, unless a committee sets its own.
    OrgSetting.objects.create(organisation=province, key="duty.grade_good_min", value=70)
    OrgSetting.objects.create(
        organisation=district, key="duty.minimum_duties", value=[[K.MEETING], [K.INSPECTION]]
    )

    # A member seated only in the old term is not in the current evaluation.
    old = MemberFactory(organisation=district, name="壬")
    seat(old, district.terms.get(number=14))
    record(old, K.MEETING)
    members["old"] = old
    return (province, city, district), members


def live(member_):
    return selectors.scores(member_.organisation, YEAR, [member_.pk])[member_.pk]


def check_identical(orgs, members):
    province = orgs[0]
    scope = selectors.scores_in_scope(province, YEAR)
    seated = {
        key for key, m in members.items() if key not in ("left", "revoked", "old")
    }  # resigned, revoked and old-term seats are not evaluated
    assert {m for org_scores in scope.values() for m in org_scores} == {
        members[k].pk for k in seated
    }
    for key in seated:
        m = members[key]
        assert scope[m.organisation_id][m.pk] == live(m), key
    # The settings read at once are those `config.get` reads one by one.
    for org in orgs:
        wanted = tuple(config.get(org, key) for key in selectors.SCORE_SETTINGS)
        assert selectors.grade_thresholds(org) == wanted[:3]
        for score in scope[org.pk].values():
            assert score.thresholds == wanted[:3]
            assert [label for label, _met in score.minimum] == [
                label for _kinds, label in selectors.minimum_duty_labels(org)
            ]
    assert selectors.grade_thresholds(orgs[2])[1:] == (70, 45)
    # The province office's own page lists the same scores for its own committee.
    rows = selectors.evaluation_rows(province, YEAR)
    assert {ms.member_id: score for ms, score in rows} == scope[province.pk]
    return scope


@AFTER_YEAR
def test_the_province_wide_evaluation_equals_each_members_live_score():
    orgs, members = province_tree()
    scope = check_identical(orgs, members)
    province, city, district = orgs

    busy = scope[province.pk][members["busy"].pk]
    # 20 + 15 + 3 + 3 + 7.5 + 10 (capped) - 30
    assert busy.total == Decimal("28.5")
    assert busy.by_kind[K.SECTOR_CONTACT][1] == Decimal(10)
    assert K.TRAINING not in busy.by_kind and K.MEETING not in busy.by_kind
    assert busy.grade == "不称职" and busy.minimum_met
    assert scope[province.pk][members["idle"].pk].total == 0
    assert scope[province.pk][members["only_rejected"].pk].by_kind == {}
    assert scope[city.pk][members["speaker"].pk].total == Decimal(90)  # 2 x 25 + 8 x 5
    local = scope[district.pk][members["local"].pk]
    assert local.total == Decimal(40 + 5 + 18)  # meetings capped at 40, 3 x 6, inspection
    assert local.grade == "称职" and local.minimum_met  # the district's own thresholds
    # The left member's page still shows what they did before leaving.
    assert live(members["left"]).total == Decimal(10)

    # Reading the evaluation wrote nothing; the live scores created this year's tables, and
    # the evaluation reads the same from them.
    assert ScoreRule.objects.filter(organisation=district, year=YEAR).exists()
    assert selectors.scores_in_scope(province, YEAR) == scope


@DURING_YEAR
def test_a_year_in_progress_is_scored_so_far_the_same_way():
    orgs, members = province_tree()
    scope = check_identical(orgs, members)
    assert all(s.grade == "进行中" and s.provisional for o in scope.values() for s in o.values())


@AFTER_YEAR
def test_both_cost_a_fixed_number_of_queries_whatever_the_size():
    orgs, members = province_tree()
    province, city, _district = orgs

    def queries(fn):
        fn()  # warm up: live scores create the year's score table on first use
        with CaptureQueriesContext(connection) as captured:
            fn()
        return len(captured)

    whole = queries(lambda: selectors.scores_in_scope(province, YEAR))
    one = queries(lambda: live(members["busy"]))
    for n in range(3):
        org, term = committee(f"第{n}区政协", Level.DISTRICT, parent=city)
        for i in range(5):
            record(member(org, term, f"委员{n}{i}"), K.MEETING, quantity=i)
    assert queries(lambda: selectors.scores_in_scope(province, YEAR)) == whole == 5
    assert one == 3
