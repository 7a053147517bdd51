"""A part of a split proposal (分办) sent back by its department (申请退回) waits on the proposal
committee's decision (C4.6): the proposal stays 办理中 even when every other department has
answered, until the committee hands the part to another unit (改交) or decides, with a
reason, that it goes to none (不再改交). Before, the last other answer made the proposal
已答复 and the returned part could never be handed on: that part was silently never
answered."""

import datetime as dt

import pytest
import time_machine

from tests.proposals.test_department_pages import ANSWER_POST, ASSIGN_DAY
from tests.proposals.test_reassign_returned_part import (
    REASSIGN_DAY,
    part_of,
    returned_by_housing,
    split_between_two,
    transport,
)
from xieshang.core.audit import history
from xieshang.core.models import Event, Notification
from xieshang.followups.models import Task
from xieshang.proposals import services
from xieshang.proposals.models import Assignment, Proposal

__all__ = ["transport"]  # a fixture, shared with test_reassign_returned_part

A = Assignment.Status
S = Proposal.Status
# Monday 2026-03-09: the other split department answers its part.
ANSWER_DAY = dt.datetime(2026, 3, 9, 2, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 3, 16, 2, 0, tzinfo=dt.UTC)


def answer_page(client, clerk, assignment):
    client.force_login(clerk)
    response = client.post(f"/proposals/dept/{assignment.pk}/answer/", ANSWER_POST)
    assert response.status_code == 302, response.content.decode()[:2000]


def rating_asks(world):
    return Notification.objects.filter(
        recipient=world.user("zhang"), title__startswith="提案已答复，请评价"
    )


def returned_then_others_answered(client, world) -> tuple[Proposal, Assignment]:
    proposal = returned_by_housing(world)
    returned = part_of(proposal, world.housing)
    with time_machine.travel(ANSWER_DAY, tick=False):
        answer_page(client, world.education_clerk, part_of(proposal, world.education))
    proposal.refresh_from_db()
    return proposal, returned


@pytest.mark.clause("C4.6")
def test_the_last_other_answer_leaves_the_proposal_in_handling_then_reassign_and_answer(
    client, world, transport
):
    department, transport_clerk = transport
    proposal, returned = returned_then_others_answered(client, world)
    # The returned part waits on the committee: not answered yet, nobody asked to rate.
    assert proposal.status == S.ASSIGNED
    assert not rating_asks(world).exists()
    # Its follow-up task was withdrawn with the return: no reminder, no overdue escalation.
    returned.refresh_from_db()
    assert returned.task.status == Task.Status.CANCELLED
    # The committee was told the part waits on it, and its page says so.
    told = Notification.objects.get(
        recipient=world.reviewer, title__startswith="承办单位申请退回提案"
    )
    assert "改交其他单位或决定不再改交" in told.body
    client.force_login(world.reviewer)
    page = client.get(proposal.get_absolute_url()).content.decode()
    part = page.split(f'id="returned-part-{returned.pk}"', 1)[1].split("</li>", 1)[0]
    assert "改交其他单位" in part and "不再改交" in part

    with time_machine.travel(REASSIGN_DAY, tick=False):
        link = f"/proposals/{proposal.pk}/reassign/{returned.pk}/"
        response = client.post(link, {"department": department.pk, "note": ""})
        assert response.status_code == 302
    new = proposal.assignments.get(department=department)
    proposal.refresh_from_db()
    assert proposal.status == S.ASSIGNED and new.status == A.HANDLING

    with time_machine.travel(LATER, tick=False):
        answer_page(client, transport_clerk, new)
    proposal.refresh_from_db()
    assert proposal.status == S.ANSWERED
    (last,) = history(proposal).filter(verb="proposal.answer", to_state=S.ANSWERED)
    assert last.data["department"] == department.name
    assert rating_asks(world).count() == 1


