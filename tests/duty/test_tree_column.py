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
    assert "2025年平均得分" in group.columns[1]
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
