"""Meeting notices and generated history notes are read in the reader's language, whoever
sent them in which (`core.phrases`): an office clerk working in English leaves a Chinese
member the Chinese notice (dates the Chinese way), and an English reader reads English with
English dates."""

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from xieshang.core.audit import history
from xieshang.core.models import Notification
from xieshang.meetings import services
from xieshang.meetings.models import MeetingKind, Sitting

from .factories import at, world

pytestmark = pytest.mark.django_db

BEFORE = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)


def standing_meeting_with_a_group_sitting():
    """A standing committee meeting not yet published, one standing member invited, its
    全程 sitting and a group discussion held in another room."""
    w = world()
    m = w.member("甲委员", standing=True)
    meeting = w.meeting(MeetingKind.STANDING, publish=False, title="常委会第九次会议")
    services.sitting_add(
        meeting=meeting,
        actor=w.office,
        kind=Sitting.Kind.GROUP,
        title="分组讨论",
        start=at(dt.date(2026, 3, 16), 14),
        end=at(dt.date(2026, 3, 16), 17),
        location="二楼小会议室",
    )
    return w, m, meeting


@pytest.mark.clause("C2.5")
def test_a_meeting_notice_sent_from_an_english_page_reads_in_each_readers_language():
    w, m, meeting = standing_meeting_with_a_group_sitting()
    with translation.override("en"):  # the clerk's pages are in English
        services.meeting_publish(meeting=meeting, actor=w.office)
        invited = history(meeting).get(verb="meeting.invite")
    note = Notification.objects.get(recipient=m.user, title__startswith="会议通知")
    # Stored in the site's language, as before: e-mail, SMS and search read this.
    assert note.title == "会议通知：常委会第九次会议"
    assert note.body == (
        "2026年3月16日 09:00 在区政协会议室 召开常委会第九次会议，请准时参加。"
        "如不能出席，请在平台提出请假。"
        "各会次地点：全程：区政协会议室；分组讨论：二楼小会议室。"
    )
    with translation.override("zh-hans"):
        assert note.shown_title == note.title
        assert note.shown_body == note.body
    with translation.override("en"):
        assert note.shown_title == "Meeting notice: 常委会第九次会议"
        assert note.shown_body.startswith(
            "常委会第九次会议 will be held at 区政协会议室 on March 16, 2026 at 09:00."
        )
        assert note.shown_body.endswith(
            "Places of the sittings: Whole meeting: 区政协会议室; 分组讨论: 二楼小会议室."
        )
        assert "年" not in note.shown_body and "全程" not in note.shown_body
        assert invited.shown_note == "New invitations: 1"
    assert invited.note == "新增邀请 1 人"


@pytest.mark.clause("C5.9")
def test_a_leave_decided_in_english_reads_chinese_to_the_member():
    w = world()
    m = w.member("甲委员")
    meeting = w.meeting(MeetingKind.SYMPOSIUM, title="民营经济座谈会", day=dt.date(2026, 3, 20))
    with translation.override("en"):  # the member asks late, in English
        leave = services.leave_submit(
            invitation=meeting.invitations.get(member=m),
            actor=m.user,
            reason="出差",
            today=dt.date(2026, 3, 20),
        )
    asked = Notification.objects.get(recipient=w.office, title__startswith="请假待审批")
    assert asked.body == "（逾期请假）出差"
    with translation.override("en"):
        assert asked.shown_title == "Leave awaiting approval: 甲委员 · 民营经济座谈会"
        assert asked.shown_body == "(late request) 出差"
        services.leave_decide(leave=leave, approve=False, actor=w.office, note="会议重要，请参加")
    told = Notification.objects.get(recipient=m.user, title__startswith="请假")
    assert told.title == "请假未批准：民营经济座谈会"
    with translation.override("zh-hans"):
        assert told.shown_title == "请假未批准：民营经济座谈会"
        assert told.shown_body == "会议重要，请参加"  # typed: shown as typed
    with translation.override("en"):
        assert told.shown_title == "Leave declined: 民营经济座谈会"


@pytest.mark.clause("C2.5")
def test_a_meeting_moved_and_then_cancelled_in_english_reads_chinese_to_the_member():
    w = world()
    m = w.member("甲委员", standing=True)
    with time_machine.travel(BEFORE):
        meeting = w.meeting(MeetingKind.STANDING, title="常委会第九次会议")
        with translation.override("en"):
            services.meeting_update(
                meeting=meeting,
                actor=w.office,
                expected_version=meeting.version,
                data={
                    "start": at(dt.date(2026, 3, 18), 14),
                    "end": at(dt.date(2026, 3, 18), 17),
                    "location": "区政协三楼会议室",
                },
            )
            services.meeting_cancel(meeting=meeting, actor=w.office, note="另行安排")
    moved = Notification.objects.get(recipient=m.user, title__startswith="会议变更")
    # What changed (from → to), then when and where, as the first notice says it.
    assert moved.body.startswith("会议时间或地点已变更。变更内容：开始时间：")
    assert "。2026年3月18日 14:00 在区政协三楼会议室 召开" in moved.body
    with translation.override("zh-hans"):
        assert moved.shown_body == moved.body
    with translation.override("en"):
        assert moved.shown_title == "Meeting changed: 常委会第九次会议"
        assert moved.shown_body.startswith("The time or place of the meeting has changed. ")
        assert (
            "常委会第九次会议 will be held at 区政协三楼会议室 on March 18, 2026 at 14:00."
            in moved.shown_body
        )
    cancelled = Notification.objects.get(recipient=m.user, title__startswith="会议取消")
    assert cancelled.title == "会议取消：常委会第九次会议"
    with translation.override("en"):
        assert cancelled.shown_title == "Meeting cancelled: 常委会第九次会议"


