import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from xieshang.consultation import services
from xieshang.consultation.models import Outcome
from xieshang.consultation.selectors import outcome_tasks
from xieshang.core.audit import TransitionError
from xieshang.core.models import Event, Notification
from xieshang.followups import services as followups
from xieshang.orgs import config

from .conftest import held_activity

OS = Outcome.Status


@pytest.mark.clause("C2.7")
def test_it_takes_plan_outcomes_through_the_decision_procedure(world):
    outcome = world.plan_outcome(until="submitted")
    assert outcome.status == OS.SUBMITTED
    assert outcome_tasks([outcome.pk]) == {}
    assert Notification.objects.filter(
        recipient=world.party_office, title__contains="老旧小区改造提升的建议案"
    ).exists()

    with pytest.raises(PermissionDenied):
        services.outcome_enter_decision(outcome=outcome, actor=world.office)
    services.outcome_enter_decision(outcome=outcome, actor=world.party_office, note="提交常委会")
    # In the decision procedure: the party office's 请纳入决策程序 no longer waits unread.
    asked = Notification.objects.get(recipient=world.party_office, title__contains="协商成果报送")
    assert asked.read_at is not None
    with pytest.raises(ValidationError):
        services.outcome_decide(outcome=outcome, actor=world.standing, decision=" ")
    services.outcome_decide(
        outcome=outcome,
        actor=world.standing,
        decision="区委常委会决定将建议案纳入2027年民生实事项目。",
        decided_on=dt.date(2026, 11, 25),
    )
    outcome.refresh_from_db()
    assert outcome.status == OS.DECIDED
    assert outcome.decision.startswith("区委常委会决定")
    verbs = list(
        Event.objects.filter(object_id=str(outcome.pk), verb__startswith="outcome.")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["outcome.create", "outcome.submit", "outcome.in_decision", "outcome.decide"]


@pytest.mark.clause("C2.7")
def test_it_escalates_feedback_on_an_outcome_that_goes_overdue(world, client):
    with time_machine.travel(dt.datetime(2026, 9, 29, 10, 0, tzinfo=dt.UTC), tick=False):
        # A rule applies from the day it is set (orgs.config): set it on the simulated day.
        config.set_value(
            world.district, "consultation.feedback_working_days", 5, actor=world.office
        )
        activity = held_activity(world)
        outcome = services.outcome_create(
            activity=activity,
            actor=world.office,
            kind=Outcome.Kind.BULLETIN,
            title="关于优化营商环境的协商专报",
            body="……",
            departments=[world.housing],
            to_party_office=False,
            to_government_office=True,
        )
        services.outcome_submit(outcome=outcome, actor=world.office)
    outcome.refresh_from_db()
    assert outcome.status == OS.AWAITING_FEEDBACK
    tasks = {
        t.department.name if t.department else t.assignee_role: t
        for t in outcome_tasks([outcome.pk])[outcome.pk]
    }
    assert set(tasks) == {"区住房和城乡建设局", "government_office"}
    # Five working days after Tuesday 29 September, across the National Day holiday:
    # 30 Sep, 8, 9, 10 (swapped working Saturday), 12 Oct.
    assert {t.due_date for t in tasks.values()} == {dt.date(2026, 10, 12)}

    # The government office answers in time; the housing bureau does not.
    with time_machine.travel(dt.datetime(2026, 10, 9, 10, 0, tzinfo=dt.UTC), tick=False):
        followups.feedback_submit(
            task=tasks["government_office"],
            text="已采纳，纳入明年工作要点。",
            actor=world.gov_office,
        )

    def units_row():
        client.force_login(world.office)  # on the simulated day: a session of its own
        response = client.get(f"/consultation/outcomes/{outcome.pk}/")
        html = response.content.decode()
        assert response.status_code == 200, html[:300]
        feedback = html.split(">书面反馈</h2>", 1)[1]
        rows = feedback.split("区住房和城乡建设局", 1)[1].split("</tr>")[0]
        return rows, html

    with time_machine.travel(dt.datetime(2026, 10, 12, 10, 0, tzinfo=dt.UTC), tick=False):
        assert followups.scan_deadlines()["escalated"] == 0
        row, html = units_row()
        assert "今日到期" in row
    with time_machine.travel(dt.datetime(2026, 10, 13, 10, 0, tzinfo=dt.UTC), tick=False):
        assert followups.scan_deadlines()["escalated"] == 1
        row, html = units_row()
        assert "已逾期1个工作日" in row and html.count("已逾期") == 1  # not the answered one
        assert followups.scan_deadlines()["escalated"] == 0  # idempotent
        from xieshang.consultation.selectors import overdue_outcome_tasks

        assert [t.department for t in overdue_outcome_tasks(world.office)] == [world.housing]
    overdue = Event.objects.get(verb="followup.overdue")
    assert overdue.object_id == str(tasks["区住房和城乡建设局"].pk)
    assert Notification.objects.filter(
        recipient=world.supervisor, title__contains="已逾期"
    ).exists()

    # The outcome cannot close while feedback is missing.
    with pytest.raises(ValidationError, match="未办结"):
        services.outcome_close(outcome=outcome, actor=world.office)
    followups.feedback_submit(
        task=tasks["区住房和城乡建设局"], text="正在落实。", actor=world.housing_clerk
    )
    for task in tasks.values():
        followups.task_close(task=task, actor=world.office)
    services.outcome_close(outcome=outcome, actor=world.office)
    outcome.refresh_from_db()
    assert outcome.status == OS.CLOSED


@pytest.mark.clause("C2.7")
def test_it_refuses_to_send_an_unplanned_outcome_to_nobody(world):
    activity = held_activity(world)
    outcome = services.outcome_create(
        activity=activity,
        actor=world.office,
        kind=Outcome.Kind.RECOMMENDATION,
        title="无人反馈",
        body="……",
        to_party_office=False,
        to_government_office=False,
    )
    with pytest.raises(ValidationError, match="反馈单位"):
        services.outcome_submit(outcome=outcome, actor=world.office)
    with pytest.raises(PermissionDenied):
        services.outcome_submit(outcome=outcome, actor=world.other_office)


@pytest.mark.clause("C2.7")
def test_a_unit_asked_for_feedback_opens_the_outcome_it_answers_and_no_other(world, client):
    from django.urls import reverse

    from tests.factories import user_with_role
    from xieshang.orgs.models import Role

    activity = held_activity(world)
    asked = services.outcome_create(
        activity=activity,
        actor=world.office,
        kind=Outcome.Kind.BULLETIN,
        title="关于优化营商环境的协商专报",
        body="建议压缩审批时限。",
        departments=[world.housing],
        to_party_office=False,
        to_government_office=False,
    )
    services.outcome_submit(outcome=asked, actor=world.office)
    not_asked = services.outcome_create(
        activity=activity,
        actor=world.office,
        kind=Outcome.Kind.BULLETIN,
        title="关于学校周边交通的协商专报",
        body="……",
        departments=[world.education],
        to_party_office=False,
        to_government_office=False,
    )
    services.outcome_submit(outcome=not_asked, actor=world.office)
    [task] = [t for t in outcome_tasks([asked.pk])[asked.pk] if t.department == world.housing]

    client.force_login(world.housing_clerk)
    task_page = client.get(reverse("followups:detail", args=[task.pk])).content.decode()
    assert f"/consultation/outcomes/{asked.pk}/" in task_page  # the task points there
    page = client.get(reverse("consultation:outcome", args=[asked.pk]))
    assert page.status_code == 200 and "建议压缩审批时限。" in page.content.decode()
    # The activity is named, not linked: its page is the committee's.
    activity_url = reverse("consultation:activity", args=[activity.pk])
    assert activity.title in page.content.decode()
    assert f'href="{activity_url}"' not in page.content.decode()
    assert client.get(reverse("consultation:outcome", args=[not_asked.pk])).status_code == 404
    # A colleague of another unit reads neither.
    other_clerk = user_with_role(Role.DEPARTMENT, world.district, department=world.education)
    client.force_login(other_clerk)
    assert client.get(reverse("consultation:outcome", args=[asked.pk])).status_code == 404


@pytest.mark.clause("C2.7")
def test_a_draft_outcome_is_revised_before_it_is_sent_and_not_after(world, client):
    from django.urls import reverse

    activity = held_activity(world)
    outcome = services.outcome_create(
        activity=activity,
        actor=world.office,
        kind=Outcome.Kind.BULLETIN,
        title="关于营商环境的协商专报（初稿）",
        body="初稿。",
        departments=[world.housing],
        to_party_office=False,
        to_government_office=False,
    )
    url = reverse("consultation:outcome_edit", args=[outcome.pk])
    client.force_login(world.office)
    detail = client.get(reverse("consultation:outcome", args=[outcome.pk])).content.decode()
    assert url in detail
    data = {
        "kind": Outcome.Kind.BULLETIN,
        "title": "关于优化营商环境的协商专报",
        "body": "建议压缩审批时限。",
        "departments": [world.education.pk],
        "to_government_office": "on",
        "version": outcome.version,
    }
    assert client.post(url, data).status_code == 302
    outcome.refresh_from_db()
    assert outcome.title == "关于优化营商环境的协商专报" and outcome.to_government_office
    assert list(outcome.departments.all()) == [world.education]
    event = Event.objects.get(verb="outcome.update")
    assert event.data["changes"]["title"] == ["关于营商环境的协商专报（初稿）", outcome.title]
    # A colleague's page, read before that save, does not overwrite it.
    stale = client.post(url, {**data, "title": "旧页面上的标题"})
    assert stale.status_code == 400 and "旧页面上的标题" in stale.content.decode()
    outcome.refresh_from_db()
    assert outcome.title == "关于优化营商环境的协商专报"
    # Once sent, it is the record of what was sent.
    services.outcome_submit(outcome=outcome, actor=world.office)
    assert (
        url not in client.get(reverse("consultation:outcome", args=[outcome.pk])).content.decode()
    )
    with pytest.raises(TransitionError):
        services.outcome_update(
            outcome=outcome,
            actor=world.office,
            version=outcome.version + 1,
            kind=outcome.kind,
            title="改",
            body="改",
        )


def test_a_city_offices_lists_name_the_district_of_each_row(world, client):
    from django.urls import reverse

    from tests.factories import user_with_role
    from xieshang.orgs.models import Role

    world.topic()
    activity = held_activity(world)
    outcome = services.outcome_create(
        activity=activity,
        actor=world.office,
        kind=Outcome.Kind.BULLETIN,
        title="经济界界别协商专报",
        body="一、……",
    )
    services.outcome_submit(outcome=outcome, actor=world.office)
    note = '<div class="small text-secondary">示范区政协</div>'
    pages = ["consultation:topics", "consultation:activities", "consultation:outcomes"]
    for user, named in ((world.office, False), (user_with_role(Role.OFFICE, world.city), True)):
        client.force_login(user)
        for name in pages:
            # The activity's year: the activities list shows the current one unless asked.
            page = client.get(reverse(name), {"year": 2026}).content.decode()
            assert (note in page) is named, (name, user)
        dashboard = client.get(reverse("consultation:dashboard") + "?year=2026").content.decode()
        awaiting = re.search(r'id="awaiting-outcomes".*?</ul>', dashboard, re.S).group(0)
        assert "经济界界别协商专报" in awaiting and (note in awaiting) is named
