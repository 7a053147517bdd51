"""QR sign-in: a signed, expiring, per-sitting link that works only for invitees, only in
the sign-in window and only once."""

import datetime as dt

import pytest
import time_machine

from xieshang.meetings import services
from xieshang.meetings.models import Attendance, MeetingKind

from .factories import at, world

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 16)


@pytest.fixture
def setup():
    w = world()
    member = w.member("甲委员")
    stranger = w.member("乙委员")
    meeting = w.meeting(MeetingKind.SYMPOSIUM, day=DAY, hours=(9, 12), invite=False, publish=False)
    services.invite(
        meeting=meeting, actor=w.office, criteria=services.InviteCriteria(members=[member])
    )
    services.meeting_publish(meeting=meeting, actor=w.office)
    return w, member, stranger, meeting.sittings.get()


def scan(client, user, path):
    client.force_login(user)
    return client.post(path)


def token_at(sitting, when):
    with time_machine.travel(when, tick=False):
        return services.signin_path(sitting)


@pytest.mark.clause("C5.9")
def test_it_signs_in_an_invited_member_once_and_marks_late_arrivals(client, setup):
    w, member, _stranger, sitting = setup
    with time_machine.travel(at(DAY, 8, 50), tick=False):
        path = services.signin_path(sitting)
        anonymous = client.get(path)  # the phone logs in first, then comes back here
        assert anonymous.status_code == 302 and "next=" in anonymous.url
        client.force_login(member.user)
        page = client.get(path).content.decode()
        assert "确认签到" in page
        response = client.post(path)
    assert response.status_code == 200
    assert "签到成功（出席" in response.content.decode()
    row = Attendance.objects.get()
    assert (row.state, row.method) == ("present", "qr")

    # The same member scanning again is refused.
    with time_machine.travel(at(DAY, 8, 55), tick=False):
        again = client.post(path)
    assert again.status_code == 400
    assert "您已签到，无需重复签到" in again.content.decode()
    assert Attendance.objects.count() == 1

    # 20 minutes after the start (grace 15) counts as late.
    late = w.member("丙委员")
    services.invite(
        meeting=sitting.meeting, actor=w.office, criteria=services.InviteCriteria(members=[late])
    )
    with time_machine.travel(at(DAY, 9, 20), tick=False):
        path = services.signin_path(sitting)
        scan(client, late.user, path)
    assert Attendance.objects.get(invitation__member=late).state == "late"


def test_a_forged_code_is_refused(client, setup):
    _w, member, _s, sitting = setup
    with time_machine.travel(at(DAY, 8, 50), tick=False):
        good = services.signin_path(sitting)
        forged = good[:-3] + ("AAA" if not good.endswith("AAA/") else "BBB") + "/"
        response = scan(client, member.user, forged.replace("//", "/"))
        # A valid token of another sitting does not open this one.
        other = sitting.meeting.sittings.create(
            kind="main", title="另一会次", start=sitting.start, end=sitting.end
        )
        foreign = services.signin_path(other).replace(f"/{other.pk}/", f"/{sitting.pk}/")
        response2 = scan(client, member.user, foreign)
    for r in (response, response2):
        assert r.status_code == 400
        assert "签到二维码无效" in r.content.decode()
    assert not Attendance.objects.exists()


def test_an_expired_code_is_refused(client, setup):
    _w, member, _s, sitting = setup
    path = token_at(sitting, at(DAY, 8, 30))
    with time_machine.travel(at(DAY, 8, 45), tick=False):  # 15 minutes later; valid for 10
        response = scan(client, member.user, path)
    assert response.status_code == 400
    assert "签到二维码已过期" in response.content.decode()
    assert not Attendance.objects.exists()


def test_an_uninvited_member_is_refused(client, setup):
    _w, _member, stranger, sitting = setup
    with time_machine.travel(at(DAY, 8, 50), tick=False):
        response = scan(client, stranger.user, services.signin_path(sitting))
    assert response.status_code == 400
    assert "您不在本次会议的参会名单中" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_scan_outside_the_sign_in_window_is_refused(client, setup):
    _w, member, _s, sitting = setup
    with time_machine.travel(at(DAY, 7, 30), tick=False):  # opens an hour before 9:00
        early = scan(client, member.user, services.signin_path(sitting))
    with time_machine.travel(at(DAY, 12, 5), tick=False):
        after = scan(client, member.user, services.signin_path(sitting))
    for r in (early, after):
        assert r.status_code == 400
        assert "现在不是签到时间" in r.content.decode()
        # The window in the Chinese way of writing dates, not "03-16 08:00".
        assert "本会次签到时间为 2026年3月16日 08:00 至 12:00" in r.content.decode()
    assert not Attendance.objects.exists()


def test_renewing_the_code_voids_every_code_shown_before(client, setup):
    w, member, _s, sitting = setup
    with time_machine.travel(at(DAY, 8, 50), tick=False):
        old = services.signin_path(sitting)
        services.qr_renew(sitting=sitting, actor=w.office)
        response = scan(client, member.user, old)
    assert response.status_code == 400
    assert "签到二维码无效" in response.content.decode()


def test_the_board_draws_the_qr_code_itself(client, setup):
    w, _member, _s, sitting = setup
    client.force_login(w.office)
    html = client.get(f"/meetings/sittings/{sitting.pk}/board/").content.decode()
    assert "<svg" in html and "签到二维码" in html
    # No outside QR service: nothing on the page is fetched from another host.
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )


def test_opening_the_link_shows_the_meeting_only_to_its_invitees(client, setup):
    _w, member, stranger, sitting = setup
    title = sitting.meeting.title
    with time_machine.travel(at(DAY, 8, 50), tick=False):
        path = services.signin_path(sitting)
        client.force_login(stranger.user)
        passed_on = client.get(path)
        guessed = client.get(path[:-4] + "AAA/")
        client.force_login(member.user)
        invited = client.get(path)
    for r in (passed_on, guessed):
        assert r.status_code == 400
        assert title not in r.content.decode()
    assert "您不在本次会议的参会名单中" in passed_on.content.decode()
    assert 'type="submit"' not in passed_on.content.decode().split("会议签到")[-1]
    assert invited.status_code == 200
    assert title in invited.content.decode()
