"""我的会议 · 即将召开 marks a meeting the member has approved leave for (已请假), or leave
for some of its sittings (已请假（部分会次）); a request still waiting, or another member's,
does not mark it."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.meetings.factories import world
from xieshang.meetings import services
from xieshang.meetings.models import MeetingKind

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C5.9")]


def upcoming_item(page: str, title: str) -> str:
    listing = re.search(r'<ul[^>]*id="upcoming".*?</ul>', page, re.S).group(0)
    return next(li for li in listing.split("<li")[1:] if title in li)


def test_upcoming_meetings_show_the_members_approved_leave(client):
    w = world()
    member = w.member("甲委员")
    other = w.member("乙委员")
    day = timezone.localdate() + dt.timedelta(days=20)
    away = w.meeting(MeetingKind.SYMPOSIUM, day=day, title="营商环境座谈会")
    waiting = w.meeting(MeetingKind.SYMPOSIUM, day=day, title="乡村振兴座谈会")
    plenary = w.plenary(day=day + dt.timedelta(days=7))
    leave = services.leave_submit(
        invitation=away.invitations.get(member=member), actor=member.user, reason="出差"
    )
    services.leave_decide(leave=leave, approve=True, actor=w.office)
    services.leave_submit(
        invitation=waiting.invitations.get(member=member), actor=member.user, reason="出差"
    )
    part = services.leave_submit(
        invitation=plenary.invitations.get(member=member),
        actor=member.user,
        reason="出差",
        sittings=[plenary.sittings.order_by("start").first()],
    )
    services.leave_decide(leave=part, approve=True, actor=w.chair)

    client.force_login(member.user)
    page = client.get("/meetings/mine/").content.decode()
    assert "已请假</span>" in upcoming_item(page, "营商环境座谈会")
    assert "已请假" not in upcoming_item(page, "乡村振兴座谈会")
    assert "已请假（部分会次）" in upcoming_item(page, plenary.title)

    client.force_login(other.user)
    page = client.get("/meetings/mine/").content.decode()
    assert "已请假" not in upcoming_item(page, "营商环境座谈会")