@pytest.mark.clause("C4.6")
def test_the_committee_decides_the_returned_part_goes_to_no_one_and_the_proposal_is_answered(
    client, world
):
    proposal, returned = returned_then_others_answered(client, world)
    link = f"/proposals/{proposal.pk}/reassign/{returned.pk}/"
    client.force_login(world.reviewer)
    with time_machine.travel(REASSIGN_DAY, tick=False):
        form = client.get(link).content.decode()
        assert 'id="close-form"' in form
        # A reason is required: refused, nothing changes.
        empty = client.post(link, {"close-reason": "  "})
        assert empty.status_code == 400
        assert "请说明不再改交的理由。" in empty.content.decode()
        returned.refresh_from_db()
        assert returned.status == A.RETURNED
        response = client.post(link, {"close-reason": "该项诉求已由区教育局一并答复。"})
        assert response.status_code == 302
        assert response["Location"] == proposal.get_absolute_url()

    returned.refresh_from_db()
    assert returned.status == A.CLOSED
    proposal.refresh_from_db()
    assert proposal.status == S.ANSWERED
    # One history line: 办理中 → 已答复, who decided and why.
    (event,) = history(proposal).filter(verb="proposal.reassign_close")
    assert (event.from_state, event.to_state) == (S.ASSIGNED, S.ANSWERED)
    assert event.actor == world.reviewer
    assert "区住房和城乡建设局" in event.note and "该项诉求已由区教育局一并答复。" in event.note
    assert not history(proposal).filter(verb="proposal.answer", to_state=S.ANSWERED).exists()
    # The proposers learn why the part goes unanswered, and are asked to rate.
    told = Notification.objects.get(
        recipient=world.user("zhang"), title__startswith="提案部分内容不再改交"
    )
    assert "该项诉求已由区教育局一并答复。" in told.body
    assert rating_asks(world).count() == 1
    with time_machine.travel(LATER, tick=False):
        client.force_login(world.reviewer)
        page = client.get(proposal.get_absolute_url())
        assert page.status_code == 200
        assert f'id="returned-part-{returned.pk}"' not in page.content.decode()
        # Decided once: neither closed again nor handed on afterwards.
        again = client.post(link, {"close-reason": "再次"})
        assert again.status_code == 400
        assert "已决定该部分不再改交。" in again.content.decode()


def test_closing_while_another_part_is_handled_keeps_the_proposal_in_handling(world):
    proposal = returned_by_housing(world)
    returned = part_of(proposal, world.housing)
    with time_machine.travel(REASSIGN_DAY, tick=False):
        services.returned_part_close(
            assignment=returned, actor=world.reviewer, reason="无需另行办理。"
        )
    proposal.refresh_from_db()
    assert proposal.status == S.ASSIGNED
    (event,) = history(proposal).filter(verb="proposal.reassign_close")
    assert event.to_state == ""
    with time_machine.travel(LATER, tick=False):
        services.answer_submit(
            assignment=part_of(proposal, world.education),
            actor=world.education_clerk,
            **{k: v for k, v in ANSWER_POST.items() if k != "confirm_no_contact"},
        )
    proposal.refresh_from_db()
    assert proposal.status == S.ANSWERED


def test_only_the_committee_decides_not_to_hand_a_part_on(client, world):
    proposal = returned_by_housing(world)
    returned = part_of(proposal, world.housing)
    link = f"/proposals/{proposal.pk}/reassign/{returned.pk}/"
    for user in (world.housing_clerk, world.education_clerk, world.other_reviewer):
        client.force_login(user)
        assert client.post(link, {"close-reason": "不办了"}).status_code == 404
    returned.refresh_from_db()
    assert returned.status == A.RETURNED
    assert not Event.objects.filter(verb="proposal.reassign_close").exists()


def test_a_split_return_after_the_other_answered_waits_on_the_committee(world):
    """The order reversed: one department answers, then the other sends its part back. The
    proposal no longer goes back to 待交办 as a whole (the answered part would be assigned
    again): the returned part waits on the committee."""
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = split_between_two(world)
        services.answer_submit(
            assignment=part_of(proposal, world.education),
            actor=world.education_clerk,
            **{k: v for k, v in ANSWER_POST.items() if k != "confirm_no_contact"},
        )
        services.assignment_return(
            assignment=part_of(proposal, world.housing),
            actor=world.housing_clerk,
            reason="不属于本局职责。",
        )
    proposal.refresh_from_db()
    assert proposal.status == S.ASSIGNED
    returned = part_of(proposal, world.housing)
    assert services.reassign_refusal(returned, proposal) is None


def test_every_split_part_returned_goes_back_whole_and_the_old_parts_no_longer_wait(world):
    """Every split department sends its part back: the proposal goes back to 待交办 as a
    whole (as before); assigned again, the parts sent back do not hold its answer."""
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = split_between_two(world)
        for department, clerk in (
            (world.housing, world.housing_clerk),
            (world.education, world.education_clerk),
        ):
            services.assignment_return(
                assignment=part_of(proposal, department), actor=clerk, reason="不属于本单位。"
            )
    proposal.refresh_from_db()
    assert proposal.status == S.ACCEPTED
    first = part_of(proposal, world.housing)
    assert first.status == A.RETURNED
    with time_machine.travel(LATER, tick=False):
        (lead,) = services.proposal_assign(
            proposal=proposal, actor=world.reviewer, lead=world.education
        )
        # Assigned again as a whole: the parts sent back before no longer wait.
        first.refresh_from_db()
        assert first.status == A.CLOSED
        proposal.refresh_from_db()
        assert services.reassign_refusal(first, proposal) is not None
        services.answer_submit(
            assignment=lead,
            actor=world.education_clerk,
            **{k: v for k, v in ANSWER_POST.items() if k != "confirm_no_contact"},
        )
    proposal.refresh_from_db()
    assert proposal.status == S.ANSWERED
