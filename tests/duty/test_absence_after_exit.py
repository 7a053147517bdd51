"""A member who left office (辞去委员, 撤销委员资格) cannot be absent from a meeting held after
the day they left: closing that meeting's attendance records no absence for them, and an
absence already recorded when the exit is entered with an earlier date leaves their duty
file (with an audit row). Absences before the exit, and everything they attended, stay."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.meetings.factories import world
from xieshang.core.models import Event
from xieshang.duty import selectors
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.duty.services import Fact, record_duties
from xieshang.meetings import services as meetings
from xieshang.meetings.models import MeetingKind
from xieshang.members.models import Membership
from xieshang.members.services import membership_resign

pytestmark = pytest.mark.django_db

ABSENCE = DutyKind.ABSENCE_UNEXCUSED


def utc(month, day, hour=1):
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


def held(w, day, title):
    """A symposium on `day` (9-12 Beijing time) whose attendance is closed that afternoon:
    everyone invited who did not sign in is recorded absent."""
    with time_machine.travel(utc(day.month, day.day, 0) - dt.timedelta(days=3)):
        meeting = w.meeting(MeetingKind.SYMPOSIUM, day=day, title=title)
    with time_machine.travel(utc(day.month, day.day, 7)):
        meetings.meeting_close(meeting=meeting, actor=w.office)
    return meeting


def absences(member) -> set[str]:
    return set(
        DutyRecord.objects.filter(member=member, kind=ABSENCE).values_list("title", flat=True)
    )


def resign(w, member, on):
    seat = Membership.objects.get(member=member, term=w.term)
    return membership_resign(membership=seat, actor=w.office, reason="工作调动", on_date=on)


@pytest.mark.clause("C5.10")
def test_closing_a_meeting_held_after_the_exit_records_no_absence(client):
    w = world()
    left, stayed = w.member("甲离任"), w.member("乙在任")
    held(w, dt.date(2026, 3, 2), "三月协商座谈会")
    with time_machine.travel(utc(3, 15, 0)):
        meeting = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 3, 16), title="四月座谈会")
    # The meeting is under way when the office enters the resignation, dated a week before:
    # the invitation stays (the sittings held are on record), and the meeting is closed.
    with time_machine.travel(utc(3, 16, 2)):
        resign(w, left, dt.date(2026, 3, 9))
    with time_machine.travel(utc(3, 16, 7)):
        meetings.meeting_close(meeting=meeting, actor=w.office)

    assert absences(left) == {"三月协商座谈会"}  # before the exit: it counts
    assert absences(stayed) == {"三月协商座谈会", "四月座谈会"}
    score = selectors.scores(w.org, 2026, [left.pk])[left.pk]
    assert score.by_kind[ABSENCE][0] == 1

    client.force_login(w.office)
    html = client.get(reverse("duty:member_file", args=[left.pk]), {"year": 2026}).content
    html = html.decode()
    assert "三月协商座谈会" in html and "四月座谈会" not in html


def test_an_exit_entered_after_the_meeting_closed_takes_the_later_absence_out(
    client, django_capture_on_commit_callbacks
):
    w = world()
    left = w.member("甲离任")
    held(w, dt.date(2026, 3, 2), "三月协商座谈会")
    held(w, dt.date(2026, 4, 13), "四月座谈会")
    assert absences(left) == {"三月协商座谈会", "四月座谈会"}

    # The resignation, handed in on 3 April, is entered on 20 April.
    with time_machine.travel(utc(4, 20)), django_capture_on_commit_callbacks(execute=True):
        resign(w, left, dt.date(2026, 4, 3))
    assert absences(left) == {"三月协商座谈会"}
    event = Event.objects.get(verb="duty.absence_removed")
    assert "四月座谈会" in event.object_repr
    assert "2026年4月3日" in event.note


def test_a_member_seated_again_keeps_every_absence():
    """换届: the old seat ends and a new one starts; the member never left office."""
    from tests.factories import TermFactory, seat

    w = world()
    member = w.member("甲连任")
    seat_ = Membership.objects.get(member=member, term=w.term)
    seat_.status, seat_.status_changed_on = Membership.Status.TERM_ENDED, dt.date(2026, 1, 10)
    seat_.save()
    seat(member, TermFactory(organisation=w.org, number=16, start_date=dt.date(2026, 1, 10)))
    record_duties([Fact(member, ABSENCE, dt.date(2026, 5, 6), "五月座谈会")])
    assert absences(member) == {"五月座谈会"}


def test_no_duty_is_entered_by_hand_after_the_exit(client):
    """代录 and a former member's own report: a date after the exit is refused with the
    reason on the date; one before it is entered."""
    from tests.duty.factories import YEAR, member_with_user, setting

    org, term, office, _stayed = setting()
    member = member_with_user(org, name="甲离任")
    from tests.factories import seat

    seat(member, term, status=Membership.Status.RESIGNED, status_changed_on=dt.date(YEAR, 6, 30))
    data = {"kind": DutyKind.INSPECTION, "title": "河道视察", "evidence": "签到表"}
    url = reverse("duty:entry_for_member", args=[member.pk])
    client.force_login(office)
    refused = client.post(url, {**data, "date": f"{YEAR}-07-02"})
    assert refused.status_code == 400
    assert (
        f"甲离任已于{YEAR}年6月30日退出，不能登记此后日期的履职记录。" in refused.content.decode()
    )
    assert client.post(url, {**data, "date": f"{YEAR}-06-12"}).status_code == 302
    client.force_login(member.user)
    own = client.post(reverse("duty:entry_new"), {**data, "date": f"{YEAR}-08-01"})
    assert own.status_code == 400
    assert DutyRecord.objects.filter(member=member).count() == 1


def test_a_report_dated_after_the_exit_cannot_be_confirmed_but_can_be_returned(client):
    """The member reported a visit while in office; the resignation, dated before the
    visit, was entered afterwards: confirming the report is refused with the reason, the
    same check as entering it, and returning it still works."""
    from tests.duty.factories import YEAR, setting
    from xieshang.duty.services import manual_entry_submit

    _org, _term, office, member = setting()
    entry = manual_entry_submit(
        member=member,
        actor=member.user,
        kind=DutyKind.INSPECTION,
        date=dt.date(YEAR, 8, 1),
        title="河道视察",
        evidence="签到表",
    )
    Membership.objects.filter(member=member).update(
        status=Membership.Status.RESIGNED, status_changed_on=dt.date(YEAR, 6, 30)
    )
    url = reverse("duty:entry_decide", args=[entry.pk])
    client.force_login(office)
    refused = client.post(url, {"action": "approve"})
    assert refused.status_code == 400
    assert (
        f"{member.name}已于{YEAR}年6月30日退出，不能确认此后日期的履职记录，可以退回。"
        in refused.content.decode()
    )
    entry.refresh_from_db()
    assert entry.status == DutyRecord.Status.PENDING
    assert client.post(url, {"action": "reject", "note": "退出后的活动"}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == DutyRecord.Status.REJECTED


@pytest.mark.clause("C5.7")
def test_an_exit_leaves_the_absences_of_a_settled_year_and_says_why(
    django_capture_on_commit_callbacks,
):
    """The resignation is dated in a year whose commendation list is published: that year's
    later absences stay (its published scores do not move), with an audit row saying why;
    this year's are taken out."""
    from tests.duty.factories import YEAR, record, setting
    from xieshang.duty.award_models import Commendation

    org, term, office, member = setting()
    record(member, ABSENCE, date=dt.date(YEAR, 9, 8), title="九月座谈会")
    record(member, ABSENCE, date=dt.date(YEAR + 1, 3, 2), title="三月座谈会")
    Commendation.objects.create(organisation=org, year=YEAR, status=Commendation.Status.PUBLISHED)
    before = selectors.scores(org, YEAR, [member.pk])[member.pk].total

    seat_ = Membership.objects.get(member=member, term=term)
    with django_capture_on_commit_callbacks(execute=True):
        membership_resign(
            membership=seat_, actor=office, reason="工作调动", on_date=dt.date(YEAR, 6, 30)
        )
    assert absences(member) == {"九月座谈会"}
    assert selectors.scores(org, YEAR, [member.pk])[member.pk].total == before
    assert "三月座谈会" in Event.objects.get(verb="duty.absence_removed").object_repr
    kept = Event.objects.get(verb="duty.absence_kept")
    assert "九月座谈会" in kept.object_repr
    assert f"{YEAR}年度表彰名单已公布，该年度的履职积分已定格，此记录保留" in kept.note
