"""The follow-up engine: due dates in Chinese working days, reminders, escalation,
extensions and feedback. Dates are real 2026 ones: the Spring Festival holiday runs from
15 to 23 February, and Saturday 14 February is a swapped working day (调休)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import DepartmentFactory, make_org, user_with_role
from xieshang.core.audit import history
from xieshang.core.models import Event, Notification
from xieshang.followups import services
from xieshang.followups.models import Extension, Task
from xieshang.orgs.models import Level, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    city = make_org("示范市政协", Level.CITY)
    district = make_org("示范区政协", Level.DISTRICT, parent=city)
    dept = DepartmentFactory(organisation=district, name="区住房和城乡建设局")
    other = DepartmentFactory(organisation=district, name="区教育局")
    return {
        "district": district,
        "dept": dept,
        "clerk": user_with_role(Role.DEPARTMENT, district, department=dept, full_name="住建经办"),
        "leader": user_with_role(
            Role.DEPARTMENT_LEADER, district, department=dept, full_name="住建局长"
        ),
        "other_clerk": user_with_role(Role.DEPARTMENT, district, department=other),
        "office": user_with_role(Role.OFFICE, district, full_name="政协办"),
        "city_supervisor": user_with_role(Role.SUPERVISOR, city, full_name="市督查办"),
    }


def open_task(world, **kwargs) -> Task:
    kwargs.setdefault("working_days", 10)
    kwargs.setdefault("start_date", dt.date(2026, 2, 5))
    return services.task_open(
        organisation=world["district"],
        title="关于加快老旧小区改造的提案",
        department=world["dept"],
        kind=Task.Kind.PROPOSAL,
        actor=world["office"],
        **kwargs,
    )


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


@pytest.mark.clause("C4.6")
def test_the_due_date_counts_working_days_across_the_spring_festival(world):
    task = open_task(world)
    # Thu 5 Feb + 10 working days: 6, 9–13, Sat 14 (调休), then 24, 25, 26 after the holiday.
    assert task.due_date == dt.date(2026, 2, 26)
    event = history(task).get()
    assert event.verb == "followup.open"
    assert event.actor == world["office"]


@pytest.mark.clause("C4.7")
def test_the_department_is_told_when_a_task_opens(world):
    task = open_task(world)
    assert any("新的督办事项" in t for t in titles(world["clerk"]))
    assert titles(world["other_clerk"]) == []
    assert task.status == Task.Status.OPEN


@pytest.mark.clause("C4.6")
def test_it_reminds_before_the_due_date_once_counting_the_swapped_saturday(world):
    task = open_task(world)
    # Three working days before 26 Feb is Saturday 14 Feb (a working day); not the 13th.
    assert services.scan_deadlines(today=dt.date(2026, 2, 13)) == {"reminded": 0, "escalated": 0}
    assert services.scan_deadlines(today=dt.date(2026, 2, 14)) == {"reminded": 1, "escalated": 0}
    assert services.scan_deadlines(today=dt.date(2026, 2, 14)) == {"reminded": 0, "escalated": 0}
    assert services.scan_deadlines(today=dt.date(2026, 2, 24)) == {"reminded": 0, "escalated": 0}
    reminders = [t for t in titles(world["clerk"]) if "即将到期" in t]
    assert reminders == ["督办事项即将到期：" + task.title]


@pytest.mark.clause("C4.7")
def test_it_escalates_an_overdue_task_once_to_the_leader_and_the_supervisors(world):
    task = open_task(world)
    with time_machine.travel(dt.datetime(2026, 2, 26, 23, 0, tzinfo=dt.UTC), tick=False):
        # 27 Feb 07:00 in Beijing: the day after the due date.
        assert services.scan_deadlines() == {"reminded": 0, "escalated": 1}
        assert services.scan_deadlines() == {"reminded": 0, "escalated": 0}
    for user in (world["leader"], world["city_supervisor"], world["clerk"]):
        overdue = [t for t in titles(user) if "已逾期" in t]
        assert overdue == ["督办事项已逾期：" + task.title], user
    assert titles(world["office"]) == []
    assert Event.objects.filter(verb="followup.overdue", object_id=str(task.pk)).count() == 1


@pytest.mark.clause("C4.7")
def test_the_named_leader_without_a_role_is_told_of_an_overdue_task_but_signs_off_nothing(world):
    """A department's named leader (the account its record names, whom the office gave no
    role) hears of an overdue task like the role's holders; signing off an answer takes
    the role."""
    from tests.factories import UserFactory
    from xieshang.proposals.services import sign_off_users

    named = UserFactory(full_name="分管副区长")
    world["dept"].leader_user = named
    world["dept"].save(update_fields=["leader_user"])
    task = open_task(world)
    services.scan_deadlines(today=dt.date(2026, 2, 27))
    assert [t for t in titles(named) if "已逾期" in t] == ["督办事项已逾期：" + task.title]
    assert set(services.escalation_recipients(task)) >= {named, world["leader"]}
    assert list(sign_off_users(world["dept"])) == [world["leader"]]


# Before the deadline (26 Feb): a requested date must lie after today.
@time_machine.travel(dt.datetime(2026, 2, 10, 2, 0, tzinfo=dt.UTC))
def test_an_approved_extension_moves_the_deadline_and_allows_a_new_reminder(world):
    task = open_task(world)
    services.scan_deadlines(today=dt.date(2026, 2, 24))
    ext = services.extension_request(
        task=task,
        requested_due=dt.date(2026, 3, 20),
        reason="需会同财政部门测算资金",
        actor=world["clerk"],
    )
    services.extension_decide(extension=ext, approve=True, actor=world["office"], note="同意")
    task.refresh_from_db()
    assert task.due_date == dt.date(2026, 3, 20)
    assert services.scan_deadlines(today=dt.date(2026, 2, 27))["escalated"] == 0
    assert services.scan_deadlines(today=dt.date(2026, 3, 18))["reminded"] == 1
    assert any("延期申请已同意" in t for t in titles(world["clerk"]))


# Before the deadline (26 Feb): a requested date must lie after today.
@time_machine.travel(dt.datetime(2026, 2, 10, 2, 0, tzinfo=dt.UTC))
def test_only_the_office_decides_an_extension(world):
    task = open_task(world)
    ext = services.extension_request(
        task=task, requested_due=dt.date(2026, 3, 20), reason="理由", actor=world["clerk"]
    )
    with pytest.raises(PermissionDenied):
        services.extension_decide(extension=ext, approve=True, actor=world["leader"])
    ext.refresh_from_db()
    assert ext.status == Extension.Status.PENDING


# Before the deadline (26 Feb): a requested date must lie after today.
@time_machine.travel(dt.datetime(2026, 2, 10, 2, 0, tzinfo=dt.UTC))
def test_an_extension_must_move_the_date_later(world):
    task = open_task(world)
    with pytest.raises(ValidationError) as excinfo:
        services.extension_request(
            task=task, requested_due=dt.date(2026, 2, 20), reason="理由", actor=world["clerk"]
        )
    assert "须晚于现办理期限" in excinfo.value.messages[0]


def test_feedback_by_another_department_is_refused_and_leaves_no_trace(world):
    task = open_task(world)
    before = Event.objects.count()
    with pytest.raises(PermissionDenied):
        services.feedback_submit(task=task, text="已办理", actor=world["other_clerk"])
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN
    assert Event.objects.count() == before
    assert not task.feedback.exists()


@time_machine.travel(dt.datetime(2026, 2, 25, 3, 0, tzinfo=dt.UTC))
def test_feedback_on_time_then_the_office_closes_the_task(world):
    task = open_task(world)
    services.feedback_submit(task=task, text="已列入2026年改造计划", actor=world["clerk"])
    task.refresh_from_db()
    assert task.status == Task.Status.SUBMITTED
    assert task.was_on_time is True
    told = Notification.objects.filter(recipient=world["office"], title__startswith="已书面反馈")
    assert told.get().read_at is None  # the office is to accept it, or send it back
    services.task_close(task=task, actor=world["office"])
    task.refresh_from_db()
    assert task.status == Task.Status.CLOSED
    assert told.get().read_at is not None  # decided: it no longer waits unread
    verbs = list(history(task).values_list("verb", flat=True))
    assert verbs == ["followup.close", "followup.feedback", "followup.open"]


def test_a_task_cancelled_after_its_feedback_leaves_nothing_to_decide_unread(world):
    task = open_task(world)
    services.feedback_submit(task=task, text="已办理", actor=world["clerk"])
    services.task_cancel(task=task, actor=world["office"], note="并入另一督办事项")
    told = Notification.objects.get(recipient=world["office"], title__startswith="已书面反馈")
    assert told.read_at is not None


def test_a_closed_task_cannot_receive_feedback(world):
    task = open_task(world)
    services.feedback_submit(task=task, text="已办理", actor=world["clerk"])
    services.task_close(task=task, actor=world["office"])
    from xieshang.core.audit import TransitionError

    with pytest.raises(TransitionError) as excinfo:
        services.feedback_submit(task=task, text="补充", actor=world["clerk"])
    assert "已办结" in str(excinfo.value)


def test_the_office_can_return_feedback_with_a_new_deadline(world):
    task = open_task(world)
    services.feedback_submit(task=task, text="已办理", actor=world["clerk"])
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=False):
        services.task_reopen(
            task=task, actor=world["office"], note="未说明资金来源", working_days=5
        )
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN
    assert task.due_date == dt.date(2026, 3, 9)
    assert any("被退回" in t for t in titles(world["clerk"]))
    told = Notification.objects.get(recipient=world["office"], title__startswith="已书面反馈")
    assert told.read_at is not None  # decided (sent back): no longer waits unread


def test_the_scan_command_and_the_scheduler_job_run_the_same_scan(world):
    from django.core.management import call_command

    from xieshang.core import scheduler

    open_task(world)
    scheduler.autodiscover()
    assert "followups.scan_deadlines" in scheduler.registry()
    import io

    out = io.StringIO()
    call_command("scan_deadlines", "--today=2026-02-27", stdout=out)
    assert out.getvalue().strip() == "reminded 0, escalated 1"


@pytest.mark.clause("C4.7")
def test_a_deadline_on_a_rest_day_passed_before_the_next_working_day_reads_as_past_not_zero(world):
    """The office set Saturday 7 March as the deadline; on Sunday it is past, with no
    working day since: the notices say the deadline has passed, never 已逾期0个工作日."""
    task = open_task(world, due_date=dt.date(2026, 3, 7), start_date=dt.date(2026, 3, 2))
    with time_machine.travel(dt.datetime(2026, 3, 8, 1, 0, tzinfo=dt.UTC), tick=False):
        assert services.scan_deadlines()["escalated"] == 1
        services.task_urge(task=task, actor=world["office"])
    bodies = list(
        Notification.objects.filter(recipient=world["clerk"]).values_list("body", flat=True)
    )
    assert any("已过期限" in b for b in bodies), bodies
    assert not any("0个工作日" in b for b in bodies), bodies
