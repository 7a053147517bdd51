"""A member who leaves office is no longer invited to meetings still to come (C5.10)."""

import datetime as dt

import pytest
import time_machine

from xieshang.core.audit import Event
from xieshang.meetings import services
from xieshang.meetings.models import Invitation, LeaveRequest, Meeting, MeetingKind
from xieshang.members import services as member_services
from xieshang.members.models import Membership

from .factories import world

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 16, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing


def _resign(w, member, django_capture_on_commit_callbacks):
    seat = Membership.objects.get(member=member, term=w.term)
    with django_capture_on_commit_callbacks(execute=True):
        member_services.membership_resign(
            membership=seat, actor=w.office, reason="工作调动", on_date=dt.date(2026, 3, 16)
        )


@pytest.mark.clause("C5.10")
def test_leaving_office_withdraws_invitations_to_meetings_not_yet_held(
    django_capture_on_commit_callbacks,
):
    w = world()
    leaving = w.member("甲委员")
    staying = w.member("乙委员")
    with time_machine.travel(NOW):
        coming = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 3, 20))
        services.leave_submit(
            invitation=coming.invitations.get(member=leaving), actor=leaving.user, reason="出差"
        )
        under_way = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 3, 16))  # 9:00–12:00
        _resign(w, leaving, django_capture_on_commit_callbacks)
        assert not coming.invitations.filter(member=leaving).exists()
        assert coming.invitations.filter(member=staying).exists()
        assert not LeaveRequest.objects.filter(meeting=coming).exists()
        # The meeting under way keeps it: what was held is on record.
        assert under_way.invitations.filter(member=leaving).exists()
        event = Event.objects.get(verb="meeting.uninvite", object_id=str(coming.pk))
        assert "甲委员" in event.note
        assert event.data["pending_leave"] == 1
    # Closing the coming meeting later does not count the former member absent.
    with time_machine.travel(dt.datetime(2026, 3, 20, 6, 0, tzinfo=dt.UTC)):
        counts = services.meeting_close(meeting=coming, actor=w.office)
    assert counts == {Invitation.Outcome.ABSENT: 1}
    assert coming.invitations.get().member == staying
    coming.refresh_from_db()
    assert coming.status == Meeting.Status.CLOSED


@pytest.mark.clause("C5.10")
def test_a_member_seated_again_at_a_new_term_keeps_their_invitations(
    django_capture_on_commit_callbacks,
):
    from ..factories import TermFactory, seat

    w = world()
    member = w.member("甲委员")
    with time_machine.travel(NOW):
        coming = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 3, 20))
        old = Membership.objects.get(member=member, term=w.term)
        new_term = TermFactory(organisation=w.org, number=16, start_date=dt.date(2026, 3, 17))
        with django_capture_on_commit_callbacks(execute=True):
            member_services.membership_end_term(
                membership=old, actor=w.office, reason="换届", on_date=dt.date(2026, 3, 16)
            )
            seat(member, new_term, sector=w.sector)
    assert coming.invitations.filter(member=member).exists()
    assert not Event.objects.filter(verb="meeting.uninvite").exists()
