"""An activity open to sign-up takes sign-ups until it is over: a member who signed up
afterwards would be expected at it and counted absent when attendance closes."""

import datetime as dt

import pytest
import time_machine

from xieshang.meetings.models import Invitation, Meeting

from .factories import world

pytestmark = pytest.mark.django_db


def _signup_activity(w):
    meeting = w.meeting(day=dt.date(2026, 12, 20), hours=(9, 11), publish=False)
    Meeting.objects.filter(pk=meeting.pk).update(mode=Meeting.Mode.SIGNUP)
    from xieshang.meetings import services

    meeting.refresh_from_db()
    services.meeting_publish(meeting=meeting, actor=w.office)
    return meeting


def test_a_member_signs_up_before_the_end_but_not_after(client):
    w = world()
    m = w.member()
    meeting = _signup_activity(w)
    inv = meeting.invitations.get(member=m)
    url = f"/meetings/{meeting.pk}/"
    # The afternoon after: the page says sign-up is over and a post is refused.
    with time_machine.travel(dt.datetime(2026, 12, 20, 6, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(m.user)
        page = client.get(url).content.decode()
        assert 'id="signup-closed"' in page and "报名参加" not in page
        refused = client.post(f"{url}signup/", follow=True).content.decode()
    assert "活动已结束，不能再报名" in refused
    inv.refresh_from_db()
    assert inv.response != Invitation.Response.SIGNED_UP
    # During the activity the member can still sign up.
    with time_machine.travel(dt.datetime(2026, 12, 20, 2, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(m.user)
        assert "报名参加" in client.get(url).content.decode()
        client.post(f"{url}signup/")
    inv.refresh_from_db()
    assert inv.response == Invitation.Response.SIGNED_UP
