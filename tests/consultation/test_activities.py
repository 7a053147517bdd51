import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xieshang.consultation import services
from xieshang.consultation.models import Activity, ActivityForm, Participant
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.followups.models import Task
from xieshang.orgs.models import Party

A = Participant.Attendance


def sector_activity(world, **kwargs):
    kwargs.setdefault("date", dt.date(2026, 9, 28))
    return services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="教育界界别协商：课后服务",
        form=ActivityForm.SECTOR,
        place="政协三楼会议室",
        sector=world.education_sector,
        **kwargs,
    )


@pytest.mark.clause("C2.5")
@pytest.mark.clause("C2.8")
def test_it_invites_by_committee_sector_and_name_and_records_who_attended(world):
    activity = sector_activity(world)
    added = services.activity_add_participants(
        activity=activity,
        actor=world.office,
        sector=world.education_sector,  # 张丽华 王建国 李明
        members=[world.members[3]],  # 赵敏 by name
        department_heads=[(world.housing, "孙局长")],
        leaders=[("周书记", "区委副书记"), ("吴区长", "副区长")],
    )
    assert added == 7
    # Inviting the same committee again adds nobody twice.
    again = services.activity_add_participants(
        activity=activity, actor=world.office, committee=world.economy
    )
    assert again == 1  # 陈静 is the only economy-committee member not yet invited
    people = {p.name: p for p in activity.participants.all()}
    attendance = {p.pk: A.ATTENDED for p in people.values()}
    attendance[people["李明"].pk] = A.EXCUSED
    attendance[people["陈静"].pk] = A.ABSENT
    attendance[people["吴区长"].pk] = A.ABSENT
    services.activity_hold(
        activity=activity, actor=world.office, attendance=attendance, minutes="会议讨论了课后服务"
    )
    activity.refresh_from_db()
    assert activity.status == Activity.Status.HELD
    leaders = {
        p.name: p.get_attendance_display()
        for p in activity.participants.filter(kind=Participant.Kind.LEADER)
    }
    assert leaders == {"周书记": "出席", "吴区长": "缺席"}

    # Attendance feeds the duty ledger; excused absence is not counted either way.
    records = {(r.member.name, r.kind) for r in DutyRecord.objects.select_related("member").all()}
    assert records == {
        ("张丽华", DutyKind.MEETING),
        ("王建国", DutyKind.MEETING),
        ("赵敏", DutyKind.MEETING),
        ("陈静", DutyKind.ABSENCE_UNEXCUSED),
    }


@pytest.mark.clause("C4.12")
def test_it_holds_sector_consultations_outside_the_plan_for_a_named_sector(world):
    with pytest.raises(ValidationError):
        services.activity_create(
            organisation=world.district,
            actor=world.office,
            title="他区界别",
            form=ActivityForm.SECTOR,
            date=dt.date(2026, 9, 28),
            place="x",
            sector=type(world.education_sector).objects.create(
                organisation=world.other, name="教育界"
            ),
        )
    activity = sector_activity(world)
    assert activity.plan_item is None
    assert activity.sector == world.education_sector
    # Committee staff run their sector activities too.
    services.activity_add_participants(
        activity=activity, actor=world.committee_staff, sector=world.education_sector
    )
    assert activity.participants.count() == 3


@pytest.mark.clause("C4.3")
def test_it_records_several_organisers_of_an_activity(world):
    minmeng = Party.objects.get(name="中国民主同盟")
    federation = Party.objects.filter(kind=Party.Kind.FEDERATION).first()
    activity = sector_activity(world, co_organisers=[minmeng, federation])
    assert set(activity.co_organisers.all()) == {minmeng, federation}


@pytest.mark.clause("C2.8")
def test_it_only_schedules_plan_activities_for_a_published_plan(world):
    plan = world.passing_plan()
    item = plan.items.get(title="老旧小区改造提升专题协商")
    with pytest.raises(ValidationError, match="印发后"):
        services.activity_create(
            organisation=world.district,
            actor=world.office,
            title="专题协商会",
            form=item.form,
            date=dt.date(2027, 3, 18),
            place="区政协",
            plan_item=item,
        )
    world.publish(plan)
    activity = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title="专题协商会",
        form=item.form,
        date=dt.date(2027, 3, 18),
        place="区政协",
        plan_item=item,
    )
    assert activity.plan_item == item
    services.speech_add(activity=activity, actor=world.office, speaker="张丽华", title="加装电梯")
    assert activity.speeches.get().speaker == "张丽华"


@pytest.mark.clause("C2.7")
def test_it_asks_for_the_minutes_within_seven_working_days_of_the_activity(world):
    activity = sector_activity(world)  # Monday 28 September 2026, before National Day
    services.activity_add_participants(activity=activity, actor=world.office, members=world.members)
    services.activity_hold(activity=activity, actor=world.office, attendance={})
    task = Task.objects.get(object_id=str(activity.pk), title__startswith="报送协商纪要")
    # 29, 30 Sep; 8, 9, 10 (a swapped working Saturday), 12, 13 Oct.
    assert task.due_date == dt.date(2026, 10, 13)
    outcome = services.outcome_create(
        activity=activity,
        actor=world.office,
        kind="minutes",
        title="课后服务界别协商纪要",
        body="纪要正文",
        departments=[world.education],
    )
    services.outcome_submit(outcome=outcome, actor=world.office)
    task.refresh_from_db()
    assert task.status == Task.Status.CLOSED
