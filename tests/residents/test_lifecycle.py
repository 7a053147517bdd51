"""Residents' issues (C2.11): tickets and codes, every transition audited and refused in the
wrong state or for the wrong user, the department's answer through the follow-up engine,
texts to the resident, the phone's deletion and the overdue escalation on a frozen clock."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.residents.conftest import accepted, raise_issue, routed
from xieshang.consultation.models import Topic
from xieshang.core.audit import TransitionError, history
from xieshang.core.models import Event, Notification
from xieshang.core.sms import MemorySmsBackend
from xieshang.followups import services as followups
from xieshang.opinions.models import Opinion
from xieshang.orgs import config
from xieshang.platforms.models import PlatformSession
from xieshang.portal.screening import Verdict
from xieshang.residents import messaging, privacy, services
from xieshang.residents.models import ResidentIssue, ResidentSms

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.11")]
S = ResidentIssue.Status


def last_event(issue) -> Event:
    return history(issue).first()


def test_each_issue_gets_a_distinct_ticket_and_a_code_that_only_finds_it(world):
    first, code1 = raise_issue(world)
    second, code2 = raise_issue(world, title="楼道堆放杂物")
    year = timezone.localdate().year
    assert first.ticket == f"MQ{year}-000001" and second.ticket == f"MQ{year}-000002"
    assert len(code1) == 6 and code1 not in first.check_code_hash
    assert services.find_by_ticket(first.ticket, code1) == first
    assert services.find_by_ticket(first.ticket.lower(), code1.lower()) == first
    assert services.find_by_ticket(first.ticket, code2) is None  # the other ticket's code
    assert services.find_by_ticket("MQ1999-000001", code1) is None
    created = last_event(first)
    assert (created.verb, created.to_state, created.actor_id) == (
        "resident_issue.create",
        "submitted",
        None,
    )


def test_screening_marks_are_kept_and_many_are_rejected_with_one_reason(world):
    spam = Verdict(held=True, spam=True, reasons=("含违禁词（博彩）：百家乐",), score=10)
    bad = [raise_issue(world, title="百家乐首存送", verdict=spam)[0] for _ in range(3)]
    good, _code = raise_issue(world)
    assert bad[0].screen_spam and bad[0].screen_reasons == ["含违禁词（博彩）：百家乐"]
    done = services.issues_reject_bulk(
        issues=[*bad, good], actor=world["other_office"], reason="广告或垃圾信息"
    )
    assert done == 0  # another district's office may not
    done = services.issues_reject_bulk(issues=bad, actor=world["liaison"], reason="广告或垃圾信息")
    assert done == 3
    for issue in bad:
        issue.refresh_from_db()
        event = last_event(issue)
        assert issue.status == S.REJECTED and issue.closed_at is not None
        assert (event.from_state, event.to_state, event.note) == (
            "submitted",
            "rejected",
            "广告或垃圾信息",
        )
    good.refresh_from_db()
    assert good.status == S.SUBMITTED
    assert MemorySmsBackend.outbox == []  # rejections are never texted


def test_accept_is_audited_and_refused_twice_and_for_others(world):
    issue, _code = raise_issue(world)
    for outsider in (world["other_office"], world["liaison2"], world["clerk"], world["member"]):
        with pytest.raises(PermissionDenied):
            services.issue_accept(issue=issue, actor=outsider)
    services.issue_accept(issue=issue, actor=world["convener"], note="属实")
    event = last_event(issue)
    assert (event.verb, event.actor, event.from_state, event.to_state, event.note) == (
        "resident_issue.accept",
        world["convener"],
        "submitted",
        "accepted",
        "属实",
    )
    with pytest.raises(TransitionError):
        services.issue_accept(issue=issue, actor=world["liaison"])
    with pytest.raises(TransitionError):
        services.issue_reject(issue=issue, actor=world["liaison"], reason="x")


def test_route_opens_one_follow_up_task_and_the_feedback_is_the_answer(
    world, django_capture_on_commit_callbacks
):
    issue, code = raise_issue(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_accept(issue=issue, actor=world["liaison"])
    with pytest.raises(ValidationError):  # another district's department
        services.issue_route(issue=issue, actor=world["liaison"], department=world["other_dept"])
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_route(
            issue=issue, actor=world["office"], department=world["dept"], note="请尽快维修"
        )
    issue.refresh_from_db()
    task = issue.task
    assert issue.status == S.ROUTED and task.department == world["dept"]
    assert task.subject == issue and task.organisation == world["community"]
    assert task.due_date > timezone.localdate()
    assert last_event(issue).data["department"] == "区住房和城乡建设局"
    with pytest.raises(TransitionError):
        services.issue_close(issue=issue, actor=world["liaison"], reply="已解决")
    with django_capture_on_commit_callbacks(execute=True):
        followups.feedback_submit(
            task=task, text="已更换路灯，联系人：王工 13812345678。", actor=world["clerk"]
        )
    issue.refresh_from_db()
    assert issue.status == S.ANSWERED and issue.answer.startswith("已更换路灯")
    answered = last_event(issue)
    assert (answered.verb, answered.actor, answered.from_state) == (
        "resident_issue.answer",
        world["clerk"],
        "routed",
    )
    assert services.find_by_ticket(issue.ticket, code).answer == issue.answer
    # The resident was texted at each change, once each, never with the check code.
    texts = [t for _p, t in MemorySmsBackend.outbox]
    assert [p for p, _t in MemorySmsBackend.outbox] == ["13900001111"] * 3
    assert "已受理" in texts[0] and "区住房和城乡建设局" in texts[1] and "已有答复" in texts[2]
    assert all(code not in t for t in texts)


def test_a_status_text_is_sent_once_even_when_delivery_runs_twice(
    world, django_capture_on_commit_callbacks
):
    issue, _code = raise_issue(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_accept(issue=issue, actor=world["liaison"])
    sms = ResidentSms.objects.get(issue=issue)
    assert messaging.deliver_sms(sms.pk) == ResidentSms.State.SENT  # already sent: no-op
    messaging.retry_sms(now=timezone.now() + dt.timedelta(hours=1))
    assert len(MemorySmsBackend.outbox) == 1
    assert MemorySmsBackend.references == [f"xs-mq{sms.pk}-sms"]
    # Queuing the same status again creates nothing.
    messaging.queue_sms(issue)
    assert ResidentSms.objects.filter(issue=issue).count() == 1


def test_no_text_without_a_number(world, django_capture_on_commit_callbacks):
    issue, _code = raise_issue(world, phone="")
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_accept(issue=issue, actor=world["liaison"])
    assert MemorySmsBackend.outbox == [] and not ResidentSms.objects.exists()


def test_schedule_then_settle_at_a_held_session(world, client):
    # Received a week ago: the session held three days ago may have settled it.
    with time_machine.travel(timezone.now() - dt.timedelta(days=7)):
        issue, _code = accepted(world)
    with pytest.raises(ValidationError):  # a held session is not "on the agenda"
        services.issue_schedule(issue=issue, actor=world["convener"], session=world["held"])
    services.issue_schedule(issue=issue, actor=world["convener"], session=world["session"])
    issue.refresh_from_db()
    assert (issue.status, issue.session, issue.platform) == (
        S.AGENDA,
        world["session"],
        world["platform"],
    )
    # Whoever runs the session finds what is on its agenda on its page.
    client.force_login(world["convener"])
    page = client.get(f"/platforms/sessions/{world['session'].pk}/").content.decode()
    agenda = page.split('id="session-agenda"', 1)[1].split("</ul>", 1)[0]
    assert issue.ticket in agenda and f"/residents/{issue.pk}/" in agenda
    with pytest.raises(ValidationError):  # not held yet
        services.issue_settle(
            issue=issue, actor=world["convener"], session=world["session"], result="x"
        )
    services.issue_settle(
        issue=issue, actor=world["convener"], session=world["held"], result="物业本月内修复。"
    )
    issue.refresh_from_db()
    assert issue.status == S.SETTLED and issue.answer == "物业本月内修复。"
    assert last_event(issue).from_state == "agenda"
    # An issue received today was not settled at a session held three days ago.
    fresh, _c = accepted(world)
    with pytest.raises(ValidationError, match="受理之前召开"):
        services.issue_settle(
            issue=fresh, actor=world["convener"], session=world["held"], result="物业已修复。"
        )
    other_street_issue, _c = accepted(world, organisation=world["street2"])
    with pytest.raises(PermissionDenied):  # the convener's platform is in another street
        services.issue_settle(
            issue=other_street_issue, actor=world["convener"], session=world["held"], result="x"
        )
    with pytest.raises(ValidationError):
        services.issue_settle(
            issue=other_street_issue, actor=world["office"], session=world["held"], result="x"
        )


def test_turn_into_a_consultation_topic_and_into_social_conditions_information(world):
    issue, _code = accepted(world, resident_name="李阿姨")
    services.issue_to_topic(issue=issue, actor=world["liaison"])
    issue.refresh_from_db()
    topic = issue.topic
    assert issue.status == S.TOPIC
    assert (topic.source, topic.organisation, topic.street, topic.proposer_name) == (
        Topic.Source.GRASSROOTS,
        world["district"],
        world["street"],
        "李阿姨",
    )
    second, _code = accepted(world)
    services.issue_to_opinion(issue=second, actor=world["liaison"])
    second.refresh_from_db()
    opinion = second.opinion
    assert second.status == S.OPINION and opinion.status == Opinion.Status.SUBMITTED
    assert opinion.organisation == world["district"] and "13900001111" not in opinion.facts
    with pytest.raises(TransitionError):
        services.issue_to_topic(issue=second, actor=world["liaison"])
    assert Topic.objects.count() == 1


def test_close_with_a_reply_and_rate_once(world):
    issue, _code = raise_issue(world)
    with pytest.raises(ValidationError):
        services.issue_rate(issue=issue, rating="satisfied")  # nothing answered yet
    with pytest.raises(ValidationError):
        services.issue_close(issue=issue, actor=world["liaison"], reply=" ")
    services.issue_close(issue=issue, actor=world["liaison"], reply="该路灯属供电公司，已联系。")
    issue.refresh_from_db()
    assert issue.status == S.CLOSED and issue.closed_at is not None
    services.issue_rate(issue=issue, rating="basic", comment="还行")
    issue.refresh_from_db()
    assert (issue.rating, issue.rating_comment) == ("basic", "还行")
    assert last_event(issue).verb == "resident_issue.rate"
    with pytest.raises(ValidationError):
        services.issue_rate(issue=issue, rating="satisfied")


def test_the_phone_is_deleted_n_days_after_closing(world):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        # A rule applies from the day it is set (orgs.config): set it on the simulated day.
        config.set_value(world["district"], "residents.phone_keep_days", 30, actor=world["office"])
        issue, _code = raise_issue(world)
        services.issue_close(issue=issue, actor=world["liaison"], reply="已处理。")
        still_open, _code = raise_issue(world, title="另一件事")
    with time_machine.travel(dt.datetime(2026, 3, 31, 10, 0, tzinfo=dt.UTC), tick=False):
        assert privacy.purge_phones() == 0  # 29 days
    with time_machine.travel(dt.datetime(2026, 4, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        assert privacy.purge_phones() == 1
        assert privacy.purge_phones() == 0  # idempotent
    issue.refresh_from_db()
    still_open.refresh_from_db()
    assert issue.phone == "" and issue.phone_deleted_at is not None
    assert still_open.phone == "13900001111"
    assert last_event(issue).verb == "resident_issue.phone_delete"
    # The office reads when the number went, not an empty field.
    client = Client()
    client.force_login(world["office"])
    page = client.get(reverse("residents:detail", args=[issue.pk])).text
    assert "联系电话已于2026年4月2日按规定删除" in page


def test_the_departments_overdue_escalation_on_a_frozen_clock(world):
    """A routed issue is a follow-up task: the engine's scan reminds the department before
    the due date and escalates after it, once, to the department's leader and the
    supervising office; the street dashboard and the queue show it overdue."""
    from xieshang.residents import selectors

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        issue, _code = routed(world)
        task = issue.task
        # 15 working days from Monday 2 March 2026.
        assert task.due_date == dt.date(2026, 3, 23)
    with time_machine.travel(dt.datetime(2026, 3, 24, 9, 0, tzinfo=dt.UTC), tick=False):
        assert followups.scan_deadlines()["escalated"] == 1
        assert followups.scan_deadlines()["escalated"] == 0  # once only
        task.refresh_from_db()
        assert task.escalated_for == task.due_date
        overdue = Event.objects.get(verb="followup.overdue", object_id=str(task.pk))
        assert overdue.content_type.model == "task"
        for who in ("leader", "supervisor", "clerk"):
            assert Notification.objects.filter(
                recipient=world[who], title__startswith="督办事项已逾期"
            ).exists(), who
        assert list(selectors.overdue(ResidentIssue.objects.all())) == [issue]
        data = selectors.street_dashboard(world["liaison"])
        assert data["counts"]["overdue"] == 1 and data["overdue_issues"] == [issue]
        # The late answer still answers the resident, and counts as not on time.
        followups.feedback_submit(task=task, text="已维修。", actor=world["clerk"])
    issue.refresh_from_db()
    assert issue.status == S.ANSWERED
    total, _rows = selectors.statistics(world["district"])
    assert (total.routed, total.answered, total.on_time) == (1, 1, 0)
    assert total.on_time_rate == "0%"  # late counts against the unit


def test_staff_entry_is_accepted_at_once_and_on_the_agenda_with_a_session(world):
    issue, code = services.issue_record(
        actor=world["convener"],
        organisation=world["community"],
        title="广场舞噪音扰民",
        description="晚上九点后仍有音响。",
        channel=ResidentIssue.Channel.SESSION,
        session=world["session"],
    )
    assert issue.status == S.AGENDA and issue.platform == world["platform"]
    assert services.find_by_ticket(issue.ticket, code) == issue
    with pytest.raises(PermissionDenied):
        services.issue_record(
            actor=world["liaison2"],
            organisation=world["community"],
            title="x",
            description="y",
        )
    with pytest.raises(ValidationError):  # a district is no street or community
        services.issue_record(
            actor=world["office"], organisation=world["district"], title="x", description="y"
        )


def test_statistics_per_street_roll_up_to_the_district_and_the_city(world):
    a, _c = routed(world)  # community of 城关街道
    followups.feedback_submit(task=a.task, text="已处理", actor=world["clerk"])
    services.issue_rate(issue=a, rating="satisfied")
    b, _c = accepted(world, organisation=world["street"])
    today = PlatformSession.objects.create(
        platform=world["platform"],
        title="当天议事会",
        starts_at=timezone.now(),
        status=PlatformSession.Status.HELD,
    )
    services.issue_settle(issue=b, actor=world["liaison"], session=today, result="已议定")
    services.issue_rate(issue=b, rating="dissatisfied")
    c, _c = raise_issue(world, organisation=world["street2"])
    spam, _c = raise_issue(world, organisation=world["street2"])
    services.issue_reject(issue=spam, actor=world["liaison2"], reason="广告")
    raise_issue(world, organisation=world["other_street"])

    total, rows = services_stats(world["district"])
    by_name = {r.label: r for r in rows}
    assert (total.raised, total.settled, total.routed, total.on_time, total.rated) == (
        3,
        1,
        1,
        1,
        2,
    )
    assert total.satisfaction == "50%"
    assert total.on_time_rate == "100%"
    assert (by_name["城关街道"].raised, by_name["城关街道"].settled) == (2, 1)
    assert (by_name["新华街道"].raised, by_name["新华街道"].routed) == (1, 0)
    street_total, community_rows = services_stats(world["street"])
    assert street_total.raised == 2
    assert [(r.label, r.raised) for r in community_rows] == [("东门社区", 1), ("本级", 1)]
    city_total, district_rows = services_stats(world["city"])
    assert city_total.raised == 4
    assert {r.label: r.raised for r in district_rows} == {"示范区政协": 3, "邻区政协": 1}
    # An issue routed today and not yet due counts neither way in the on-time rate.
    routed(world)
    total, _rows = services_stats(world["district"])
    assert (total.routed, total.matured, total.on_time, total.on_time_rate) == (2, 1, 1, "100%")
    assert c.status == S.SUBMITTED


def services_stats(root):
    from xieshang.residents import selectors

    return selectors.statistics(root)
