"""The department's side of 重新办理 (C4.6): a proposal handled again after an unsatisfied
rating cannot be sent back by the department that answered it (it would be left 办理中 with
nobody handling it), and the round-2 handling page and notice give the clerk what to work
from: the committee's order, the department's earlier answer, the proposers' ratings and
comments and the co-handlers' views."""

import pytest
import time_machine

from tests.factories import DepartmentFactory, user_with_role
from tests.proposals.conftest import PROPOSAL_TEXT
from tests.proposals.test_department_pages import ANSWER_POST, ASSIGN_DAY, assigned, co_of, lead_of
from xieshang.core.audit import TransitionError
from xieshang.core.models import Notification
from xieshang.orgs.models import Role
from xieshang.proposals import services
from xieshang.proposals.models import Assignment, Proposal

S = Proposal.Status
ORDER = "请与提案人面商，明确补贴标准后再次答复。"
COMMENT = "补贴标准尚未明确，希望尽快出台办法。"
CO_VIEW = "建议财政安排专项资金，每部电梯补贴不低于15万元。"


def rehandled(world, *, co=False) -> Proposal:
    """Assigned to 住建局 (with 教育局 as co-handler if `co`), answered, rated 不满意 by the
    first proposer, and ordered to be handled again, all on the day of the assignment (so the
    days for a return have not run out)."""
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=co)
        if co:
            services.co_view_submit(
                assignment=co_of(proposal), actor=world.education_clerk, text=CO_VIEW
            )
        answer = services.answer_submit(
            assignment=lead_of(proposal), actor=world.housing_clerk, **ANSWER_POST
        )
        services.evaluation_submit(
            answer=answer,
            actor=world.user("zhang"),
            process="satisfied",
            result="unsatisfied",
            comment=COMMENT,
        )
        services.proposal_rehandle(proposal=proposal, actor=world.reviewer, note=ORDER)
    proposal.refresh_from_db()
    return proposal


def second_round(proposal) -> Assignment:
    return proposal.assignments.get(round=2)


@pytest.mark.clause("C4.6")
def test_a_re_handling_round_cannot_be_returned_and_the_page_does_not_offer_it(client, world):
    proposal = rehandled(world)
    assignment = second_round(proposal)
    assert proposal.status == S.ASSIGNED
    client.force_login(world.housing_clerk)
    with time_machine.travel(ASSIGN_DAY, tick=False):
        page = client.get(f"/proposals/dept/{assignment.pk}/").content.decode()
        assert "重新办理" in page
        assert "申请退回" not in page and "/return/" not in page
        response = client.post(
            f"/proposals/dept/{assignment.pk}/return/", {"reason": "不属我局职责"}
        )
        html = response.content.decode()
        assert response.status_code == 400
        assert "重新办理的提案不能申请退回" in html
        assert "已申请退回，提案委员会将重新交办。" not in html
        with pytest.raises(TransitionError):
            services.assignment_return(
                assignment=assignment, actor=world.housing_clerk, reason="不属我局职责"
            )
    assignment.refresh_from_db()
    proposal.refresh_from_db()
    # Still handled by the department: not 办理中 with nobody handling it.
    assert assignment.status == Assignment.Status.HANDLING
    assert proposal.status == S.ASSIGNED


