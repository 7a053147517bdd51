"""A published meeting's place or sittings changed after the notice went out: the invitees are
told the new place and what changed, the sittings and the calendar file follow (F6), a
sitting added later is news too (F5); a multi-day sitting shows its end date (F7); the leave
form offers only the sittings still open (F8)."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from xieshang.core.models import Notification
from xieshang.meetings import services
from xieshang.meetings.models import MeetingKind, Sitting

from .factories import at, world

pytestmark = pytest.mark.django_db

BEFORE = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 16)


def changes(user):
    return list(Notification.objects.filter(recipient=user, title__startswith="会议变更"))


def plenary_with_a_room_of_its_own(w):
    """A published plenary at 区会议中心: 开幕会 and 闭幕会 there, a group discussion in a
    room of its own."""
    meeting = w.plenary(day=DAY, sittings=3, publish=False)
    services.sitting_add(
        meeting=meeting,
        actor=w.office,
        kind=Sitting.Kind.GROUP,
        title="界别讨论",
        start=at(DAY, 19),
        end=at(DAY, 21),
        location="二楼小会议室",
    )
    services.meeting_publish(meeting=meeting, actor=w.office)
    meeting.refresh_from_db()
    return meeting


@pytest.mark.clause("C2.5")
def test_a_plenary_moved_to_another_venue_tells_the_new_venue_and_its_sittings_follow(client):
    w = world()
    m = w.member("甲委员")
    with time_machine.travel(BEFORE):
        meeting = plenary_with_a_room_of_its_own(w)
        services.meeting_update(
            meeting=meeting,
            actor=w.office,
            expected_version=meeting.version,
            data={"location": "区会议中心大礼堂"},
        )
        places = dict(meeting.sittings.values_list("title", "location"))
        # Those at the meeting's old venue follow it; the one with its own room keeps it.
        assert places == {
            "开幕会": "区会议中心大礼堂",
            "分组讨论1": "区会议中心大礼堂",
            "闭幕会": "区会议中心大礼堂",
            "界别讨论": "二楼小会议室",
        }
        [change] = changes(m.user)
        assert "地点：区会议中心 → 区会议中心大礼堂" in change.body
        assert "在区会议中心大礼堂 召开" in change.body
        assert "开幕会：区会议中心大礼堂" in change.body
        assert "界别讨论：二楼小会议室" in change.body
        assert "开幕会：区会议中心；" not in change.body
        # The calendar file a phone subscribes to carries the new venue.
        client.force_login(m.user)
        text = client.get(reverse("meetings:ics", args=[meeting.pk])).content.decode()
        unfolded = text.replace("\r\n ", "")
        assert unfolded.count("LOCATION:区会议中心大礼堂") == 3
        assert unfolded.count("LOCATION:二楼小会议室") == 1
        assert "LOCATION:区会议中心\r\n" not in unfolded


@pytest.mark.clause("C2.5")
def test_a_sitting_already_begun_keeps_the_venue_it_was_held_at():
    w = world()
    w.member("甲委员")
    with time_machine.travel(BEFORE):
        meeting = w.plenary(day=DAY, sittings=4)
    with time_machine.travel(at(DAY, 15)):
        services.meeting_update(
            meeting=meeting,
            actor=w.office,
            expected_version=meeting.version,
            data={"location": "区会议中心大礼堂"},
        )
    places = dict(meeting.sittings.values_list("title", "location"))
    assert places["开幕会"] == "区会议中心"  # held that morning
    assert places["分组讨论1"] == "区会议中心"  # under way
    assert places["分组讨论2"] == places["闭幕会"] == "区会议中心大礼堂"


@pytest.mark.clause("C2.5")
def test_a_sitting_added_after_the_notice_moving_the_start_earlier_is_told_to_the_invitees():
    w = world()
    m = w.member("甲委员")
    with time_machine.travel(BEFORE):
        meeting = w.plenary(day=DAY, sittings=2)
        assert changes(m.user) == []
        services.sitting_add(
            meeting=meeting,
            actor=w.office,
            kind=Sitting.Kind.GROUP,
            title="预备会",
            start=at(DAY - dt.timedelta(days=1), 14),
            end=at(DAY - dt.timedelta(days=1), 17),
        )
    [change] = changes(m.user)
    assert change.body.startswith("会次安排已变更。")
    added = "增加会次：预备会（2026年3月15日 14:00 — 2026年3月15日 17:00，区会议中心）"
    assert added in change.body
    assert "开始时间：2026年3月16日 09:00 → 2026年3月15日 14:00" in change.body
    assert "2026年3月15日 14:00 在区会议中心 召开" in change.body


@pytest.mark.clause("C2.5")
def test_a_sitting_added_to_a_draft_notifies_nobody():
    w = world()
    m = w.member("甲委员")
    with time_machine.travel(BEFORE):
        w.plenary(day=DAY, sittings=2, publish=False)
    assert changes(m.user) == []


def _sitting_rows(html: str) -> list[str]:
    table = re.search(r'<table[^>]*id="sitting-table".*?</table>', html, re.S).group(0)
    return [re.sub(r"<[^>]+>|\s+", " ", row) for row in re.findall(r"<tr>.*?</tr>", table, re.S)]


@pytest.mark.clause("C2.13")
def test_a_multi_day_activitys_sitting_shows_its_end_date(client):
    w = world()
    m = w.member("甲委员")
    with time_machine.travel(BEFORE):
        trip = w.meeting(MeetingKind.INSPECTION, invite=True)
        services.meeting_update(
            meeting=trip,
            actor=w.office,
            expected_version=trip.version,
            data={"start": at(DAY, 9), "end": at(DAY + dt.timedelta(days=2), 17)},
        )
        day = w.meeting(MeetingKind.SYMPOSIUM, title="座谈会")
        client.force_login(m.user)
        rows = _sitting_rows(client.get(f"/meetings/{trip.pk}/").content.decode())
        assert any("2026年3月16日 09:00–2026年3月18日 17:00" in r for r in rows), rows
        rows = _sitting_rows(client.get(f"/meetings/{day.pk}/").content.decode())
        assert any("2026年3月16日 09:00–12:00" in r for r in rows), rows


@pytest.mark.clause("C5.9")
def test_the_leave_form_offers_only_the_sittings_still_open_and_blank_means_those(client):
    w = world()
    m = w.member("甲委员")
    with time_machine.travel(BEFORE):
        meeting = w.plenary(day=DAY, sittings=3)
        group, closing = (meeting.sittings.get(title=t) for t in ("分组讨论1", "闭幕会"))
        invitation = meeting.invitations.get(member=m)
        services.leave_submit(invitation=invitation, actor=m.user, reason="出差", sittings=[group])
        client.force_login(m.user)
        form = client.get(f"/meetings/{meeting.pk}/").context["leave_form"]
        assert [s.title for s in form.fields["sittings"].queryset] == ["开幕会", "闭幕会"]
        response = client.post(
            f"/meetings/{meeting.pk}/leave/", {"reason_kind": "", "reason": "仍在出差"}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    later = invitation.leave_requests.order_by("-pk").first()
    assert sorted(s.title for s in later.sittings.all()) == ["开幕会", "闭幕会"]
    assert not later.whole_meeting
    assert closing in later.sittings.all()
