"""An activity is recorded as held only once its day has come: attendance earns (or costs)
members duty points dated that day, and the minutes' deadline counts from it. The office
that clicks 登记出席情况 on an activity still to come is told why, keeps its choices, and
nothing is recorded; on the day itself it goes through."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from xieshang.consultation import services
from xieshang.consultation.models import Activity, ActivityForm, Participant
from xieshang.duty.models import DutyRecord
from xieshang.followups.models import Task

A = Participant.Attendance


def _activity(world, day):
    activity = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="教育界界别协商：课后服务",
        form=ActivityForm.SECTOR,
        date=day,
        place="政协三楼会议室",
        sector=world.education_sector,
    )
    services.activity_add_participants(
        activity=activity, actor=world.office, members=world.members[:2]
    )
    return activity


@pytest.mark.clause("C2.5")
def test_an_activity_still_to_come_cannot_be_recorded_as_held(world, client):
    with time_machine.travel(dt.datetime(2026, 12, 6, 10, 0), tick=False):
        activity = _activity(world, dt.date(2026, 12, 20))
        rows = list(activity.participants.all())
        client.force_login(world.office)
        data = {f"p{p.pk}": A.ATTENDED for p in rows}
        data["minutes"] = "会议讨论了课后服务"
        response = client.post(reverse("consultation:activity_hold", args=[activity.pk]), data)
        assert response.status_code == 400
        page = response.content.decode()
        assert "活动日期（2026年12月20日）还没到，不能登记出席情况" in page
        assert "会议讨论了课后服务" in page  # what was typed is kept
        activity.refresh_from_db()
        assert activity.status == Activity.Status.PLANNED
        assert not DutyRecord.objects.exists()
        assert not Task.objects.filter(title__startswith="报送协商纪要").exists()
        assert set(activity.participants.values_list("attendance", flat=True)) == {A.INVITED}

    # On the day itself the same post records it.
    with time_machine.travel(dt.datetime(2026, 12, 20, 8, 0), tick=False):
        client.force_login(world.office)  # the session of two weeks ago has expired
        response = client.post(reverse("consultation:activity_hold", args=[activity.pk]), data)
        assert response.status_code == 302
        assert response.url == reverse("consultation:activity", args=[activity.pk])
        activity.refresh_from_db()
        assert activity.status == Activity.Status.HELD
        assert DutyRecord.objects.filter(date=dt.date(2026, 12, 20)).count() == 2