def test_the_first_round_may_still_be_returned(client, world):
    """The same page in the first round offers the return, and it goes back to the
    committee (the rule above is about the round, not the page)."""
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        client.force_login(world.housing_clerk)
        page = client.get(f"/proposals/dept/{lead_of(proposal).pk}/").content.decode()
        assert "申请退回" in page
        response = client.post(
            f"/proposals/dept/{lead_of(proposal).pk}/return/", {"reason": "不属我局职责"}
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.ACCEPTED


@pytest.mark.clause("C4.6")
def test_a_split_department_returning_after_the_other_answered_waits_on_the_committee(
    world,
):
    """分办: 住建局 answered, then 教育局 sends its part back. The part waits on the committee
    (its page offers 改交 and 不再改交: test_returned_part_decision) and the proposal stays
    办理中 instead of going back to 待交办 with one part answered; handed on (改交), the new
    department's answer completes the proposal."""
    finance = DepartmentFactory(organisation=world.district, name="区财政局")
    finance_clerk = user_with_role(Role.DEPARTMENT, world.district, department=finance)
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = services.proposal_create(
            actor=world.user("zhang"), organisation=world.district, **PROPOSAL_TEXT
        )
        services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
        services.proposal_accept(proposal=proposal, actor=world.reviewer)
        housing, education = services.proposal_assign(
            proposal=proposal, actor=world.reviewer, split=[world.housing, world.education]
        )
        services.answer_submit(assignment=housing, actor=world.housing_clerk, **ANSWER_POST)
        proposal.refresh_from_db()
        assert proposal.status == S.ASSIGNED  # 教育局 still handles its part
        services.assignment_return(
            assignment=education, actor=world.education_clerk, reason="不属我局职责"
        )
        proposal.refresh_from_db()
        assert proposal.status == S.ASSIGNED
        # The committee hands that part on; its answer completes the proposal.
        again = services.assignment_reassign(
            assignment=education, actor=world.reviewer, department=finance
        )
        services.answer_submit(assignment=again, actor=finance_clerk, **ANSWER_POST)
    proposal.refresh_from_db()
    assert proposal.status == S.ANSWERED


@pytest.mark.clause("C4.6")
def test_the_round_two_page_shows_what_the_clerk_works_from(client, world):
    proposal = rehandled(world, co=True)
    assignment = second_round(proposal)
    first_answer = lead_of_round(proposal, 1).answers.get()
    client.force_login(world.housing_clerk)
    with time_machine.travel(ASSIGN_DAY, tick=False):
        page = client.get(f"/proposals/dept/{assignment.pk}/").content.decode()
        # The letter of round 1 opens for the department.
        letter = client.get(f"/proposals/dept/answers/{first_answer.pk}/letter.pdf")
    assert letter.status_code == 200
    assert 'id="previous-round"' in page
    assert ORDER in page  # the committee's re-handling order
    assert "提案委员会重新办理要求" in page
    assert "二、设立每部电梯15万元的财政补贴。" in page  # the round-1 answer's text
    assert f"/proposals/dept/answers/{first_answer.pk}/letter.pdf" in page  # and its letter
    assert COMMENT in page and "办理结果不满意" in page  # the proposer's rating and comment
    assert world.members["zhang"].name in page
    assert CO_VIEW in page and "上一轮协办单位意见" in page  # the co-handler's view


def test_the_first_round_page_has_no_earlier_round(client, world):
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        client.force_login(world.housing_clerk)
        page = client.get(f"/proposals/dept/{lead_of(proposal).pk}/").content.decode()
    assert 'id="previous-round"' not in page


@pytest.mark.clause("C4.6")
def test_the_new_task_says_it_is_a_re_handling_and_why(world):
    proposal = rehandled(world)
    assignment = second_round(proposal)
    notice = Notification.objects.get(
        recipient=world.housing_clerk, title__startswith="提案重新办理"
    )
    assert proposal.title in notice.title
    assert ORDER in notice.body and "不满意" in notice.body
    assert notice.url == f"/proposals/dept/{assignment.pk}/"
    # The follow-up task (and so its own notice) says it too, and its request says why.
    assert "重新办理" in assignment.task.title
    assert ORDER in assignment.task.request
    task_notice = Notification.objects.get(
        recipient=world.housing_clerk, dedupe_key=f"followup:{assignment.task_id}:open"
    )
    assert "重新办理" in task_notice.title


def lead_of_round(proposal, round_: int) -> Assignment:
    return proposal.assignments.get(role=Assignment.Role.LEAD, round=round_)


def test_the_answered_first_round_page_points_to_the_re_handling_page(client, world):
    """The clerk opening the round-1 page (from the 已答复 list, or the notice of the
    unsatisfied rating) saw only 已答复 and nothing to do, with no way to the round-2 page
    where the proposal now waits on the department; the co-handler of round 1, with no part
    in round 2, is pointed nowhere."""
    proposal = rehandled(world, co=True)
    first, second = lead_of_round(proposal, 1), second_round(proposal)
    with time_machine.travel(ASSIGN_DAY, tick=False):
        client.force_login(world.housing_clerk)
        page = client.get(f"/proposals/dept/{first.pk}/").content.decode()
        now = client.get(f"/proposals/dept/{second.pk}/").content.decode()
        client.force_login(world.education_clerk)
        co_page = client.get(f"/proposals/dept/{co_of(proposal).pk}/").content.decode()
    link = page.split('id="next-round"', 1)[1].split("</div>", 1)[0]
    assert f'href="/proposals/dept/{second.pk}/"' in link
    assert "请在第2轮办理页面联系提案人并答复" in link
    assert 'id="next-round"' not in now
    assert 'id="next-round"' not in co_page
