"""A department no longer handling a proposal does not keep the proposers' phone numbers
(个人信息保护法): once it sent the proposal back, once its co-handling was withdrawn, or
once the proposal is closed, its handling page names the proposers without their numbers,
and no view of personal data is logged, since none is shown."""

import pytest
import time_machine

from tests.proposals.test_department_pages import ANSWER_POST, ASSIGN_DAY, assigned, co_of, lead_of
from xieshang.core.models import Event
from xieshang.proposals import services
from xieshang.proposals.models import Assignment


def phones_logged(user) -> int:
    return Event.objects.filter(verb="pii.view", actor=user).count()


@pytest.mark.clause("C4.6")
def test_a_department_that_returned_the_proposal_no_longer_sees_the_proposers_phones(client, world):
    zhang, wang = world.members["zhang"], world.members["wang"]
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, department=world.education, cosigners=["wang"])
        assignment = lead_of(proposal)
        client.force_login(world.education_clerk)
        live = client.get(f"/proposals/dept/{assignment.pk}/").content.decode()
        assert zhang.phone in live and wang.phone in live  # while it handles it
        seen = phones_logged(world.education_clerk)
        assert seen == 2
        services.assignment_return(
            assignment=assignment, actor=world.education_clerk, reason="不属我局职责"
        )
        page = client.get(f"/proposals/dept/{assignment.pk}/").content.decode()
    assert Assignment.objects.get(pk=assignment.pk).status == Assignment.Status.RETURNED
    assert zhang.name in page and wang.name in page
    assert zhang.phone not in page and wang.phone not in page and "tel:" not in page
    assert "不再显示提案人的联系方式" in page
    assert phones_logged(world.education_clerk) == seen  # nothing shown, nothing logged


def test_a_withdrawn_co_handler_no_longer_sees_the_proposers_phones(client, world):
    zhang = world.members["zhang"]
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world, co=True)
        services.assignment_return(
            assignment=lead_of(proposal), actor=world.housing_clerk, reason="不属我局职责"
        )
        client.force_login(world.education_clerk)
        page = client.get(f"/proposals/dept/{co_of(proposal).pk}/").content.decode()
    assert co_of(proposal).status == Assignment.Status.WITHDRAWN
    assert zhang.name in page and zhang.phone not in page
    assert phones_logged(world.education_clerk) == 0


def test_a_closed_proposal_no_longer_shows_the_proposers_phones(client, world):
    zhang = world.members["zhang"]
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = assigned(world)
        answer = services.answer_submit(
            assignment=lead_of(proposal), actor=world.housing_clerk, **ANSWER_POST
        )
        client.force_login(world.housing_clerk)
        url = f"/proposals/dept/{lead_of(proposal).pk}/"
        assert zhang.phone in client.get(url).content.decode()  # answered, not yet closed
        services.evaluation_submit(
            answer=answer, actor=zhang.user, process="satisfied", result="satisfied"
        )
        services.proposal_close(proposal=proposal, actor=world.reviewer)
        seen = phones_logged(world.housing_clerk)
        page = client.get(url).content.decode()
    assert zhang.name in page and zhang.phone not in page
    assert phones_logged(world.housing_clerk) == seen
