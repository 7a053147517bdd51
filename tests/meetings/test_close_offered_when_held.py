"""结束考勤 is offered once the meeting's last sitting has begun: before that the service
refuses it, so the office is not shown a button that only answers "not yet"."""

import datetime as dt

import pytest
import time_machine

from xieshang.meetings.models import MeetingKind

from .factories import world

pytestmark = pytest.mark.django_db


def test_the_close_button_waits_for_the_last_sitting(client):
    w = world()
    w.member("甲委员", standing=True)
    meeting = w.meeting(MeetingKind.STANDING, day=dt.date(2026, 12, 14))
    close = f'action="/meetings/{meeting.pk}/close/"'
    with time_machine.travel(dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC)):
        client.force_login(w.office)
        page = client.get(f"/meetings/{meeting.pk}/").content.decode()
        assert "参会名单" in page and close not in page
    with time_machine.travel(dt.datetime(2026, 12, 14, 3, 0, tzinfo=dt.UTC)):
        client.force_login(w.office)  # a week later: a new session
        assert close in client.get(f"/meetings/{meeting.pk}/").content.decode()


def test_a_closed_meetings_edit_page_is_not_a_form_that_is_then_refused(client):
    from xieshang.meetings import services

    w = world()
    w.member("甲委员")
    meeting = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 3, 16))
    services.meeting_close(meeting=meeting, actor=w.office)
    client.force_login(w.office)
    response = client.get(f"/meetings/{meeting.pk}/edit/", follow=True)
    assert response.redirect_chain[-1][0] == f"/meetings/{meeting.pk}/"
    assert "考勤已结束或已取消的会议不能修改" in response.content.decode()
