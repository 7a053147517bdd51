"""What a member reads on /meetings/<id>/ from a phone: where each sitting is held, whether
they signed in, and a leave request they can take back deliberately."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from xieshang.core.notifications import Notification
from xieshang.meetings import services
from xieshang.meetings.models import LeaveRequest, MeetingKind, Sitting

from ..conftest import login
from .factories import at, world

pytestmark = pytest.mark.django_db


def _cells(html: str, table_id: str) -> list[str]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    return re.findall(r"<td[^>]*>.*?</td>", table, re.S)


def test_each_sittings_place_stays_visible_on_a_phone(client):
    w = world()
    member = w.member("王委员")
    plenary = w.plenary(sittings=3)
    services.sitting_add(
        meeting=plenary,
        actor=w.office,
        kind=Sitting.Kind.GROUP,
        title="分组讨论（教育界）",
        start=at(dt.date(2026, 3, 18), 9),
        end=at(dt.date(2026, 3, 18), 12),
        location="区图书馆三楼报告厅",
    )
    client.force_login(member.user)
    html = client.get(f"/meetings/{plenary.pk}/").content.decode()
    place = next(c for c in _cells(html, "sitting-table") if "区图书馆三楼报告厅" in c)
    # The phone layout hides .xs-col-minor cells: the place must not be one.
    assert 'data-label="地点"' in place
    assert "xs-col-minor" not in place


def test_the_notice_names_the_places_of_sittings_held_elsewhere():
    w = world()
    member = w.member("王委员")
    plenary = w.plenary(sittings=3, publish=False)
    services.sitting_add(
        meeting=plenary,
        actor=w.office,
        kind=Sitting.Kind.GROUP,
        title="分组讨论（教育界）",
        start=at(dt.date(2026, 3, 18), 9),
        end=at(dt.date(2026, 3, 18), 12),
        location="区图书馆三楼报告厅",
    )
    services.meeting_publish(meeting=plenary, actor=w.office)
    body = Notification.objects.get(recipient=member.user, title__startswith="会议通知").body
    assert "在区会议中心 召开" in body
    assert "各会次地点：" in body
    assert "分组讨论（教育界）：区图书馆三楼报告厅" in body
    assert "开幕会：区会议中心" in body


def test_a_notice_for_one_place_does_not_list_sittings():
    w = world()
    member = w.member("王委员")
    w.meeting(MeetingKind.SYMPOSIUM)
    body = Notification.objects.get(recipient=member.user, title__startswith="会议通知").body
    assert "在区政协会议室 召开" in body
    assert "各会次地点" not in body


def test_the_members_sign_in_shows_under_my_attendance(client):
    w = world()
    member = w.member("王委员")
    meeting = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 3, 16), hours=(9, 12))
    sitting = meeting.sittings.get()
    client.force_login(member.user)
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'id="my-attendance"' not in html  # not signed in yet: nothing claimed
    services.signin_by_token(
        sitting=sitting,
        token=services.signin_token(sitting),
        user=member.user,
        now=at(dt.date(2026, 3, 16), 8, 28),
    )
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    mine = re.search(r'<ul[^>]*id="my-attendance".*?</ul>', html, re.S).group(0)
    assert "已签到 08:28" in mine
    assert "迟到" not in mine


def test_a_late_arrival_reads_as_late(client):
    w = world()
    member = w.member("王委员")
    meeting = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 3, 16), hours=(9, 12))
    sitting = meeting.sittings.get()
    services.signin_by_token(
        sitting=sitting,
        token=services.signin_token(sitting),
        user=member.user,
        now=at(dt.date(2026, 3, 16), 9, 40),
    )
    client.force_login(member.user)
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    mine = re.search(r'<ul[^>]*id="my-attendance".*?</ul>', html, re.S).group(0)
    assert "已签到 09:40" in mine and "迟到" in mine


def test_withdrawing_a_leave_request_asks_first_with_a_full_size_button(client):
    w = world()
    member = w.member("王委员")
    meeting = w.meeting(MeetingKind.SYMPOSIUM, day=dt.date(2026, 3, 16))
    invitation = meeting.invitations.get(member=member)
    leave = services.leave_submit(
        invitation=invitation, actor=member.user, reason="其他", today=dt.date(2026, 3, 1)
    )
    client.force_login(member.user)
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    form = re.search(rf'<form[^>]*action="/meetings/leave/{leave.pk}/withdraw/"[^>]*>', html)
    assert form is not None
    assert "data-confirm=" in form.group(0)
    button = re.search(r"<button[^>]*>撤回</button>", html[form.end() :]).group(0)
    assert "btn-link" not in button and "xs-touch" in button


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_withdraw_button_is_a_finger_high_and_asks_first(phone_page):
    w = world()
    member = w.member("王委员")
    day = timezone.localdate() + dt.timedelta(days=10)
    meeting = w.meeting(MeetingKind.SYMPOSIUM, day=day)
    invitation = meeting.invitations.get(member=member)
    services.leave_submit(invitation=invitation, actor=member.user, reason="其他")
    login(phone_page, member.user.username)
    phone_page.goto(phone_page.base_url + f"/meetings/{meeting.pk}/")
    button = phone_page.get_by_role("button", name="撤回", exact=True)
    assert button.bounding_box()["height"] >= 44
    asked = []
    phone_page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    button.click()
    assert "撤回这份请假申请" in asked[0]
    assert LeaveRequest.objects.get().status == LeaveRequest.Status.PENDING
    phone_page.once("dialog", lambda d: d.accept())
    button.click()
    phone_page.wait_for_load_state()
    assert LeaveRequest.objects.get().status == LeaveRequest.Status.WITHDRAWN
