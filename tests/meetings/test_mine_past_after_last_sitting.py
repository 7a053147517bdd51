"""我的会议: a meeting whose last sitting ended earlier today is listed with the past ones,
not under 即将召开; one still under way, or later today, stays ahead (and on the home card's
count)."""

import datetime as dt
import re

import pytest
import time_machine

from tests.meetings.factories import at, world
from xieshang.meetings import selectors
from xieshang.meetings.models import MeetingKind

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 16)


def section(page: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}".*?</(ul|table)>', page, re.S).group(0)


def test_a_meeting_over_this_morning_is_listed_as_past(client):
    w = world()
    member = w.member("甲委员")
    w.meeting(MeetingKind.SYMPOSIUM, day=DAY, hours=(9, 11), title="上午座谈会")
    w.meeting(MeetingKind.SYMPOSIUM, day=DAY, hours=(14, 17), title="下午座谈会")

    client.force_login(member.user)
    with time_machine.travel(at(DAY, 15), tick=False):
        page = client.get("/meetings/mine/").content.decode()
        upcoming_count = selectors.upcoming_for_member(member).count()
    assert "上午座谈会" not in section(page, "upcoming")
    assert "上午座谈会" in section(page, "past")
    assert "下午座谈会" in section(page, "upcoming")  # under way: still ahead
    assert "下午座谈会" not in section(page, "past")
    assert upcoming_count == 1
