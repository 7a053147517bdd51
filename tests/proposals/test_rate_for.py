"""代为评价: the office clerk who entered a proposal for members without accounts was told
"提案已答复，请评价" but found no form anywhere: the answer could never be rated, and the
15-working-day window ran out with the figures missing it. The clerk (and the proposal
committee, as for 代为确认) now records the proposers' evaluation given on paper or by
phone, for each proposer, with how it was given; it counts as theirs."""

import datetime as dt

import pytest
import time_machine

from tests.factories import MemberFactory, seat
from tests.proposals.conftest import PROPOSAL_TEXT
from tests.proposals.test_department_pages import ANSWER_POST, ASSIGN_DAY, lead_of
from xieshang.core.audit import history
from xieshang.core.models import Notification
from xieshang.proposals import figures, services
from xieshang.proposals.models import Evaluation, Rating

ANSWER_DAY = ASSIGN_DAY + dt.timedelta(days=7)  # Monday 9 March 2026
# 15 working days after 9 March 2026: 30 March; the 31st is a day late.
LATE_DAY = dt.datetime(2026, 3, 31, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def paper(world):
    """A proposal the office entered for two members without accounts, answered."""
    first = MemberFactory(organisation=world.district, name="卜悦嘉")
    second = MemberFactory(organisation=world.district, name="尹爽娜")
    for member in (first, second):
        seat(member, world.term)
    with time_machine.travel(ASSIGN_DAY, tick=False):
        proposal = services.proposal_create(
            actor=world.office,
            organisation=world.district,
            first_proposer=first,
            cosigners=[second],
            **PROPOSAL_TEXT,
        )
        services.proposal_submit(proposal=proposal, actor=world.office)
        [signer] = proposal.signers.all()
        services.signer_confirm_for(
            proposal=proposal, signer_pk=signer.pk, actor=world.reviewer, note="书面签字"
        )
        services.proposal_accept(proposal=proposal, actor=world.reviewer)
        services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)
    with time_machine.travel(ANSWER_DAY, tick=False):
        answer = services.answer_submit(
            assignment=lead_of(proposal), actor=world.housing_clerk, **ANSWER_POST
        )
    proposal.refresh_from_db()
    return proposal, answer, first, second


def rate_for(client, proposal, answer, member, **fields):
    data = {
        "member": member.pk,
        "process": Rating.SATISFIED,
        "result": Rating.BASICALLY,
        "comment": "",
        "note": "已收到提案人签字的书面评价表",
        **fields,
    }
    return client.post(
        f"/proposals/{proposal.pk}/answers/{answer.pk}/rate-for/",
        {f"ratefor{answer.pk}-{k}": v for k, v in data.items()},
    )


def test_the_clerk_is_asked_to_record_the_evaluation_and_can(client, world, paper):
    proposal, answer, first, second = paper
    [notice] = Notification.objects.filter(recipient=world.office, title__startswith="提案已答复")
    assert notice.title == f"提案已答复，请代为登记评价：{proposal.title}"
    assert "代为登记" in notice.body

    with time_machine.travel(ANSWER_DAY + dt.timedelta(days=2), tick=False):
        client.force_login(world.office)
        page = client.get(proposal.get_absolute_url()).content.decode()
        form = page.split(f'id="rate-for-{answer.pk}"', 1)[1].split("</form>", 1)[0]
        # Both proposers, and the date they are asked to rate by.
        assert "卜悦嘉" in form and "尹爽娜" in form
        assert "评价时限：2026年3月30日" in form
        assert rate_for(client, proposal, answer, first).status_code == 302
        page = client.get(proposal.get_absolute_url()).content.decode()
    evaluation = Evaluation.objects.get(answer=answer)
    assert (evaluation.member, evaluation.process, evaluation.result) == (
        first,
        Rating.SATISFIED,
        Rating.BASICALLY,
    )
    # Counted as the proposer's rating in the year's figures.
    row = figures.figures(world.district, proposal.year).department_total
    assert (row.rated, row.result_ok) == (1, 1)
    # The history says who recorded it, for whom and how.
    [event] = [e for e in history(proposal) if e.verb == "proposal.evaluate_for"]
    assert event.actor == world.office
    assert event.note.startswith("卜悦嘉（代为评价：已收到提案人签字的书面评价表）；")
    assert "办理过程满意，办理结果基本满意" in event.note
    assert not event.data["late"]
    # The form now offers only the proposer still to rate.
    form = page.split(f'id="rate-for-{answer.pk}"', 1)[1].split("</form>", 1)[0]
    assert "尹爽娜" in form and "卜悦嘉" not in form


def test_a_late_evaluation_recorded_for_a_proposer_is_marked_late(client, world, paper):
    proposal, answer, first, _second = paper
    with time_machine.travel(LATE_DAY, tick=False):
        client.force_login(world.reviewer)  # the proposal committee may record it too
        response = rate_for(
            client, proposal, answer, first, result=Rating.UNSATISFIED, comment="未解决。"
        )
    assert response.status_code == 302
    [event] = [e for e in history(proposal) if e.verb == "proposal.evaluate_for"]
    assert event.data["late"] and "逾期评价（评价时限为2026年3月30日）" in event.note
    # An unsatisfied rating is told to the department at once, as a proposer's own is.
    assert Notification.objects.filter(
        recipient=world.housing_clerk, title__startswith="提案人对答复不满意"
    ).exists()


def test_a_recording_without_how_or_twice_is_refused(client, world, paper):
    proposal, answer, first, _second = paper
    client.force_login(world.office)
    response = rate_for(client, proposal, answer, first, note="")
    assert response.status_code == 400
    assert "请写明提案人以何种方式评价" in response.content.decode()
    assert rate_for(client, proposal, answer, first).status_code == 302
    with pytest.raises(Exception, match="卜悦嘉已评价过该答复"):
        services.evaluation_submit_for(
            answer=answer,
            actor=world.reviewer,
            member_pk=first.pk,
            process=Rating.SATISFIED,
            result=Rating.SATISFIED,
            note="电话",
        )
    assert Evaluation.objects.filter(answer=answer).count() == 1


def test_nobody_else_records_an_evaluation(client, world, paper):
    proposal, answer, first, _second = paper
    client.force_login(world.housing_clerk)  # the answering department
    assert rate_for(client, proposal, answer, first).status_code in (403, 404)
    client.force_login(world.chair)
    assert rate_for(client, proposal, answer, first).status_code == 403
    assert 'id="rate-for-' not in client.get(proposal.get_absolute_url()).content.decode()
    assert not Evaluation.objects.exists()
