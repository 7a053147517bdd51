"""Staff cannot mark anyone present at a sitting that has not begun (its board is open to
the office weeks ahead); from the sign-in window on, and afterwards, they can."""

import datetime as dt

import pytest
import time_machine

from xieshang.meetings.models import Attendance, MeetingKind

from .factories import world

pytestmark = pytest.mark.django_db


def test_the_board_refuses_a_mark_before_the_sitting_and_takes_it_in_its_window(client):
    w = world()
    m = w.member()
    meeting = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 12, 20), hours=(9, 11))
    sitting = meeting.sittings.get()
    inv = meeting.invitations.get(member=m)
    url = f"/meetings/sittings/{sitting.pk}/mark/{inv.pk}/"
    # Two weeks ahead (16:00 on 6 December, Beijing time).
    with time_machine.travel(dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(w.office)
        board = client.get(f"/meetings/sittings/{sitting.pk}/board/").content.decode()
        refused = client.post(url, {"state": "present"}, follow=True)
    # The board offers no 出席/迟到 yet and says when it will; a post is refused.
    assert 'name="state" value="present"' not in board and "会前开放签到后可登记" in board
    assert "本会次尚未开始" in refused.content.decode()
    assert not Attendance.objects.exists()
    # 08:30 on the day, inside the hour before the start the sign-in opens.
    with time_machine.travel(dt.datetime(2026, 12, 20, 0, 30, tzinfo=dt.UTC), tick=False):
        client.force_login(w.office)
        board = client.get(f"/meetings/sittings/{sitting.pk}/board/").content.decode()
        assert 'name="state" value="present"' in board
        client.post(url, {"state": "present"})
    assert Attendance.objects.get().state == "present"
    # After the sitting the office still marks from the paper sheet.
    with time_machine.travel(dt.datetime(2026, 12, 21, 2, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(w.office)
        client.post(url, {"state": "late"})
    assert Attendance.objects.get().state == "late"


def test_a_mark_made_in_error_can_be_cleared_before_the_sitting():
    from xieshang.meetings import services

    w = world()
    m = w.member()
    meeting = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 12, 20))
    sitting = meeting.sittings.get()
    inv = meeting.invitations.get(member=m)
    Attendance.objects.create(sitting=sitting, invitation=inv, state="present")
    with time_machine.travel(dt.datetime(2026, 12, 6, 8, 0, tzinfo=dt.UTC), tick=False):
        services.attendance_mark(sitting=sitting, invitation=inv, state="clear", actor=w.office)
    assert not Attendance.objects.exists()
