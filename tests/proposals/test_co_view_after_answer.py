"""A co-handler's view (协办意见) sent after the lead department answered: taken (it is the
co-handler's record of its duty, and the follow-up engine counts it), but filed — the answer
letter has gone without it. The co-handler is told so before it submits and again after;
the lead department sees it marked as filed (docs/decisions.md, 2026-12-05)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.factories import user_with_role
from tests.proposals.test_department_pages import ANSWER_POST, ASSIGN_DAY, assigned, co_of, lead_of
from tests.xlsx import workbook
from xieshang.core.audit import history
from xieshang.core.models import Notification
from xieshang.followups.models import Task
from xieshang.orgs.models import Role
from xieshang.proposals import services
from xieshang.proposals.models import Assignment

ANSWER_DAY = ASSIGN_DAY + dt.timedelta(days=3)  # Thursday 5 March 2026
VIEW_DAY = ASSIGN_DAY + dt.timedelta(days=10)
FILED = "主办单位已于2026年3月5日答复提案人。现在提交的协办意见将存档备查"


def told_lead(world) -> bool:
    return Notification.objects.filter(
        recipient=world.housing_clerk, title__startswith="收到协办意见"
    ).exists()


@pytest.mark.clause("C4.6")
def test_a_view_after_the_lead_answered_is_filed_and_the_co_handler_is_told_so(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
    with time_machine.travel(ANSWER_DAY, tick=False):
        # The lead department answers (no leader's account: the answer goes at once).
        client.force_login(world.housing_clerk)
        sent = client.post(f"/proposals/dept/{lead_of(proposal).pk}/answer/", ANSWER_POST)
        assert sent.status_code == 302
    co = co_of(proposal)
    url = f"/proposals/dept/{co.pk}/"
    with time_machine.travel(VIEW_DAY, tick=False):
        client.force_login(world.education_clerk)
        page = client.get(url).content.decode()
        # Before submitting, the form says plainly what becomes of the view.
        assert 'id="lead-answered"' in page
        assert FILED in page and "不写入已送达的答复函" in page
        assert "提交协办意见" in page  # still taken

        response = client.post(f"{url}co-view/", {"text": "建议结合学区改造统筹推进"}, follow=True)
        html = response.content.decode()
    assert response.status_code == 200
    assert "协办意见已提交并存档。主办单位已于2026年3月5日答复提案人，本意见不写入答复函。" in html
    co.refresh_from_db()
    assert co.status == Assignment.Status.ANSWERED
    assert co.task.status == Task.Status.SUBMITTED  # the engine counts it as given
    assert not told_lead(world)  # the lead has nothing left to act on

    # The lead department finds it on its page, marked as filed.
    client.force_login(world.housing_clerk)
    lead_page = client.get(f"/proposals/dept/{lead_of(proposal).pk}/").content.decode()
    assert "建议结合学区改造统筹推进" in lead_page
    assert "答复送达后提交，存档备查，未写入答复函" in lead_page


def test_a_view_while_the_answer_waits_for_sign_off_still_goes_to_the_lead(client, world):
    user_with_role(
        Role.DEPARTMENT_LEADER, world.district, department=world.housing, full_name="王局长"
    )
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
        waiting = services.answer_submit(
            assignment=lead_of(proposal), actor=world.housing_clerk, **ANSWER_POST
        )
    assert waiting.sent_at is None  # not answered yet: the leader has not signed it off
    co = co_of(proposal)
    client.force_login(world.education_clerk)
    page = client.get(f"/proposals/dept/{co.pk}/").content.decode()
    assert 'id="lead-answered"' not in page
    assert "协办意见送主办单位，由主办单位统一答复提案人。" in page
    response = client.post(
        f"/proposals/dept/{co.pk}/co-view/", {"text": "建议统筹推进"}, follow=True
    )
    assert "协办意见已送主办单位。" in response.content.decode()
    assert told_lead(world)
    client.force_login(world.housing_clerk)
    lead_page = client.get(f"/proposals/dept/{lead_of(proposal).pk}/").content.decode()
    assert "建议统筹推进" in lead_page and "存档备查" not in lead_page


def test_closing_the_proposal_ends_a_co_handlers_part_that_never_sent_its_view(client, world):
    """Issue: after 办结 the page still showed 区教育局 协办 办理中 剩余N个工作日 and its
    督办事项 stayed 办理中 with 催办 offered, bound to fall overdue on a closed proposal."""
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
    with time_machine.travel(ANSWER_DAY, tick=False):
        services.answer_submit(
            assignment=lead_of(proposal), actor=world.housing_clerk, **ANSWER_POST
        )
        client.force_login(world.reviewer)
        closed = client.post(f"/proposals/{proposal.pk}/act/close/", {"note": ""})
        assert closed.status_code == 302
        page = client.get(f"/proposals/{proposal.pk}/").content.decode()
        exported = workbook(client.get(reverse("proposals:export"))).active
        task_page = client.get(f"/followups/{co_of(proposal).task_id}/")
    co = co_of(proposal)
    assert co.status == Assignment.Status.CLOSED
    assert co.task.status == Task.Status.CANCELLED
    # The engine's own transition says who ended it and why.
    ended = history(co.task).get(verb="followup.cancel")
    assert ended.actor == world.reviewer and str(ended.note) == "提案已办结。"

    table = page.split('id="assignments"')[1].split("</table>")[0]
    [row] = [r for r in table.split("</tr>") if "区教育局" in r]
    assert "协办意见未提出" in row
    assert "办理中" not in row and "剩余" not in row
    assert "不再改交" not in row  # the split parts' word: this part was never sent back
    # The files name it among the units handling the proposal, as it was assigned.
    header, line = list(exported.iter_rows(values_only=True))
    assert line[header.index("承办单位")] == "区住房和城乡建设局（主办）、区教育局（协办）"
    assert task_page.status_code == 200
    assert 'id="urge-form"' not in task_page.content.decode()
