"""Whoever set a follow-up task hears of the written feedback once per thing to act on: the
proposal committee is not told of each unit's answer to a proposal (a year's volume), but
once, when every part is answered and the proposal can be closed after the ratings; a
co-handler's view goes to the lead department, not to the committee."""

import pytest

from tests.proposals.conftest import PROPOSAL_TEXT, World
from xieshang.core.models import Notification
from xieshang.proposals import services
from xieshang.proposals.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def _assigned(world, **how) -> Proposal:
    proposal = services.proposal_create(
        actor=world.user("zhang"), organisation=world.district, **PROPOSAL_TEXT
    )
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    services.proposal_accept(proposal=proposal, actor=world.reviewer)
    services.proposal_assign(proposal=proposal, actor=world.reviewer, **how)
    proposal.refresh_from_db()
    return proposal


def _answer(world, proposal, department, clerk):
    services.answer_submit(
        assignment=proposal.assignments.get(department=department),
        actor=clerk,
        category="A",
        text="已出台加装电梯补贴办法。",
        signed_by="王局长",
        contact_person="赵科长",
        contact_phone="0371-12345678",
    )


def _committee_inbox(world):
    return list(
        Notification.objects.filter(recipient__in=[world.reviewer, world.reviewer2])
        .exclude(title__startswith="新的督办事项")
        .values_list("recipient__username", "title")
    )


@pytest.mark.clause("C4.6")
def test_the_committee_is_told_once_when_every_part_is_answered(world):
    proposal = _assigned(world, split=[world.housing, world.education])
    before = _committee_inbox(world)
    _answer(world, proposal, world.housing, world.housing_clerk)
    # One part answered: nothing for the committee to do yet, nothing said.
    assert _committee_inbox(world) == before
    _answer(world, proposal, world.education, world.education_clerk)
    new = [n for n in _committee_inbox(world) if n not in before]
    assert new == [(world.reviewer.username, f"提案已全部答复：{proposal.title}")]
    note = Notification.objects.get(recipient=world.reviewer, title__startswith="提案已全部答复")
    assert note.url == proposal.get_absolute_url()
    assert not Notification.objects.filter(title__startswith="已书面反馈")


@pytest.mark.clause("C4.6")
def test_a_co_handlers_view_goes_to_the_lead_department_only(world):
    proposal = _assigned(world, lead=world.housing, co=[world.education])
    before = _committee_inbox(world)
    services.co_view_submit(
        assignment=proposal.assignments.get(department=world.education),
        actor=world.education_clerk,
        text="建议统筹学校周边小区。",
    )
    assert _committee_inbox(world) == before
    assert Notification.objects.filter(
        recipient=world.housing_clerk, title__startswith="收到协办意见"
    ).exists()
    _answer(world, proposal, world.housing, world.housing_clerk)
    new = [n for n in _committee_inbox(world) if n not in before]
    assert new == [(world.reviewer.username, f"提案已全部答复：{proposal.title}")]


def test_a_units_own_follow_up_is_told_to_the_office_that_closes_it(world):
    """落实跟踪: the answering department opened the task on itself; its feedback waits on
    the office that decides on it, which is told (nobody was, before)."""
    from xieshang.followups import services as followups
    from xieshang.followups.models import Task

    task = followups.task_open(
        organisation=world.district,
        title="落实跟踪：关于加快老旧小区加装电梯的建议",
        kind=Task.Kind.IMPLEMENTATION,
        department=world.housing,
        actor=world.housing_clerk,
        working_days=20,
    )
    followups.feedback_submit(task=task, text="补贴办法已实施。", actor=world.housing_clerk)
    told = set(
        Notification.objects.filter(title__startswith="已书面反馈").values_list(
            "recipient", flat=True
        )
    )
    assert {world.reviewer.pk, world.reviewer2.pk, world.office.pk} <= told
    assert world.housing_clerk.pk not in told
