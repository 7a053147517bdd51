"""A member who took part in a consultation activity opens it from their duty file: they read
its minutes, speeches and sent outcomes, and their own attendance, not the staff's parts or
the other participants' details."""

import datetime as dt

import pytest

from xieshang.consultation import services
from xieshang.consultation.models import ActivityForm, Outcome, Participant

pytestmark = pytest.mark.django_db

A = Participant.Attendance


def held_activity(world):
    activity = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="经济界界别协商：营商环境",
        form=ActivityForm.SECTOR,
        date=dt.date(2026, 9, 28),
        place="区政协三楼会议室",
        sector=world.business_sector,
    )
    services.activity_add_participants(
        activity=activity, actor=world.office, members=world.members[:2]
    )
    people = {p.name: p for p in activity.participants.all()}
    for p in people.values():
        Participant.objects.filter(pk=p.pk).update(title=f"{p.name}的工作单位")
    services.activity_hold(
        activity=activity,
        actor=world.office,
        attendance={people["张丽华"].pk: A.ATTENDED, people["王建国"].pk: A.EXCUSED},
        minutes="与会委员讨论了营商环境",
    )
    services.speech_add(
        activity=activity, actor=world.office, speaker="张丽华", title="优化审批流程"
    )
    sent = services.outcome_create(
        activity=activity,
        actor=world.office,
        kind=Outcome.Kind.MINUTES,
        title="营商环境协商纪要",
        body="一、简化审批。",
    )
    services.outcome_submit(outcome=sent, actor=world.office)
    services.outcome_create(
        activity=activity,
        actor=world.office,
        kind=Outcome.Kind.BULLETIN,
        title="尚在起草的专报",
        body="草稿",
    )
    return activity


def test_a_participant_reads_the_activity_without_the_staffs_parts(client, world):
    activity = held_activity(world)
    client.force_login(world.members[0].user)  # 张丽华, attended
    response = client.get(f"/consultation/activities/{activity.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "与会委员讨论了营商环境" in html
    assert "优化审批流程" in html
    assert "营商环境协商纪要" in html and "一、简化审批。" in html
    assert 'id="my-attendance"' in html and "出席" in html
    assert "王建国" in html  # who took part
    # Not a draft outcome, not the others' details or attendance, not the staff's history.
    assert "尚在起草的专报" not in html
    assert "王建国的工作单位" not in html
    assert "请假" not in html
    assert 'id="participant-table"' not in html
    assert "登记出席情况" not in html and "起草协商成果" not in html


def test_an_invited_member_who_was_excused_may_read_it_too(client, world):
    activity = held_activity(world)
    client.force_login(world.members[1].user)  # 王建国, excused
    response = client.get(f"/consultation/activities/{activity.pk}/")
    assert response.status_code == 200
    assert "请假" in response.content.decode()


def test_a_member_who_was_not_invited_gets_no_page(client, world):
    activity = held_activity(world)
    client.force_login(world.members[3].user)  # 赵敏
    assert client.get(f"/consultation/activities/{activity.pk}/").status_code == 404


def test_a_participant_cannot_act_on_the_activity(client, world):
    activity = held_activity(world)
    client.force_login(world.members[0].user)
    response = client.post(
        f"/consultation/activities/{activity.pk}/speech/",
        {"speaker": "张丽华", "title": "自己加的发言"},
    )
    assert response.status_code in (403, 404)
    assert not activity.speeches.filter(title="自己加的发言").exists()


def test_the_staff_page_is_unchanged(client, world):
    activity = held_activity(world)
    client.force_login(world.office)
    html = client.get(f"/consultation/activities/{activity.pk}/").content.decode()
    assert 'id="participant-table"' in html
    assert "王建国的工作单位" in html
    assert "尚在起草的专报" in html
