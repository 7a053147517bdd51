"""The duty columns of the roll-up page (C2.9): each child's seated members and their
average score in the last finished year, with a kind's yearly cap applied per member, as
the member's own score does."""

import datetime as dt

import time_machine

from tests.duty.factories import record
from tests.factories import MemberFactory, TermFactory, make_org, seat, user_with_role
from xieshang.duty.models import DutyKind
from xieshang.duty.tree import tree_columns
from xieshang.orgs.models import Level, Role


@time_machine.travel(dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC))
def test_the_average_caps_each_members_capped_kind_on_its_own(db):
    city = make_org("示范市政协", Level.CITY)
    east = make_org("东区政协", Level.DISTRICT, parent=city)
    west = make_org("西区政协", Level.DISTRICT, parent=city)
    seated = {}
    for org, names in ((east, ["甲", "乙"]), (west, ["丙"])):
        term = TermFactory(organisation=org, start_date=dt.date(2022, 1, 10))
        for name in names:
            seated[name] = MemberFactory(organisation=org, name=name)
            seat(seated[name], term)
    day = dt.date(2025, 6, 1)
    # 甲: 8 sector contacts (2 points each, capped at 10 a year) and 2 meetings (5 each).
    record(seated["甲"], DutyKind.SECTOR_CONTACT, quantity=8, date=day)
    record(seated["甲"], DutyKind.MEETING, quantity=2, date=day)
    # 乙: 3 sector contacts, under the cap.
    record(seated["乙"], DutyKind.SECTOR_CONTACT, quantity=3, date=day)
    record(seated["丙"], DutyKind.TRAINING, date=day)

    office = user_with_role(Role.OFFICE, city)
    group = tree_columns(office, city, [east, west], 2026)
    assert group.columns == ["2025年考核委员", "2025年平均得分"]
    # 甲 20 (10 capped + 10), 乙 6: 13.0; the cap counted on the two together would give 10.
    assert group.values[east.pk] == [2, 13]
    assert group.values[west.pk] == [1, 10]
    assert group.values[city.pk] == [3, 12]


@time_machine.travel(dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC))
def test_a_member_with_no_score_counts_alike_in_a_districts_row_and_the_citys_own(db):
    """A seated member with no confirmed record is graded on 0 points in 年度考核, so the
    roll-up averages them in as 0 wherever they sit: the city's own row as a district's
    (offices-fix: the demo city's own row read 0.0 for members with no record)."""
    from xieshang.core.tree import own_key

    city = make_org("示范市政协", Level.CITY)
    east = make_org("东区政协", Level.DISTRICT, parent=city)
    day = dt.date(2025, 6, 1)
    for org, names in ((city, ["市甲", "市乙"]), (east, ["区甲", "区乙"])):
        term = TermFactory(organisation=org, start_date=dt.date(2022, 1, 10))
        for name in names:
            member = MemberFactory(organisation=org, name=name)
            seat(member, term)
            if name.endswith("甲"):
                record(member, DutyKind.MEETING, quantity=2, date=day)  # 10 points
    group = tree_columns(user_with_role(Role.OFFICE, city), city, [east], 2026)
    assert group.values[east.pk] == [2, 5]
    assert group.values[own_key(city)] == [2, 5]
    assert group.values[city.pk] == [4, 5]


