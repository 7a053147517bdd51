"""The 会议活动 card on the home page: for whoever the meetings list is for."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from xieshang.meetings import services
from xieshang.meetings.dashboard import meeting_cards
from xieshang.meetings.models import CommitteeReport

from .factories import world

pytestmark = pytest.mark.django_db


def card(user):
    return next((c for c in meeting_cards(user) if c.url == reverse("meetings:list")), None)


def test_a_special_committees_staff_find_their_activities_on_the_home_page(client):
    # They set up and run their committee's activities (policies.can_manage): the card
    # that leads to the list and its 新建 is theirs as it is the office's.
    w = world()
    staff = card(w.committee_staff)
    assert staff is not None and "邀请、签到" in str(staff.description)
    assert card(w.office) is not None
    client.force_login(w.committee_staff)
    assert reverse("meetings:list") in client.get(reverse("home")).content.decode()


def test_the_chair_reads_meetings_from_a_card_that_promises_no_setting_up():
    w = world()
    chair = card(w.chair)
    assert chair is not None and "邀请" not in str(chair.description)


def test_a_member_has_no_meetings_list_card():
    w = world()
    assert card(w.member().user) is None


def reports_card(user):
    url = reverse("meetings:committee_reports")
    return next((c for c in meeting_cards(user) if c.url == url), None)


@time_machine.travel(dt.datetime(2026, 10, 30, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_a_special_committees_staff_are_reminded_of_the_work_report_they_owe():
    # Tester: the half-year report due Dec. 31 was only found through 会议活动 → 专委会工作报告.
    w = world()
    assert reports_card(w.committee_staff) is None  # nothing scheduled yet
    services.committee_reports_schedule(organisation=w.org, year=2026)
    due = CommitteeReport.objects.filter(committee=w.committee)
    assert sorted(r.due_date.month for r in due) == [6, 12]  # the two halves of the year
    staff = reports_card(w.committee_staff)  # June's is late; December's not due for weeks
    assert staff is not None and staff.count == 1
    with time_machine.travel(dt.date(2026, 12, 7)):
        assert reports_card(w.committee_staff).count == 2
    assert reports_card(w.office) is None  # the office follows them on the list itself
    due.update(status=CommitteeReport.Status.FILED)
    assert reports_card(w.committee_staff) is None
