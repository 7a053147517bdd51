"""Speeches at consultation activities (协商活动发言) count in the speaker's duty file."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm, Participant
from xieshang.consultation.services.activities import speech_record_duty
from xieshang.duty import selectors
from xieshang.duty.models import DutyKind, DutyRecord

pytestmark = pytest.mark.django_db
A = Participant.Attendance


def _activity(world):
    activity = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="教育界界别协商：课后服务",
        form=ActivityForm.SECTOR,
        date=dt.date(2026, 9, 28),
        place="政协三楼会议室",
        sector=world.education_sector,
    )
    services.activity_add_participants(
        activity=activity,
        actor=world.office,
        sector=world.education_sector,  # 张丽华 王建国 李明
        leaders=[("周书记", "区委副书记")],
    )
    return activity


def _hold(world, activity):
    services.activity_hold(
        activity=activity,
        actor=world.office,
        attendance={p.pk: A.ATTENDED for p in activity.participants.all()},
    )
    activity.refresh_from_db()


def _speeches():
    return list(
        DutyRecord.objects.filter(kind=DutyKind.CONSULTATION_SPEECH).values_list(
            "member__name", "date", "title"
        )
    )


@pytest.mark.clause("C3.2")
@pytest.mark.clause("C5.7")
def test_a_members_speech_at_a_held_activity_counts_once_in_their_file(world, client):
    activity = _activity(world)
    _hold(world, activity)
    client.force_login(world.office)
    url = reverse("consultation:activity_speech", args=[activity.pk])
    response = client.post(url, {"speaker": "张丽华", "title": "课后服务要兼顾质量与负担"})
    assert response.status_code == 302
    client.post(url, {"speaker": "周书记", "title": "讲话"})  # a leader: no duty record
    assert _speeches() == [
        ("张丽华", dt.date(2026, 9, 28), "教育界界别协商：课后服务：课后服务要兼顾质量与负担")
    ]

    # Saving the same speech again (a retried request, the activity recorded again) adds
    # nothing: the ledger keys the record on the speech.
    speech = activity.speeches.get(speaker="张丽华")
    speech_record_duty(speech, activity, world.office)
    speech.save()
    speech_record_duty(speech, activity, world.office)
    assert len(_speeches()) == 1

    # Scored from the score table: 5 for attending, 5 for the speech; editable per year.
    member = speech.member
    score = selectors.scores(world.district, 2026, [member.pk])[member.pk]
    assert score.by_kind[DutyKind.CONSULTATION_SPEECH] == (Decimal(1), Decimal(5))
    assert score.total == Decimal(10)
    file_page = client.get(reverse("duty:member_file", args=[member.pk]) + "?year=2026")
    assert "协商活动发言" in file_page.content.decode()


@pytest.mark.clause("C3.2")
def test_a_speech_recorded_before_the_activity_is_held_counts_when_it_is_held(world):
    activity = _activity(world)
    services.speech_add(activity=activity, actor=world.office, speaker="王建国", title="建议")
    assert _speeches() == []  # not held yet: nothing happened that counts
    _hold(world, activity)
    assert [name for name, _d, _t in _speeches()] == ["王建国"]


@pytest.mark.clause("C3.2")
def test_a_speech_counts_whatever_copy_of_the_activity_the_caller_holds(world):
    activity = _activity(world)
    stale = type(activity).objects.get(pk=activity.pk)  # loaded before it was held
    _hold(world, activity)
    services.speech_add(activity=stale, actor=world.office, speaker="李明", title="建议")
    assert [name for name, _d, _t in _speeches()] == ["李明"]


@pytest.mark.clause("C3.2")
def test_an_english_clerk_stores_the_speech_record_and_history_in_chinese(world):
    from django.utils import translation

    from xieshang.core.audit import history

    with translation.override("en"):
        activity = _activity(world)
        _hold(world, activity)
        services.speech_add(activity=activity, actor=world.office, speaker="王建国", title="建议")
    assert [t for _n, _d, t in _speeches()] == ["教育界界别协商：课后服务：建议"]
    added = history(activity).get(verb="activity.participants")
    assert added.note == "新增参加人员4人"
    with translation.override("en"):
        assert added.shown_note == "Participants added: 4"
