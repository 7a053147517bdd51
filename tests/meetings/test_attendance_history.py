"""The meeting's history names the attendance states staff mark, not their codes."""

import datetime as dt

import pytest
import time_machine

from xieshang.meetings import services
from xieshang.meetings.models import Attendance, MeetingKind

from .factories import world

pytestmark = pytest.mark.django_db


@pytest.mark.clause("C5.9")
def test_the_history_shows_present_and_late_in_words(client):
    w = world()
    m = w.member("甲委员")
    with time_machine.travel(dt.datetime(2026, 3, 16, 1, 5, tzinfo=dt.UTC)):
        meeting = w.meeting(MeetingKind.SYMPOSIUM)
        sitting = meeting.sittings.get()
        inv = meeting.invitations.get(member=m)
        for state in (Attendance.State.PRESENT, Attendance.State.LATE):
            services.attendance_mark(sitting=sitting, invitation=inv, state=state, actor=w.office)
        client.force_login(w.office)
        page = client.get(meeting.get_absolute_url()).content.decode()
    assert "（— → 出席）" in page
    assert "（出席 → 迟到）" in page
    assert "present" not in page.split('id="history"')[1]


@pytest.mark.clause("C5.9")
def test_closing_with_leave_still_pending_warns_that_it_will_count_as_absence(client):
    w = world()
    m = w.member("甲委员")
    with time_machine.travel(dt.datetime(2026, 3, 16, 1, 5, tzinfo=dt.UTC)):
        meeting = w.meeting(MeetingKind.SYMPOSIUM)
        client.force_login(w.office)
        before = client.get(meeting.get_absolute_url()).content.decode()
        services.leave_submit(
            invitation=meeting.invitations.get(member=m), actor=m.user, reason="临时出差"
        )
        after = client.get(meeting.get_absolute_url()).content.decode()
    assert "件请假待审批" not in before
    assert "还有 1 件请假待审批" in after


@pytest.mark.clause("C5.9")
@pytest.mark.parametrize(
    ("clerk", "reader", "shown", "not_shown"),
    [
        ("zh-hans", "en", "(— → Present)", "出席"),
        ("en", "zh-hans", "（— → 出席）", "Present"),
    ],
)
def test_the_history_shows_attendance_states_in_the_readers_language(
    client, settings, clerk, reader, shown, not_shown
):
    from django.utils import translation

    w = world()
    m = w.member("甲委员")
    with time_machine.travel(dt.datetime(2026, 3, 16, 1, 5, tzinfo=dt.UTC)):
        meeting = w.meeting(MeetingKind.SYMPOSIUM)
        sitting = meeting.sittings.get()
        inv = meeting.invitations.get(member=m)
        with translation.override(clerk):
            services.attendance_mark(
                sitting=sitting, invitation=inv, state=Attendance.State.PRESENT, actor=w.office
            )
        client.force_login(w.office)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = reader
        page = client.get(meeting.get_absolute_url()).content.decode()
    row = next(line for line in page.split('id="history"')[1].splitlines() if "甲委员" in line)
    assert shown in row
    assert not_shown not in row.split("甲委员")[0]
    # The one sitting of a symposium, stored as 全程, reads in the reader's language too.
    assert ("Whole meeting · 甲委员" if reader == "en" else "全程 · 甲委员") in row
