"""The whole loop in a real browser, the member on a phone-sized window."""

import datetime as dt

import pytest
from django.utils import timezone

from xieshang.meetings import services
from xieshang.meetings.models import LeaveRequest, Meeting, MeetingKind, Sitting

from ..conftest import login
from .factories import world


def _context_page(browser, live_server, **kwargs):
    context = browser.new_context(locale="zh-CN", **kwargs)
    context.set_default_timeout(15000)
    pg = context.new_page()
    pg.base_url = live_server.url
    return context, pg


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.clause("C4.4")
@pytest.mark.clause("C5.9")
def test_it_runs_invitation_leave_approval_qr_sign_in_and_the_report(
    phone_page, page, browser, live_server
):
    w = world()
    member = w.member("林晓梅")
    w.member("陈志远")
    now = timezone.localtime()
    tomorrow = now.date() + dt.timedelta(days=1)

    def at(day, h):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(h, 0)))

    meeting = services.meeting_create(
        organisation=w.org,
        actor=w.office,
        kind=MeetingKind.PLENARY,
        title="政协第十五届第五次会议",
        start=now,
        end=now + dt.timedelta(hours=2),
        location="区会议中心",
    )
    first = services.sitting_add(
        meeting=meeting,
        actor=w.office,
        kind="opening",
        title="开幕会",
        start=now - dt.timedelta(minutes=10),
        end=now + dt.timedelta(hours=2),
    )
    services.sitting_add(
        meeting=meeting,
        actor=w.office,
        kind="group",
        title="分组讨论",
        start=at(tomorrow, 9),
        end=at(tomorrow, 12),
    )
    services.sitting_add(
        meeting=meeting,
        actor=w.office,
        kind="closing",
        title="闭幕会",
        start=at(tomorrow, 14),
        end=at(tomorrow, 17),
    )
    services.invite(
        meeting=meeting, actor=w.office, criteria=services.InviteCriteria(all_members=True)
    )
    services.meeting_publish(meeting=meeting, actor=w.office)

    # The member finds the notice in the inbox on the phone and asks leave for one sitting.
    phone = phone_page
    login(phone, member.user.username)
    phone.goto(phone.base_url + "/inbox/")
    phone.get_by_role("button", name="查看 会议通知：政协第十五届第五次会议").click()
    phone.wait_for_url(f"**/meetings/{meeting.pk}/")
    phone.get_by_text("请假", exact=True).click()
    phone.get_by_label("分组讨论").check()
    phone.get_by_label("请假事由").select_option("其他")
    phone.get_by_label("具体说明").fill("参加市里的专题培训")
    phone.get_by_role("button", name="提交请假").click()
    phone.wait_for_load_state()
    assert phone.get_by_text("待审批").first.is_visible()

    # The chair approves it in the leave queue.
    login(page, w.chair.username)
    page.goto(page.base_url + "/meetings/leave/")
    row = page.locator("#leave-table tbody tr", has_text="林晓梅")
    assert "分组讨论" in row.inner_text()
    row.get_by_role("button", name="批准", exact=True).click()
    page.wait_for_load_state()
    assert LeaveRequest.objects.get().status == "approved"

    # The office shows the board of the opening sitting; the member scans its QR link.
    ctx, office = _context_page(browser, live_server, viewport={"width": 1280, "height": 900})
    try:
        login(office, w.office.username)
        office.goto(office.base_url + f"/meetings/sittings/{first.pk}/board/")
        assert office.locator("#board-qr svg").is_visible()
        link = office.locator("#signin-link").get_attribute("href")
        phone.goto(phone.base_url + link)
        phone.get_by_role("button", name="确认签到").click()
        assert "签到成功" in phone.locator("#signin-ok").inner_text()
        # The live board picks the sign-in up by itself.
        office.locator("#board-table tr[data-state='present']", has_text="林晓梅").wait_for(
            timeout=15000
        )

        # Closing is final and marks the rest absent: not offered while sittings are still
        # to come (the service would refuse it), and asked first once they have begun.
        office.goto(office.base_url + f"/meetings/{meeting.pk}/")
        assert office.get_by_role("button", name="结束考勤").count() == 0
        assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PUBLISHED

        # The next day's sittings have begun: the report marks each sitting; closing it
        # counts the rest.
        later = Sitting.objects.filter(meeting=meeting).exclude(pk=first.pk)
        later.update(start=now - dt.timedelta(minutes=5), end=now + dt.timedelta(hours=1))
        office.goto(office.base_url + f"/meetings/{meeting.pk}/")
        asked = []
        office.once("dialog", lambda d: (asked.append(d.message), d.accept()))
        office.get_by_role("button", name="结束考勤").click()
        office.wait_for_load_state()
        assert "结束后不能更改" in asked[0]
        office.goto(office.base_url + f"/meetings/{meeting.pk}/report/")
        cells = office.locator("#report-table tbody tr", has_text="林晓梅").locator("td")
        texts = [t.strip() for t in cells.all_inner_texts()]
        assert texts[2:] == ["出席", "请假", "缺席", "缺席"]  # 1 of 3 is below 2/3
        other = office.locator("#report-table tbody tr", has_text="陈志远").locator("td")
        assert [t.strip() for t in other.all_inner_texts()][2:] == ["缺席"] * 4
    finally:
        ctx.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_long_reason_leaves_the_approvers_note_room_for_its_hint(page):
    w = world()
    member = w.member("林晓梅")
    meeting = w.meeting(day=timezone.localdate() + dt.timedelta(days=7))
    services.leave_submit(
        invitation=meeting.invitations.get(member=member),
        actor=member.user,
        reason="因公出差：" + "赴省里参加专题培训" * 60,
    )
    login(page, w.office.username)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(page.base_url + "/meetings/leave/")
    note = page.locator("#leave-table tbody tr").first.get_by_label("审批意见")
    assert note.bounding_box()["width"] >= 200
