"""A planned consultation activity's arrangements can be corrected (postponed, moved,
renamed): the office or committee staff who run activities change them on their own page;
a colleague's save in between is not overwritten silently; a held activity is no longer
changed (its date is in the members' duty files); the invited are told of a new date."""

import datetime as dt

import pytest
from django.urls import reverse

from xieshang.consultation import services
from xieshang.consultation.models import Activity, ActivityForm
from xieshang.core.models import Event, Notification

pytestmark = pytest.mark.django_db


def _activity(world, *, held=False):
    activity = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="社区养老服务协商座谈",
        form=ActivityForm.SYMPOSIUM,
        date=dt.date(2026, 9, 28),
        place="区政协三楼会议室",
    )
    services.activity_add_participants(
        activity=activity, actor=world.office, members=world.members[:2]
    )
    if held:
        services.activity_hold(activity=activity, actor=world.office, attendance={})
    activity.refresh_from_db()
    return activity


def _data(activity, **changes):
    data = {
        "title": activity.title,
        "form": activity.form,
        "date": activity.date.isoformat(),
        "place": activity.place,
        "agenda": activity.agenda,
        "version": activity.version,
    }
    data.update(changes)
    return data


@pytest.mark.clause("C2.5")
def test_the_staff_postpone_a_planned_activity_and_the_invited_are_told(world, client):
    activity = _activity(world)
    client.force_login(world.committee_staff)
    page = client.get(reverse("consultation:activity", args=[activity.pk])).content.decode()
    assert reverse("consultation:activity_edit", args=[activity.pk]) in page
    response = client.post(
        reverse("consultation:activity_edit", args=[activity.pk]),
        _data(activity, date="2026-10-15", place="区政协一楼报告厅"),
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.date, activity.place) == (dt.date(2026, 10, 15), "区政协一楼报告厅")
    event = Event.objects.filter(verb="activity.edit", object_id=activity.pk).latest("id")
    assert "date" in event.data and "place" in event.data
    told = Notification.objects.filter(title__contains="协商活动安排有变")
    assert {n.recipient_id for n in told} == {m.user_id for m in world.members[:2]}


def test_a_colleagues_save_in_between_is_not_overwritten_and_the_typing_is_kept(world, client):
    activity = _activity(world)
    opened = activity.version
    services.activity_edit(
        activity=activity, actor=world.office, expected_version=opened, place="区行政中心"
    )
    client.force_login(world.committee_staff)
    response = client.post(
        reverse("consultation:activity_edit", args=[activity.pk]),
        _data(activity, date="2026-10-15", version=opened),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "2026-10-15" in page  # what was typed stays on the form
    activity.refresh_from_db()
    assert (activity.date, activity.place) == (dt.date(2026, 9, 28), "区行政中心")


def test_a_held_activity_is_not_rearranged(world, client):
    activity = _activity(world, held=True)
    client.force_login(world.office)
    page = client.get(reverse("consultation:activity", args=[activity.pk])).content.decode()
    assert reverse("consultation:activity_edit", args=[activity.pk]) not in page
    response = client.post(
        reverse("consultation:activity_edit", args=[activity.pk]),
        _data(activity, date="2026-10-15"),
    )
    assert response.status_code == 400
    assert "活动安排不能再修改" in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).date == dt.date(2026, 9, 28)


def test_a_member_and_another_district_cannot_rearrange_it(world, client):
    activity = _activity(world)
    client.force_login(world.members[0].user)
    url = reverse("consultation:activity_edit", args=[activity.pk])
    assert client.post(url, _data(activity, place="别处")).status_code in (403, 404)
    client.force_login(world.other_office)
    assert client.post(url, _data(activity, place="别处")).status_code in (403, 404)
    assert client.get(url).status_code in (403, 404)
    assert Activity.objects.get(pk=activity.pk).place == "区政协三楼会议室"
