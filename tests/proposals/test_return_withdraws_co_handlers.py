"""The lead department sends a proposal back as not its job (申请退回) and no answering
department is left: the proposal goes back to the proposal committee, and the co-handlers'
part ends with it. Their follow-up tasks are cancelled through the engine (no reminder, no
overdue escalation, out of their queue, a waiting extension request withdrawn), each step in
the task's history, and they are told they need not give their view. A withdrawn co-handler
cannot send a view by a direct POST; the committee's re-assignment opens new tasks as usual.

Assigned Monday 2 March 2026 (the co-handler's view due 2 April); sent back 4 March."""

import datetime as dt

import pytest
import time_machine

from tests.factories import DepartmentFactory, user_with_role
from tests.proposals.test_department_pages import ASSIGN_DAY, assigned, changes, co_of, lead_of
from xieshang.core.audit import TransitionError
from xieshang.core.models import Event, Notification
from xieshang.followups import selectors as followup_selectors
from xieshang.followups import services as followups
from xieshang.followups.models import Extension, Feedback, Task
from xieshang.orgs.models import Role
from xieshang.proposals import services
from xieshang.proposals.models import Assignment, Proposal

RETURN_DAY = ASSIGN_DAY + dt.timedelta(days=2)  # Wednesday 4 March
REASON = "加装电梯补贴属财政部门职责，不属我局"
WITHDRAWN_VIEW = "主办单位已退回该提案，本单位的协办事项已撤销，无需再提出协办意见。"


def sent_back(world, *, co_extension=False):
    """Assigned to 住建局 (lead) with 教育局 co-handling; 住建局 sends it back. With
    `co_extension`, 教育局 has asked for more time first."""
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
    co = co_of(proposal)
    extension = None
    if co_extension:
        with time_machine.travel(ASSIGN_DAY + dt.timedelta(days=1), tick=False):
            extension = services.assignment_extension_request(
                assignment=co,
                actor=world.education_clerk,
                requested_due=dt.date(2026, 5, 15),
                reason="需调研学区情况",
            )
    with time_machine.travel(RETURN_DAY, tick=False):
        services.assignment_return(
            assignment=lead_of(proposal), actor=world.housing_clerk, reason=REASON
        )
    proposal.refresh_from_db()
    co.refresh_from_db()
    return proposal, co, extension


def inbox(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("title", flat=True)
    )


def cancel_events(task) -> list[Event]:
    return list(Event.objects.filter(verb="followup.cancel", object_id=str(task.pk)).order_by("id"))


@pytest.mark.clause("C4.6")
def test_the_co_handlers_task_stops_running_when_the_lead_sends_the_proposal_back(world):
    proposal, co, extension = sent_back(world, co_extension=True)
    assert proposal.status == Proposal.Status.ACCEPTED  # back to the committee to reassign
    assert co.status == Assignment.Status.WITHDRAWN
    task = co.task
    task.refresh_from_db()
    assert task.status == Task.Status.CANCELLED

    # Cancelled through the engine's transition: the task's history says who, from, to, why.
    (event,) = cancel_events(task)
    assert event.actor == world.housing_clerk
    assert (event.from_state, event.to_state) == (Task.Status.OPEN, Task.Status.CANCELLED)
    assert event.note == "主办单位已退回，协办事项撤销"

    # Its waiting extension request left the deciders' queue.
    extension.refresh_from_db()
    assert extension.status == Extension.Status.WITHDRAWN
    assert extension.decision_note == "主办单位已退回，延期申请自动撤回"
    assert not followup_selectors.extension_requests(world.reviewer).exists()

    # Out of the co-handler's open queue, and no reminder or overdue escalation any more.
    assert not followup_selectors.task_queue(world.education_clerk, state="open").exists()
    Notification.objects.all().delete()
    result = followups.scan_deadlines(today=dt.date(2026, 4, 20))  # 教育局's view was due 2 April
    assert result == {"reminded": 0, "escalated": 0}
    assert not Event.objects.filter(verb="followup.overdue", object_id=str(task.pk)).exists()
    assert inbox(world.education_clerk) == []


def test_the_co_handler_is_told_it_need_not_give_its_view(client, world):
    proposal, co, _ = sent_back(world)
    notes = Notification.objects.filter(
        recipient=world.education_clerk, title__startswith="提案已退回待重新交办"
    )
    (note,) = notes
    assert note.title == f"提案已退回待重新交办，无需提出协办意见：{proposal.title}"
    assert "区住房和城乡建设局已申请退回该提案" in note.body
    assert "无需再提出协办意见" in note.body
    assert note.url == f"/proposals/dept/{co.pk}/"

    # The page the notice links to says so, and offers no view form any more.
    client.force_login(world.education_clerk)
    page = client.get(note.url).content.decode()
    assert 'id="co-withdrawn"' in page
    assert "本单位的协办事项已随之撤销" in page
    assert "提交协办意见" not in page
    # Nothing left in its queue of proposals in handling.
    queue = client.get("/proposals/dept/").content.decode()
    assert proposal.title not in queue


def test_the_lead_departments_own_task_is_cancelled_with_an_audit_event(client, world):
    proposal, _co, _ = sent_back(world)
    task = lead_of(proposal).task
    task.refresh_from_db()
    assert task.status == Task.Status.CANCELLED
    (event,) = cancel_events(task)
    assert event.actor == world.housing_clerk
    assert (event.from_state, event.to_state) == (Task.Status.OPEN, Task.Status.CANCELLED)
    assert event.note == f"承办单位申请退回：{REASON}"
    # The task's page shows it in its history.
    client.force_login(world.housing_clerk)
    page = client.get(f"/followups/{task.pk}/").content.decode()
    assert f"承办单位申请退回：{REASON}" in page


