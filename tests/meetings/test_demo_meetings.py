"""The demo district's meetings read like a real year: the committees' past work reports
were filed by their own staff before the deadline (one committee still owes its latest),
and a held meeting's history carries the days it describes, not the day of the seed."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from tests.demodata import demo  # noqa: F401 - a module fixture
from xieshang.core import access
from xieshang.core.models import Event, User
from xieshang.meetings.models import CommitteeReport, LeaveRequest, Meeting, MeetingKind
from xieshang.orgs.models import Organisation, Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def district() -> Organisation:
    return Organisation.objects.get(name="示范区政协")


def test_past_committee_reports_were_filed_by_the_committees_and_one_is_overdue(client):
    today = timezone.localdate()
    org = district()
    past = CommitteeReport.objects.filter(organisation=org, due_date__lt=today)
    assert past.count() > 9
    assert past.filter(status=CommitteeReport.Status.DUE).count() == 1
    ct = ContentType.objects.get_for_model(CommitteeReport)
    for report in past.filter(status=CommitteeReport.Status.FILED).select_related("filed_by"):
        assert report.filed_at.date() <= report.due_date, report
        # By the committee's own staff; the office files for a committee with no account.
        staff = access.role_holders(org, Role.COMMITTEE_STAFF, committee=report.committee)
        if staff.exists():
            assert report.filed_by in staff, report
        else:
            assert report.filed_by.role_assignments.filter(role=Role.OFFICE).exists()
        filed = Event.objects.get(
            content_type=ct, object_id=str(report.pk), verb="committee_report.file"
        )
        assert filed.created_at == report.filed_at
    # The office opens the page on this year: one overdue report, not one per committee.
    client.force_login(User.objects.get(username="office"))
    page = client.get("/meetings/committee-reports/").content.decode()
    assert page.count("逾期未报</span>") == 1


def test_a_held_meetings_history_carries_its_own_days():
    now = timezone.now()
    held = Meeting.objects.filter(
        organisation=district(), status=Meeting.Status.CLOSED, end__lt=now - dt.timedelta(days=30)
    )
    assert held.count() > 20
    ct = ContentType.objects.get_for_model(Meeting)
    for meeting in held:
        events = {
            e.verb: e.created_at
            for e in Event.objects.filter(content_type=ct, object_id=str(meeting.pk))
        }
        # Set up and sent out before it was held, closed after it: not all on seeding day.
        assert events["meeting.create"] < meeting.start, meeting
        assert events["meeting.publish"] < meeting.start, meeting
        assert meeting.end < events["meeting.close"] < meeting.end + dt.timedelta(days=3)
        assert meeting.closed_at == events["meeting.close"]
    leave_ct = ContentType.objects.get_for_model(LeaveRequest)
    for leave in LeaveRequest.objects.filter(meeting__in=held).exclude(decided_at=None)[:50]:
        decided = Event.objects.filter(
            content_type=leave_ct,
            object_id=str(leave.pk),
            verb__in=["leave.approve", "leave.refuse"],
        ).get()
        assert leave.submitted_at < leave.meeting.start
        assert leave.submitted_at < decided.created_at <= leave.meeting.start
    plenary = held.filter(kind=MeetingKind.PLENARY).first()
    if plenary is not None:
        speeches = plenary.speeches.exclude(delivered_at=None)
        assert speeches and all(s.submitted_at < plenary.start for s in speeches)
        # Held: every speech was decided, none still waits as submitted.
        assert not plenary.speeches.filter(status="submitted").exists()


def test_leave_for_an_upcoming_meeting_was_asked_by_today_and_in_time():
    """Not asked on a day still to come, so not flagged 逾期请假 for a deadline not reached."""
    upcoming = LeaveRequest.objects.filter(
        meeting__organisation=district(), meeting__start__gt=timezone.now()
    )
    assert upcoming.exists()
    assert not upcoming.filter(is_late=True).exists()
    assert not LeaveRequest.objects.filter(submitted_at__gt=timezone.now()).exists()
