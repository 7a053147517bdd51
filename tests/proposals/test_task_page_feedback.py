"""A proposal's part is answered by the answer letter its leader signs off, a co-handler's by
its view sent to the lead department: never by a written feedback typed on the follow-up
(督办事项) page or sent through the API. One typed there left the task 已反馈 while the
proposal still waited, and the leader's sign-off was then refused for good ("当前状态为
“已反馈”，不能执行此操作"): the answer could never reach the proposers."""

import time_machine

from tests.followups.test_api import bearer
from tests.proposals.test_department_pages import (
    ANSWER_POST,
    ASSIGN_DAY,
    assigned,
    co_of,
    lead_of,
)
from xieshang.followups.models import Feedback, Task
from xieshang.proposals import services
from xieshang.proposals.models import Assignment, Proposal


def test_the_lead_department_cannot_answer_its_proposal_from_the_followup_page(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        task = lead_of(proposal).task
        client.force_login(world.housing_clerk)

        page = client.get(f"/followups/{task.pk}/").content.decode()
        assert "提交反馈" not in page
        assert "该事项在提案办理页面答复" in page
        assert f'href="/proposals/dept/{lead_of(proposal).pk}/"' in page

        response = client.post(f"/followups/{task.pk}/feedback/", {"text": "已答复提案人"})
        assert response.status_code == 400
        assert "该事项在提案办理页面答复" in response.content.decode()
        task.refresh_from_db()
        assert task.status == Task.Status.OPEN
        assert not Feedback.objects.filter(task=task).exists()

        # The answer letter still goes out the proper way.
        services.answer_submit(
            assignment=lead_of(proposal), actor=world.housing_clerk, **ANSWER_POST
        )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ANSWERED
    assert lead_of(proposal).status == Assignment.Status.ANSWERED


def test_a_co_handler_cannot_send_its_view_from_the_followup_page_or_the_api(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
        co = co_of(proposal)
        client.force_login(world.education_clerk)
        api = client.post(
            f"/api/v1/followups/{co.task_id}/feedback",
            {"text": "同意主办意见"},
            content_type="application/json",
            **bearer(world.education_clerk),
        )
        assert api.status_code == 422, api.content
        assert "协办意见在提案办理页面提交" in str(api.json())
        response = client.post(f"/followups/{co.task_id}/feedback/", {"text": "同意主办意见"})
        assert response.status_code == 400
        co.task.refresh_from_db()
        assert co.task.status == Task.Status.OPEN

        # Its view is sent from the proposal's handling page, and reaches the lead.
        client.post(f"/proposals/dept/{co.pk}/co-view/", {"text": "建议同步改造校园周边道路。"})
    co.refresh_from_db()
    assert co.status == Assignment.Status.ANSWERED
    assert Feedback.objects.get(task=co.task).text == "建议同步改造校园周边道路。"


def test_a_task_returned_after_the_answer_went_out_takes_written_feedback_again(client, world):
    """The proposal's page no longer takes an answer once it went out: a task the office
    returned afterwards (退回重新办理 on the follow-up page) is answered on that page, as
    before, not left open with no way to answer it."""
    from xieshang.followups import services as followups

    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        services.answer_submit(
            assignment=lead_of(proposal), actor=world.housing_clerk, **ANSWER_POST
        )
        task = lead_of(proposal).task
        followups.task_reopen(
            task=task, actor=world.office, note="请补充落实时间表。", working_days=5
        )
        client.force_login(world.housing_clerk)
        page = client.get(f"/followups/{task.pk}/").content.decode()
        assert "该事项在提案办理页面答复" not in page
        response = client.post(
            f"/followups/{task.pk}/feedback/", {"text": "落实时间表：明年6月前完成。"}
        )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.SUBMITTED
