"""An extension request (延期申请) still waiting when its task stops running — the department
sent its written answer, the task was cancelled, the proposal was sent back — is withdrawn
(已撤回): nobody can approve it any more and move the deadline of an answered task, and it
leaves the deciders' 待审批延期 queue and home card.

The proposal is assigned on 27 July 2026 (deadline 27 October, extension cap 27 January
2027); "today" is 4 December 2026."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError

from tests.followups.test_extensions import ASSIGNED, TODAY, card_count, decide, lead, request
from tests.proposals.conftest import World
from tests.proposals.test_department_pages import ANSWER_POST
from xieshang.core.models import Event
from xieshang.followups import services as followups
from xieshang.followups.models import Extension, Task
from xieshang.proposals import services

pytestmark = pytest.mark.django_db

__all__ = ["lead"]  # the fixture, shared with test_extensions


@pytest.fixture
def world():
    return World()


def withdrawals() -> list[str]:
    return list(
        Event.objects.filter(verb="followup.extension_withdraw").values_list("note", flat=True)
    )


@pytest.mark.clause("C4.6")
@time_machine.travel(TODAY, tick=False)
def test_an_answer_withdraws_the_waiting_request_which_an_old_page_can_no_longer_approve(
    client, world, lead
):
    ext = request(world, lead, dt.date(2026, 12, 20))
    task = lead.task
    client.force_login(world.reviewer)
    old_page = client.get(f"/followups/{task.pk}/").content.decode()
    assert 'value="approve"' in old_page  # the committee has the request open, buttons and all
    assert card_count(client.get("/").content.decode(), "延期申请审批") == 1

    # Meanwhile the department answers the proposal (its answer goes at once: no leader).
    client.force_login(world.housing_clerk)
    sent = client.post(f"/proposals/dept/{lead.pk}/answer/", {**ANSWER_POST, "version": 0})
    assert sent.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.SUBMITTED
    ext.refresh_from_db()
    assert ext.status == Extension.Status.WITHDRAWN
    assert withdrawals() == ["已书面反馈，延期申请自动撤回"]
    page = client.get(f"/proposals/dept/{lead.pk}/").content.decode()
    assert "<strong>已撤回</strong>（已书面反馈，延期申请自动撤回）" in page

    # The committee's approval from the page opened before: refused, the deadline stays.
    client.force_login(world.reviewer)
    response = decide(client, task, ext, "approve", "同意延期")
    html = response.content.decode()
    assert response.status_code == 400
    assert "该延期申请已撤回（已书面反馈，延期申请自动撤回），无需审批。" in html
    task.refresh_from_db()
    assert task.due_date == dt.date(2026, 10, 27)
    assert not Event.objects.filter(verb="followup.extension_approve").exists()

    # Nothing is left to decide: no home card, an empty tab; the task page says why.
    assert "延期申请审批" not in client.get("/").content.decode()
    queue = client.get("/followups/?state=extension").content.decode()
    assert f'href="/followups/{task.pk}/"' not in queue
    page = client.get(f"/followups/{task.pk}/").content.decode()
    assert "已撤回" in page and "（说明：已书面反馈，延期申请自动撤回）" in page
    assert 'value="approve"' not in page
    assert "延期申请自动撤回" in page  # the task's history


@time_machine.travel(TODAY, tick=False)
def test_a_cancelled_task_withdraws_its_waiting_request(world, lead):
    ext = request(world, lead, dt.date(2026, 12, 20))
    followups.task_cancel(task=lead.task, actor=world.office, note="重复交办")
    ext.refresh_from_db()
    assert ext.status == Extension.Status.WITHDRAWN
    assert ext.decision_note == "事项已撤销，延期申请自动撤回"
    assert withdrawals() == ["事项已撤销，延期申请自动撤回"]
    with pytest.raises(ValidationError):
        followups.extension_decide(extension=ext, approve=True, actor=world.reviewer)
    lead.task.refresh_from_db()
    assert lead.task.due_date == dt.date(2026, 10, 27)


def test_a_proposal_sent_back_by_its_department_withdraws_the_waiting_request(world, lead):
    with time_machine.travel(ASSIGNED + dt.timedelta(days=1), tick=False):
        ext = request(world, lead, dt.date(2026, 11, 20))
        services.assignment_return(
            assignment=lead, actor=world.housing_clerk, reason="不属于本单位职责"
        )
    ext.refresh_from_db()
    assert ext.status == Extension.Status.WITHDRAWN
    assert withdrawals() == ["承办单位已申请退回，延期申请自动撤回"]
    assert not Extension.objects.filter(status=Extension.Status.PENDING).exists()


@time_machine.travel(TODAY, tick=False)
def test_a_request_still_pending_on_a_task_no_longer_open_is_not_decided(client, world, lead):
    """The second line of defence: a request left pending on an answered task (before the
    withdrawal existed, or by a module that ended the task by hand) moves no deadline."""
    ext = request(world, lead, dt.date(2026, 12, 20))
    Task.objects.filter(pk=lead.task_id).update(status=Task.Status.SUBMITTED)
    with pytest.raises(ValidationError) as refused:
        followups.extension_decide(extension=ext, approve=True, actor=world.reviewer)
    assert refused.value.messages == [
        "该事项已不在办理中（当前状态：已反馈），延期申请不能再审批。"
    ]
    client.force_login(world.reviewer)
    response = decide(client, lead.task, ext, "refuse", "不同意")
    assert response.status_code == 400
    assert "该事项已不在办理中（当前状态：已反馈），延期申请不能再审批。" in (
        response.content.decode()
    )
    ext.refresh_from_db()
    lead.task.refresh_from_db()
    assert ext.status == Extension.Status.PENDING
    assert lead.task.due_date == dt.date(2026, 10, 27)

    # The migration withdraws such leftovers, each with its audit row.
    migration = importlib.import_module("xieshang.followups.migrations.0005_extension_withdrawn")
    migration.withdraw_stale_requests(apps, None)
    ext.refresh_from_db()
    assert ext.status == Extension.Status.WITHDRAWN
    assert withdrawals() == ["事项已不在办理中，延期申请自动撤回"]
    assert "延期申请审批" not in client.get("/").content.decode()


@time_machine.travel(TODAY, tick=False)
def test_the_answer_settles_the_notices_that_pressed_for_it_and_keeps_the_news_of_it(
    client, world, lead
):
    """Once the department has answered, its 已超期 notices and the committee's 延期申请待审批
    no longer wait as unread at the top of their inboxes; the notice of the answer does."""
    from xieshang.core.models import Notification
    from xieshang.followups.services.deadlines import scan_deadlines

    task = lead.task
    scan_deadlines(today=TODAY.date())
    request(world, lead, dt.date(2026, 12, 20))
    pressing = Notification.objects.filter(
        dedupe_key__startswith=f"followup:{task.pk}:", read_at__isnull=True
    )
    overdue = set(pressing.filter(dedupe_key__contains=":overdue:"))
    asked = set(pressing.filter(dedupe_key__endswith=":requested"))
    assert overdue and asked
    assert {n.recipient for n in asked} >= {world.reviewer}

    client.force_login(world.housing_clerk)
    assert client.post(f"/proposals/dept/{lead.pk}/answer/", {**ANSWER_POST, "version": 0})
    for note in overdue | asked:
        note.refresh_from_db()
        assert note.read_at is not None, note.title
    news = Notification.objects.filter(recipient=world.reviewer, read_at__isnull=True)
    assert news.filter(title__startswith="提案已全部答复").exists()
