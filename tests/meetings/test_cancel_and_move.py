"""A meeting moved or cancelled after its notice went out and after members asked leave."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from xieshang.core.audit import TransitionError
from xieshang.core.models import Notification
from xieshang.meetings import selectors, services
from xieshang.meetings.dashboard import meeting_cards
from xieshang.meetings.models import LeaveRequest, MeetingKind

from .factories import at, edit_form, world

pytestmark = pytest.mark.django_db

BEFORE = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.mark.clause("C2.5")
def test_moving_a_published_meeting_tells_everyone_invited_the_new_time_and_place():
    w = world()
    m = w.member("甲委员", standing=True)
    with time_machine.travel(BEFORE):
        meeting = w.meeting(MeetingKind.STANDING)
        services.leave_submit(
            invitation=meeting.invitations.get(member=m), actor=m.user, reason="出差"
        )
        services.meeting_update(
            meeting=meeting,
            actor=w.office,
            expected_version=meeting.version,
            data={
                "start": at(dt.date(2026, 3, 18), 14),
                "end": at(dt.date(2026, 3, 18), 17),
                "location": "区政协三楼会议室",
            },
        )
        # A change of the title alone is not news to send to every phone.
        services.meeting_update(
            meeting=meeting,
            actor=w.office,
            expected_version=meeting.version,
            data={"title": "常务委员会第十次会议"},
        )
    change = Notification.objects.get(recipient=m.user, title__startswith="会议变更")
    assert "2026年3月18日 14:00" in change.body
    assert "区政协三楼会议室" in change.body
    assert titles(m.user).count(change.title) == 1
    assert len([t for t in titles(m.user) if t.startswith("会议变更")]) == 1


@pytest.mark.clause("C2.5")
def test_editing_a_draft_notifies_nobody():
    w = world()
    m = w.member("甲委员")
    with time_machine.travel(BEFORE):
        meeting = w.meeting(MeetingKind.SYMPOSIUM, publish=False)
        services.meeting_update(
            meeting=meeting,
            actor=w.office,
            expected_version=meeting.version,
            data={"start": at(dt.date(2026, 3, 18), 9), "end": at(dt.date(2026, 3, 18), 12)},
        )
    assert titles(m.user) == []


@pytest.mark.clause("C5.9")
def test_leave_of_a_cancelled_meeting_leaves_the_approvers_queue_and_cannot_be_decided(client):
    w = world()
    m = w.member("甲委员", standing=True)
    with time_machine.travel(BEFORE):
        meeting = w.meeting(MeetingKind.STANDING)
        leave = services.leave_submit(
            invitation=meeting.invitations.get(member=m), actor=m.user, reason="出差"
        )
        assert list(selectors.leave_queue(w.chair)) == [leave]
        services.meeting_cancel(meeting=meeting, actor=w.office, note="改期另行通知")
        assert list(selectors.leave_queue(w.chair)) == []
        # Nor does the home page still count it as waiting.
        assert reverse("meetings:leave_queue") not in [c.url for c in meeting_cards(w.chair)]
        with pytest.raises(TransitionError):
            services.leave_decide(leave=leave, approve=True, actor=w.chair)
        client.force_login(w.chair)
        page = client.post(
            reverse("meetings:leave_decide", args=[leave.pk]), {"decision": "approve"}
        )
    assert "会议已取消" in page.content.decode()
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.CANCELLED  # closed with its meeting, undecided
    # The member was told the meeting is off, never that their leave was granted.
    assert not [t for t in titles(m.user) if t.startswith("请假已批准")]


@pytest.mark.clause("C2.5")
def test_the_office_cancels_a_published_meeting_from_its_page_with_a_reason(client):
    w = world()
    m = w.member("甲委员")
    with time_machine.travel(BEFORE):
        meeting = w.meeting(MeetingKind.SYMPOSIUM)
        url = reverse("meetings:cancel", args=[meeting.pk])
        client.force_login(m.user)
        assert f'action="{url}"' not in client.get(meeting.get_absolute_url()).content.decode()
        client.force_login(w.office)
        assert f'action="{url}"' in client.get(meeting.get_absolute_url()).content.decode()
        page = client.post(url, {"note": "场地冲突，另行通知"}, follow=True)
    meeting.refresh_from_db()
    assert meeting.status == meeting.Status.CANCELLED
    assert "会议已取消" in page.content.decode()
    assert f'action="{url}"' not in page.content.decode()  # nothing left to cancel
    note = Notification.objects.get(recipient=m.user, title__startswith="会议取消")
    assert note.body == "场地冲突，另行通知"


@pytest.mark.clause("C2.5")
def test_a_plenary_moved_a_week_takes_its_sittings_along():
    w = world()
    w.member("甲委员")
    with time_machine.travel(BEFORE):
        meeting = w.plenary(day=dt.date(2026, 3, 16), sittings=3)
        before = list(meeting.sittings.values_list("title", "start", "end"))
        week = dt.timedelta(days=7)
        services.meeting_update(
            meeting=meeting,
            actor=w.office,
            expected_version=meeting.version,
            data={"start": meeting.start + week, "end": meeting.end + week},
        )
    after = list(meeting.sittings.values_list("title", "start", "end"))
    assert after == [(t, a + week, b + week) for t, a, b in before]
    assert after[0][1] == at(dt.date(2026, 3, 23), 9)
    meeting.refresh_from_db()
    assert meeting.start == after[0][1]


@pytest.mark.clause("C2.5")
def test_a_plenary_cut_short_past_a_sitting_is_refused_naming_it():
    w = world()
    w.member("甲委员")
    with time_machine.travel(BEFORE):
        meeting = w.plenary(day=dt.date(2026, 3, 16), sittings=3)  # closing: 17th morning
        with pytest.raises(services.ValidationError) as refused:
            services.meeting_update(
                meeting=meeting,
                actor=w.office,
                expected_version=meeting.version,
                data={"end": at(dt.date(2026, 3, 16), 18)},
            )
    assert "闭幕会" in str(refused.value)
    meeting.refresh_from_db()
    assert meeting.end == at(dt.date(2026, 3, 17), 12)


@pytest.mark.clause("C2.5")
def test_moving_a_meeting_on_its_edit_page_tells_the_invitees_and_the_history_says_what(client):
    """A tester moved a notified meeting from 14:30 to 09:00 and changed its room on the
    edit page: nobody invited was told, and the history read only 修改会议活动. (The page's
    form had already written the new values into the meeting the service compared with.)"""
    from xieshang.core.audit import history

    w = world()
    m = w.member("甲委员", standing=True)
    with time_machine.travel(BEFORE):
        meeting = w.meeting(MeetingKind.STANDING)
        client.force_login(w.office)
        response = client.post(
            f"/meetings/{meeting.pk}/edit/",
            {
                **edit_form(meeting),
                "start": "2026-03-18T09:00",
                "end": "2026-03-18T12:00",
                "location": "区政协二楼会议室",
            },
        )
        assert response.status_code == 302
        page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    change = Notification.objects.get(recipient=m.user, title__startswith="会议变更")
    assert "2026年3月18日 09:00" in change.body and "区政协二楼会议室" in change.body
    event = history(meeting).get(verb="meeting.edit")
    assert "开始时间：" in event.note and "→ 2026年3月18日 09:00" in event.note
    assert "→ 区政协二楼会议室" in event.note
    assert sorted(event.data["changed"]) == ["end", "location", "start"]
    assert "→ 区政协二楼会议室" in page