@pytest.mark.clause("C4.10")
def test_committee_reports_scheduled_from_an_english_page_are_the_same_reports():
    """The period is part of a report's identity (one per committee and period): scheduling
    again from an English page finds the reports, it does not make a second set."""
    from xieshang.meetings.models import CommitteeReport

    w = world()
    made = services.committee_reports_schedule(organisation=w.org, year=2026, actor=w.office)
    assert made > 0
    with translation.override("en"):
        again = services.committee_reports_schedule(organisation=w.org, year=2026, actor=w.office)
    assert again == 0
    periods = set(CommitteeReport.objects.values_list("period", flat=True))
    assert periods and all("2026年" in p for p in periods)


@pytest.mark.clause("C4.10")
def test_committee_reports_read_their_period_in_the_readers_language(client):
    """Stored in the site's language (the identity), shown in the reader's: an English page
    lists "First half of 2026", the overdue ones joined with commas, not 2026年上半年、."""
    from xieshang.meetings.models import CommitteeReport
    from xieshang.orgs.models import Committee

    w = world()
    Committee.objects.create(organisation=w.org, name="文史委员会")
    w.meeting(MeetingKind.CHAIRMAN, day=dt.date(2025, 10, 5), title="主席会议（10月）")
    services.committee_reports_schedule(organisation=w.org, year=2025, actor=w.office)
    client.force_login(w.office)
    client.cookies["django_language"] = "en"
    page = client.get("/meetings/committee-reports/?year=2025").content.decode()
    assert "First half of 2025" in page and "Second half of 2025" in page
    assert "2025年" not in page and "）、" not in page
    assert "overdue: " in page
    report = CommitteeReport.objects.filter(period="2025年上半年").first()
    detail = client.get(f"/meetings/committee-reports/{report.pk}/").content.decode()
    assert "First half of 2025" in detail and "2025年" not in detail
    # The chairman's meeting it reports to is picked by its date, in the reader's language.
    assert "Oct. 5, 2025 主席会议（10月）" in detail
    assert ">File the report</button>" in detail
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/meetings/committee-reports/?year=2025").content.decode()
    assert "2025年上半年" in page


def test_how_each_invitee_was_invited_is_stored_once_and_read_in_the_readers_language(client):
    w = world()
    w.member("甲委员", standing=True)
    meeting = w.meeting(MeetingKind.STANDING, publish=False, title="常委会第九次会议")
    with translation.override("en"):  # the clerk's pages are in English
        services.meeting_publish(meeting=meeting, actor=w.office)
    vias = set(meeting.invitations.values_list("via", flat=True))
    assert vias and all(not v.isascii() for v in vias), vias  # the site's language
    client.force_login(w.office)
    client.cookies["django_language"] = "en"
    page = client.get(f"/meetings/{meeting.pk}/invite/").content.decode()
    assert not any(f">{v}</td>" in page for v in vias) and ">All members</td>" in page
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/meetings/{meeting.pk}/invite/").content.decode()
    assert all(f">{v}</td>" in page for v in vias)


@pytest.mark.clause("C2.5")
@pytest.mark.parametrize("sender", ["zh-hans", "en"])
def test_the_whole_meeting_sitting_reads_in_the_readers_language_whoever_sends(sender):
    """Whether a sitting is named 全程 is decided on the sitting, not on the sender's page
    language: a notice sent from a Chinese page reads "Whole meeting" to an English reader,
    and one sent from an English page reads 全程 to a Chinese reader."""
    w, m, meeting = standing_meeting_with_a_group_sitting()
    with translation.override(sender):
        services.meeting_publish(meeting=meeting, actor=w.office)
    note = Notification.objects.get(recipient=m.user, title__startswith="会议通知")
    with translation.override("zh-hans"):
        assert note.shown_body.endswith("各会次地点：全程：区政协会议室；分组讨论：二楼小会议室。")
        assert "Whole meeting" not in note.shown_body
    with translation.override("en"):
        assert note.shown_body.endswith(
            "Places of the sittings: Whole meeting: 区政协会议室; 分组讨论: 二楼小会议室."
        )
        assert "全程" not in note.shown_body
