"""The 会议活动 card on the home page: for whoever the meetings list is for."""

import pytest
from django.urls import reverse

from xieshang.meetings.dashboard import meeting_cards

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
