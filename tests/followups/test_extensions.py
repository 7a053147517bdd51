"""Deadline extensions (延期申请) as QA walked them: a department asks through its proposal
page, the proposal committee decides on the task page (/followups/<id>/).

The proposal is assigned on 27 July 2026, so its deadline is 27 October (three months) and
the extension cap 27 January 2027 (six months); "today" is 4 December 2026, the task
overdue."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.proposals.conftest import World, accepted
from xieshang.core.models import Event, Notification
from xieshang.followups import services as followups
from xieshang.followups.models import Extension, Task
from xieshang.proposals import services
from xieshang.proposals.models import Assignment

pytestmark = pytest.mark.django_db

ASSIGNED = dt.datetime(2026, 7, 27, 2, 0, tzinfo=dt.UTC)
REQUESTED = dt.datetime(2026, 11, 10, 2, 0, tzinfo=dt.UTC)  # overdue already
TODAY = dt.datetime(2026, 12, 4, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def world():
    return World()


@pytest.fixture
def lead(world) -> Assignment:
    with time_machine.travel(ASSIGNED, tick=False):
        proposal = accepted(world)
        (lead,) = services.proposal_assign(
            proposal=proposal, actor=world.reviewer, lead=world.housing
        )
    lead.refresh_from_db()
    assert lead.task.due_date == dt.date(2026, 10, 27)
    return lead


def request(world, lead, due: dt.date, reason="需会同财政部门测算资金") -> Extension:
    return services.assignment_extension_request(
        assignment=lead, actor=world.housing_clerk, requested_due=due, reason=reason
    )


def decide(client, task: Task, ext: Extension, decision: str, note: str = "", follow=False):
    return client.post(
        f"/followups/{task.pk}/extension/{ext.pk}/decide/",
        {"decision": decision, "note": note},
        follow=follow,
    )


# --- 1. A date already gone by ----------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_an_overdue_department_cannot_ask_for_a_date_that_has_already_passed(client, world, lead):
    """QA: 申请延至 2026-11-15 on 4 December was accepted from the department's page (whose
    form does not check it) and could be approved, leaving the task overdue."""
    client.force_login(world.housing_clerk)
    response = client.post(
        f"/proposals/dept/{lead.pk}/extension/",
        {"requested_due": "2026-11-15", "reason": "需会同财政部门测算资金"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "申请延至的日期须晚于今天。" in body
    assert "需会同财政部门测算资金" in body  # what was typed is kept
    assert not Extension.objects.exists()
    # The service says so to every caller (the API, other apps), on the date's field.
    with pytest.raises(ValidationError) as refused:
        followups.extension_request(
            task=lead.task,
            requested_due=dt.date(2026, 12, 4),
            reason="理由",
            actor=world.housing_clerk,
        )
    assert refused.value.message_dict == {"requested_due": ["申请延至的日期须晚于今天。"]}
    # A date ahead of today (and within the cap) is taken.
    assert request(world, lead, dt.date(2026, 12, 20)).status == Extension.Status.PENDING


def test_a_request_whose_date_has_since_passed_cannot_be_approved(client, world, lead):
    with time_machine.travel(REQUESTED, tick=False):
        ext = request(world, lead, dt.date(2026, 11, 15))  # valid on 10 November
    client.force_login(world.reviewer)
    with time_machine.travel(TODAY, tick=False):
        response = decide(client, lead.task, ext, "approve", "同意")
    body = response.content.decode()
    assert response.status_code == 400
    assert "申请延至的日期（2026年11月15日）已过，不能同意" in body
    assert "同意" in body
    ext.refresh_from_db()
    lead.task.refresh_from_db()
    assert ext.status == Extension.Status.PENDING
    assert lead.task.due_date == dt.date(2026, 10, 27)
    assert not Event.objects.filter(verb="followup.extension_approve").exists()


# --- 2. A refusal gives its reason; a decision says it was made --------------------------------


@time_machine.travel(TODAY, tick=False)
def test_a_refusal_needs_a_reason_which_the_department_reads(client, world, lead):
    ext = request(world, lead, dt.date(2026, 12, 20))
    task = lead.task
    client.force_login(world.reviewer)
    response = decide(client, task, ext, "refuse", "   ")
    assert response.status_code == 400
    assert "不同意延期请填写理由，承办单位将看到该理由。" in response.content.decode()
    assert Extension.objects.get(pk=ext.pk).status == Extension.Status.PENDING
    assert not Event.objects.filter(verb="followup.extension_refuse").exists()

    response = decide(client, task, ext, "refuse", "该事项已列入年度计划，请按原期限办结", True)
    assert response.status_code == 200
    assert "已不同意延期，理由已告知承办单位。" in response.content.decode()
    ext.refresh_from_db()
    assert ext.status == Extension.Status.REFUSED
    assert ext.decision_note == "该事项已列入年度计划，请按原期限办结"
    event = Event.objects.get(verb="followup.extension_refuse")
    assert event.note == "该事项已列入年度计划，请按原期限办结"

    # The department reads the reason: in its inbox, on the task page, on its proposal page.
    told = Notification.objects.get(
        recipient=world.housing_clerk, title__startswith="延期申请未同意"
    )
    assert "该事项已列入年度计划，请按原期限办结" in told.body
    client.force_login(world.housing_clerk)
    html = client.get(f"/followups/{task.pk}/").content.decode()
    assert "（理由：该事项已列入年度计划，请按原期限办结）" in html
    assert "该事项已列入年度计划" in client.get(f"/proposals/dept/{lead.pk}/").content.decode()


@time_machine.travel(TODAY, tick=False)
def test_a_note_too_long_is_refused_with_the_decision_not_dropped(client, world, lead):
    """QA: a 201-character note posted directly was dropped and the approval went through."""
    ext = request(world, lead, dt.date(2026, 12, 20))
    client.force_login(world.reviewer)
    response = decide(client, lead.task, ext, "approve", "甲" * 201)
    assert response.status_code == 400
    assert "200" in response.content.decode()  # 确保该值最多包含 200 个字符
    assert Extension.objects.get(pk=ext.pk).status == Extension.Status.PENDING
    lead.task.refresh_from_db()
    assert lead.task.due_date == dt.date(2026, 10, 27)
    with pytest.raises(ValidationError):
        followups.extension_decide(
            extension=ext, approve=True, actor=world.reviewer, note="甲" * 201
        )


@time_machine.travel(TODAY, tick=False)
def test_approving_says_so_and_moves_the_deadline(client, world, lead):
    ext = request(world, lead, dt.date(2026, 12, 20))
    client.force_login(world.reviewer)
    response = decide(client, lead.task, ext, "approve", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "已同意延期，办理期限改为2026年12月20日。" in html
    lead.task.refresh_from_db()
    assert lead.task.due_date == dt.date(2026, 12, 20)
    told = Notification.objects.get(
        recipient=world.housing_clerk, title__startswith="延期申请已同意"
    )
    assert "办理期限延至2026年12月20日" in told.body
    # The task's history names the new deadline, not only 同意延期.
    event = Event.objects.get(verb="followup.extension_approve")
    assert event.note.startswith("办理期限：") and event.note.endswith("→ 2026年12月20日")


# --- 3. The deciders hear of a request and find it ---------------------------------------------


def card_count(html: str, title: str) -> int | None:
    match = re.search(rf"{title}\s*<span class=\"badge[^\"]*\">(\d+)</span>", html)
    return int(match.group(1)) if match else None


@time_machine.travel(TODAY, tick=False)
def test_the_deciders_are_told_and_find_the_request_in_the_queue_and_on_the_home_page(
    client, world, lead
):
    request(world, lead, dt.date(2026, 12, 20))
    title = f"延期申请待审批：{lead.task.title}"
    # Whoever may decide it (the proposal committee, the office) hears of it; not the
    # department that asked, nor another district's committee.
    for decider in (world.reviewer, world.reviewer2, world.office):
        note = Notification.objects.get(recipient=decider, title=title)
        assert "申请将办理期限由2026年10月27日延至2026年12月20日" in note.body
        assert note.url == f"/followups/{lead.task.pk}/"
    for other in (world.housing_clerk, world.other_reviewer, world.chair):
        assert not Notification.objects.filter(recipient=other, title=title).exists()

    client.force_login(world.reviewer)
    assert title in client.get("/inbox/").content.decode()
    queue = client.get("/followups/?state=extension").content.decode()
    assert "待审批延期" in queue
    assert f'href="/followups/{lead.task.pk}/"' in queue
    assert "申请延至2026年12月20日" in queue
    home = client.get("/").content.decode()
    assert card_count(home, "延期申请审批") == 1
    assert "/followups/?state=extension" in home

    # Another district's committee has nothing to decide: no card, an empty tab.
    client.force_login(world.other_reviewer)
    assert "延期申请审批" not in client.get("/").content.decode()
    queue = client.get("/followups/?state=extension").content.decode()
    assert f'href="/followups/{lead.task.pk}/"' not in queue

    # Decided: the count and the tab empty again.
    client.force_login(world.reviewer)
    ext = Extension.objects.get()
    decide(client, lead.task, ext, "approve")
    assert "延期申请审批" not in client.get("/").content.decode()
    queue = client.get("/followups/?state=extension").content.decode()
    assert f'href="/followups/{lead.task.pk}/"' not in queue