@pytest.mark.clause("C4.6")
def test_the_committee_reassigns_it_and_the_co_handler_works_on_a_new_task(client, world):
    proposal, old_co, _ = sent_back(world)
    finance = DepartmentFactory(organisation=world.district, name="区财政局")
    finance_clerk = user_with_role(
        Role.DEPARTMENT, world.district, department=finance, full_name="财政经办"
    )
    with time_machine.travel(RETURN_DAY + dt.timedelta(days=1), tick=False):
        lead, co = services.proposal_assign(
            proposal=proposal, actor=world.reviewer, lead=finance, co=[world.education]
        )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ASSIGNED
    assert co.status == Assignment.Status.HANDLING and co.pk != old_co.pk
    assert co.task.status == Task.Status.OPEN and co.task_id != old_co.task_id
    old_co.task.refresh_from_db()
    assert old_co.task.status == Task.Status.CANCELLED  # the old one stays ended
    assert any(t.startswith("新的督办事项") for t in inbox(world.education_clerk))
    assert any(t.startswith("新的督办事项") for t in inbox(finance_clerk))

    # The co-handler's view goes on the new assignment; the withdrawn one stays refused.
    client.force_login(world.education_clerk)
    refused = client.post(f"/proposals/dept/{old_co.pk}/co-view/", {"text": "旧交办上的意见"})
    assert refused.status_code == 400
    sent = client.post(f"/proposals/dept/{co.pk}/co-view/", {"text": "建议统筹学区改造资金"})
    assert sent.status_code == 302
    co.refresh_from_db()
    assert co.status == Assignment.Status.ANSWERED
    assert list(Feedback.objects.values_list("text", flat=True)) == ["建议统筹学区改造资金"]
    assert any(t.startswith("收到协办意见") for t in inbox(finance_clerk))


# --- A co-handler's view only while its co-handling is in handling -------------------------


def test_a_withdrawn_co_handler_posting_a_view_is_refused_and_keeps_its_text(client, world):
    proposal, co, _ = sent_back(world)
    client.force_login(world.education_clerk)
    before = changes()
    response = client.post(f"/proposals/dept/{co.pk}/co-view/", {"text": "建议结合学区改造"})
    html = response.content.decode()
    assert response.status_code == 400
    assert WITHDRAWN_VIEW in html
    assert "建议结合学区改造</textarea>" in html  # what the clerk typed is still there
    co.refresh_from_db()
    assert co.status == Assignment.Status.WITHDRAWN
    assert not Feedback.objects.exists()
    assert changes() == before
    assert not any(t.startswith("收到协办意见") for t in inbox(world.housing_clerk))


def test_a_co_handler_withdrawn_with_its_task_left_open_cannot_send_a_view(world):
    """An assignment withdrawn before the tasks were cancelled with it (older data): the
    task still runs, and still no view is taken on it."""
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
    co = co_of(proposal)
    Assignment.objects.filter(pk=co.pk).update(status=Assignment.Status.WITHDRAWN)
    co.refresh_from_db()
    with pytest.raises(TransitionError) as refused:
        services.co_view_submit(assignment=co, actor=world.education_clerk, text="意见")
    assert str(refused.value) == WITHDRAWN_VIEW
    co.refresh_from_db()
    assert co.status == Assignment.Status.WITHDRAWN
    assert co.task.status == Task.Status.OPEN
    assert not Feedback.objects.exists()


def test_a_second_view_is_refused_with_a_plain_message(world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
    co = co_of(proposal)
    services.co_view_submit(assignment=co, actor=world.education_clerk, text="第一次意见")
    with pytest.raises(TransitionError) as refused:
        services.co_view_submit(assignment=co, actor=world.education_clerk, text="第二次意见")
    assert str(refused.value) == "本单位已提出协办意见，不能重复提交。"
    assert list(Feedback.objects.values_list("text", flat=True)) == ["第一次意见"]


def test_a_withdrawn_co_handler_is_listed_as_cancelled_not_handed_on(client, world):
    # Assignment.Status.WITHDRAWN reads 已改交 for a split part handed on; the co-handler's
    # part was not handed to anyone, it ended with the proposal's return.
    proposal, co, _ = sent_back(world)
    assert co.get_status_display() == "已撤销"
    assert lead_of(proposal).get_status_display() == "申请退回"

    client.force_login(world.reviewer)
    page = client.get(proposal.get_absolute_url()).content.decode()
    table = page[
        page.index('id="assignments"') : page.index("</table>", page.index('id="assignments"'))
    ]
    assert "已撤销" in table
    assert "已改交" not in table

    client.force_login(world.education_clerk)
    page = client.get(f"/proposals/dept/{co.pk}/").content.decode()
    assert 'id="assignment-status">已撤销<' in page
    assert "已改交" not in page

    client.force_login(world.housing_clerk)
    page = client.get(f"/proposals/dept/{lead_of(proposal).pk}/").content.decode()
    # Its co-handlers ended with it: still named, as cancelled (the lead page's 协办单位).
    assert "区教育局（已撤销）" in page


def test_the_lead_that_sent_it_back_is_not_told_a_co_handlers_view_is_outstanding(client, world):
    """The lead's page of the assignment it sent back: its co-handlers' part was withdrawn
    with it, so the co-handler views section says so instead of 协办单位尚未提出意见."""
    proposal, _co, _ = sent_back(world)
    lead = lead_of(proposal)
    assert lead.status == Assignment.Status.RETURNED
    client.force_login(world.housing_clerk)
    page = client.get(f"/proposals/dept/{lead.pk}/").content.decode()
    assert "协办单位尚未提出意见" not in page
    assert "本单位已退回该提案，协办事项已随之撤销。" in page
