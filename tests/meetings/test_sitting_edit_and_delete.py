"""The office changes a sitting's title, time and place before it starts, and removes one
nobody has signed in to or asked leave for: invitees are told what changed (from → to), the
meeting's history records it, a stale form is refused rather than overwriting, and a sitting
with leave, or already begun, is refused with the reason."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from xieshang.core.audit import TransitionError
from xieshang.core.models import Event, Notification
from xieshang.meetings import services
from xieshang.meetings.models import Sitting

from .factories import at, edit_form, world

pytestmark = pytest.mark.django_db

BEFORE = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 16)


def told(user, text: str) -> bool:
    return any(
        text in n.body
        for n in Notification.objects.filter(recipient=user, title__startswith="会议变更")
    )


def test_office_edits_and_deletes_a_sitting_before_it_starts(client):
    w = world()
    m = w.member("甲委员")
    with time_machine.travel(BEFORE):
        meeting = w.plenary(day=DAY, sittings=3)
        group = meeting.sittings.get(title="分组讨论1")
        opening = meeting.sittings.get(title="开幕会")
        client.force_login(w.office)
        url = f"/meetings/sittings/{group.pk}/edit/"
        assert client.get(url).status_code == 200
        form = {
            "title": "分组讨论（第一组）",
            "start": "2026-03-16T15:00",
            "end": "2026-03-16T18:00",
            "location": "三楼会议室",
            "version": group.version,
        }
        assert client.post(url, form).status_code == 302
        group.refresh_from_db()
        assert (group.title, group.location, group.start) == (
            "分组讨论（第一组）",
            "三楼会议室",
            at(DAY, 15),
        )
        edit = Event.objects.get(verb="meeting.sitting_edit", object_id=str(meeting.pk))
        assert "地点：区会议中心 → 三楼会议室" in edit.note
        assert "名称：分组讨论1 → 分组讨论（第一组）" in edit.note
        assert told(m.user, "地点：区会议中心 → 三楼会议室")

        # The same page submitted again with the version it was opened with: refused, kept.
        stale = client.post(url, {**form, "title": "分组讨论（改）", "version": 1})
        assert stale.status_code == 400
        assert "已在其他窗口或由他人修改" in stale.content.decode()
        assert "分组讨论（改）" in stale.content.decode()
        group.refresh_from_db()
        assert group.title == "分组讨论（第一组）"

        # A sitting someone asked leave for stays, with the reason.
        services.leave_submit(
            invitation=meeting.invitations.get(member=m),
            actor=m.user,
            reason="出差",
            sittings=[opening],
        )
        page = client.post(
            f"/meetings/sittings/{opening.pk}/delete/", {"version": opening.version}, follow=True
        )
        assert "已有人员就该会次请假，不能删除" in page.content.decode()
        assert Sitting.objects.filter(pk=opening.pk).exists()

        response = client.post(f"/meetings/sittings/{group.pk}/delete/", {"version": 2})
        assert response.status_code == 302
        assert not Sitting.objects.filter(pk=group.pk).exists()
        assert Event.objects.filter(verb="meeting.sitting_delete", object_id=str(meeting.pk))
        assert told(m.user, "取消会次：分组讨论（第一组）")

    with time_machine.travel(at(DAY, 10)):
        with pytest.raises(TransitionError, match="会次已开始"):
            services.sitting_update(
                sitting=opening,
                actor=w.office,
                expected_version=opening.version,
                data={"location": "别处"},
            )
        closing = meeting.sittings.get(title="闭幕会")
        with pytest.raises(ValidationError):
            services.sitting_update(
                sitting=closing,
                actor=w.office,
                expected_version=closing.version,
                data={"end": closing.start},
            )


def test_a_sitting_added_beyond_the_meeting_refuses_a_meeting_form_opened_before_it(client):
    """The meeting now ends with the added sitting: an edit form of the meeting opened before
    would put the old end back, leaving the sitting outside its meeting. Refused, saying
    which sitting (the version moved too, as a sitting's edit moves it)."""
    w = world()
    with time_machine.travel(BEFORE):
        meeting = w.plenary(day=DAY, sittings=3)
        opened = edit_form(meeting)
        services.sitting_add(
            meeting=meeting,
            actor=w.office,
            kind=Sitting.Kind.GROUP,
            title="补充分组讨论",
            start=at(DAY + dt.timedelta(days=2), 9),
            end=at(DAY + dt.timedelta(days=2), 12),
        )
        client.force_login(w.office)
        response = client.post(
            f"/meetings/{meeting.pk}/edit/",
            {**opened, "title": "政协示范区第十五届第五次会议（改）"},
        )
        assert response.status_code == 400
        assert "以下会次不在会议的新时间内" in response.content.decode()
        meeting.refresh_from_db()
        assert meeting.version > opened["version"]
        assert meeting.end == at(DAY + dt.timedelta(days=2), 12)
        assert not meeting.title.endswith("（改）")