@time_machine.travel(dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC))
def test_a_past_year_is_averaged_over_the_members_who_served_it(db):
    """After the January 换届, the roll-up's last finished year (2025) is the old term's:
    averaged over its seats (a seat ended by the new term, or resigned after the year,
    still served it), not over today's — a member seated by the new term did not serve
    2025, one who resigned in 2025 is not graded on it. The same members, the same average
    as the year's evaluation page (`selectors.evaluation_rows`)."""
    from xieshang.duty import selectors
    from xieshang.members.models import Membership

    S = Membership.Status
    city = make_org("示范市政协", Level.CITY)
    east = make_org("东区政协", Level.DISTRICT, parent=city)
    old = TermFactory(organisation=east, number=15, start_date=dt.date(2022, 1, 10))
    new = TermFactory(organisation=east, number=16, start_date=dt.date(2026, 1, 10))
    people = {name: MemberFactory(organisation=east, name=name) for name in "甲乙丙丁戊"}
    ended = {"status": S.TERM_ENDED, "status_changed_on": dt.date(2026, 1, 10)}
    seat(people["甲"], old, **ended)  # not seated again
    seat(people["乙"], old, **ended)
    seat(people["乙"], new)
    seat(people["丙"], new)  # joined with the new term
    seat(people["丁"], old, status=S.RESIGNED, status_changed_on=dt.date(2025, 6, 30))
    seat(people["戊"], old, status=S.RESIGNED, status_changed_on=dt.date(2026, 2, 1))
    day = dt.date(2025, 5, 6)
    for name, meetings in (("甲", 2), ("乙", 1), ("丁", 4), ("戊", 3)):
        record(people[name], DutyKind.MEETING, quantity=meetings, date=day)  # 5 points each
    record(people["丙"], DutyKind.MEETING, quantity=6, date=dt.date(2026, 2, 3))

    rows = selectors.evaluation_rows(east, 2025)
    assert {m.member.name for m, _s in rows} == {"甲", "乙", "戊"}
    average = round(sum(s.total for _m, s in rows) / len(rows), 1)
    assert average == 10

    group = tree_columns(user_with_role(Role.OFFICE, city), city, [east], 2026)
    assert group.values[east.pk] == [3, average]
    assert group.values[city.pk] == [3, average]


@time_machine.travel(dt.datetime(2026, 12, 6, 2, tzinfo=dt.UTC))
def test_next_years_page_shows_the_last_finished_year_not_the_running_one(db):
    """In December 2026 the page for 2027 (a year in the address) has no finished year of
    its own: its columns are 2025's grades, as 2026's page gives, not 2026's scores so far
    headed as if that year's evaluation were done."""
    city = make_org("示范市政协", Level.CITY)
    east = make_org("东区政协", Level.DISTRICT, parent=city)
    term = TermFactory(organisation=east, start_date=dt.date(2022, 1, 10))
    member = MemberFactory(organisation=east, name="甲")
    seat(member, term)
    record(member, DutyKind.MEETING, quantity=2, date=dt.date(2025, 6, 1))  # 10 points
    record(member, DutyKind.MEETING, quantity=6, date=dt.date(2026, 6, 1))  # 30 so far

    office = user_with_role(Role.OFFICE, city)
    this_year = tree_columns(office, city, [east], 2026)
    next_year = tree_columns(office, city, [east], 2027)
    assert this_year.columns == next_year.columns == ["2025年考核委员", "2025年平均得分"]
    assert next_year.values[east.pk] == this_year.values[east.pk] == [1, 10]


@time_machine.travel(dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC))
def test_a_seat_added_this_year_does_not_move_last_years_figures(db):
    """A member added in December 2026 changed the city's 2025 count and average (201 → 202
    members, 80.7 → 80.3): 2025 is averaged over who served it."""
    city = make_org("示范市政协", Level.CITY)
    east = make_org("东区政协", Level.DISTRICT, parent=city)
    term = TermFactory(organisation=east, start_date=dt.date(2022, 1, 10))
    served = MemberFactory(organisation=east, name="甲")
    seat(served, term)
    record(served, DutyKind.MEETING, quantity=2, date=dt.date(2025, 6, 1))
    seat(MemberFactory(organisation=east, name="乙"), term, start_date=dt.date(2026, 12, 7))
    group = tree_columns(user_with_role(Role.OFFICE, city), city, [east], 2026)
    assert group.columns == ["2025年考核委员", "2025年平均得分"]
    assert group.values[east.pk] == [1, 10]
