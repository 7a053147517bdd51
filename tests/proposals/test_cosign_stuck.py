"""A joint proposal whose co-signer never answers is not stuck in 待联名确认 (C4.6): the
first proposer may withdraw the unanswered invitations, and the proposal committee may
record a confirmation given on paper or by phone."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.proposals.conftest import draft
from xieshang.core.audit import TransitionError, history
from xieshang.core.models import Notification
from xieshang.proposals import services
from xieshang.proposals.models import Proposal, Signer

S = Proposal.Status


def cosigning(world, cosigners=("wang", "li")):
    proposal = draft(world, cosigners=list(cosigners))
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    proposal.refresh_from_db()
    assert proposal.status == S.COSIGNING
    return proposal


def statuses(proposal):
    return dict(proposal.signers.values_list("member__name", "status"))


@pytest.mark.clause("C4.6")
@time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC))
def test_the_proposer_withdraws_the_unanswered_invitation_and_the_proposal_goes_to_review(
    world,
):
    proposal = cosigning(world)
    services.signer_respond(proposal=proposal, actor=world.user("wang"), confirm=True)
    services.cosign_withdraw_pending(proposal=proposal, actor=world.user("zhang"))
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert proposal.number == "2026年平时提案第0001号"
    assert proposal.proposer_type == Proposal.ProposerType.JOINT
    assert statuses(proposal) == {
        "王建国": Signer.Status.CONFIRMED,
        "李明": Signer.Status.WITHDRAWN,
    }
    events = [(e.verb, e.note) for e in history(proposal)]
    assert ("proposal.cosign_withdraw", "撤回联名邀请：李明") in events
    assert Notification.objects.filter(
        recipient=world.user("li"), title__startswith="联名邀请已撤回"
    ).exists()
    # The withdrawn invitation can no longer be answered.
    with pytest.raises(TransitionError, match="已处理"):
        services.signer_respond(proposal=proposal, actor=world.user("li"), confirm=True)


def test_with_nobody_confirmed_the_proposal_goes_on_as_the_members_own(world):
    proposal = cosigning(world, cosigners=["wang"])
    services.cosign_withdraw_pending(proposal=proposal, actor=world.user("zhang"))
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert proposal.proposer_type == Proposal.ProposerType.MEMBER


def test_only_the_first_proposer_withdraws_and_only_while_co_signing(world):
    proposal = cosigning(world)
    for other in (world.user("wang"), world.reviewer):
        with pytest.raises(PermissionDenied):
            services.cosign_withdraw_pending(proposal=proposal, actor=other)
    services.cosign_withdraw_pending(proposal=proposal, actor=world.user("zhang"))
    with pytest.raises(TransitionError, match="没有待确认的联名邀请"):
        services.cosign_withdraw_pending(proposal=proposal, actor=world.user("zhang"))


@pytest.mark.clause("C4.6")
def test_the_committee_records_a_paper_confirmation_and_the_last_one_sends_it_to_review(world):
    proposal = cosigning(world)
    wang, li = (proposal.signers.get(member=world.members[k]) for k in ("wang", "li"))
    with pytest.raises(ValidationError) as excinfo:
        services.signer_confirm_for(
            proposal=proposal, signer_pk=wang.pk, actor=world.reviewer, note=" "
        )
    assert "确认" in excinfo.value.message_dict["note"][0]
    services.signer_confirm_for(
        proposal=proposal, signer_pk=wang.pk, actor=world.reviewer, note="收到书面签字"
    )
    proposal.refresh_from_db()
    assert proposal.status == S.COSIGNING
    returned = services.signer_confirm_for(
        proposal=proposal, signer_pk=li.pk, actor=world.reviewer, note="电话确认"
    )
    assert returned.status == S.SUBMITTED
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert set(statuses(proposal).values()) == {Signer.Status.CONFIRMED}
    notes = [e.note for e in history(proposal) if e.verb == "proposal.cosign_confirm_for"]
    assert sorted(notes) == ["李明（代为确认：电话确认）", "王建国（代为确认：收到书面签字）"]
    # Each co-signer is told a confirmation was recorded in their name.
    assert Notification.objects.filter(
        recipient=world.user("li"), title__startswith="已代您确认联名"
    ).exists()


def test_nobody_else_confirms_for_a_co_signer(world):
    proposal = cosigning(world)
    wang = proposal.signers.get(member=world.members["wang"])
    for other in (world.user("zhang"), world.other_reviewer, world.housing_clerk):
        with pytest.raises(PermissionDenied):
            services.signer_confirm_for(proposal=proposal, signer_pk=wang.pk, actor=other, note="x")
    services.signer_respond(proposal=proposal, actor=world.user("wang"), confirm=False)
    with pytest.raises(TransitionError, match="已处理"):
        services.signer_confirm_for(
            proposal=proposal, signer_pk=wang.pk, actor=world.reviewer, note="书面"
        )
    assert statuses(proposal)["王建国"] == Signer.Status.DECLINED


# --- On the proposal page -------------------------------------------------------------------


@pytest.mark.clause("C4.6")
def test_the_proposer_stops_waiting_from_the_proposal_page(client, world):
    proposal = cosigning(world)
    client.force_login(world.user("zhang"))
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "撤回未答复邀请并提交审查" in page
    response = client.post(f"/proposals/{proposal.pk}/act/cosign_withdraw/")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "撤回未答复邀请并提交审查" not in page
    assert "已撤回邀请" in page  # beside each withdrawn co-signer's name

    # The withdrawn co-signer's list no longer counts it as theirs; the invitations page
    # still says what became of it.
    client.force_login(world.user("li"))
    assert proposal.title not in client.get("/proposals/mine/").content.decode()
    assert "已撤回邀请" in client.get("/proposals/cosign/").content.decode()


def test_the_committee_confirms_for_a_co_signer_on_the_proposal_page(client, world):
    proposal = cosigning(world, cosigners=["wang"])
    wang = proposal.signers.get()
    # A member (the co-signer, the proposer) is not offered the committee's form.
    for key in ("wang", "zhang"):
        client.force_login(world.user(key))
        assert (
            'id="form-cosign_for"' not in client.get(proposal.get_absolute_url()).content.decode()
        )
    client.force_login(world.reviewer)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'id="form-cosign_for"' in page and "王建国" in page
    # Without saying how the confirmation came, it is refused and nothing changes.
    response = client.post(
        f"/proposals/{proposal.pk}/act/cosign_for/", {"cosign_for-signer": wang.pk}
    )
    assert response.status_code == 400
    assert statuses(proposal)["王建国"] == Signer.Status.INVITED
    response = client.post(
        f"/proposals/{proposal.pk}/act/cosign_for/",
        {"cosign_for-signer": wang.pk, "cosign_for-note": "收到书面签字"},
        follow=True,
    )
    assert "提案已进入审查" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert statuses(proposal)["王建国"] == Signer.Status.CONFIRMED


# --- A reminder when an invitation waits ----------------------------------------------------


@pytest.mark.clause("C4.6")
def test_an_unanswered_invitation_is_reminded_once_after_three_working_days(client, world):
    # Sent on Thursday 5 March 2026 (Beijing): three working days on is Tuesday the 10th.
    with time_machine.travel(dt.datetime(2026, 3, 5, 2, 0, tzinfo=dt.UTC), tick=False):
        proposal = cosigning(world)
    services.signer_respond(proposal=proposal, actor=world.user("wang"), confirm=True)
    client.force_login(world.reviewer)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "2026年3月5日邀请" in page  # the committee sees how long it has waited
    assert services.cosign_remind(today=dt.date(2026, 3, 9)) == 0
    assert services.cosign_remind(today=dt.date(2026, 3, 10)) == 1
    assert services.cosign_remind(today=dt.date(2026, 3, 11)) == 0  # once

    def titles(key):
        return list(
            Notification.objects.filter(recipient=world.user(key)).values_list("title", flat=True)
        )

    assert titles("li").count(f"联名提案仍待您确认：{proposal.title}") == 1
    assert not any("仍待您确认" in t for t in titles("wang"))  # he has answered
    told = Notification.objects.get(
        recipient=world.user("zhang"), title__startswith="联名邀请尚未全部答复"
    )
    assert "李明" in told.body and "王建国" not in told.body and "撤回" in told.body


def test_no_reminder_once_the_proposal_left_co_signing_and_the_office_sets_the_days(world):
    from xieshang.orgs import config
    from xieshang.proposals import rules

    with time_machine.travel(dt.datetime(2026, 3, 5, 2, 0, tzinfo=dt.UTC), tick=False):
        config.set_value(world.district, rules.COSIGN_REMIND_DAYS, 5, actor=world.office)
        waiting = cosigning(world, cosigners=["wang"])
        answered = cosigning(world, cosigners=["li"])
    services.cosign_withdraw_pending(proposal=answered, actor=world.user("zhang"))
    assert services.cosign_remind(today=dt.date(2026, 3, 11)) == 0
    assert services.cosign_remind(today=dt.date(2026, 3, 12)) == 1
    assert waiting.signers.get().reminded_at is not None
    assert answered.signers.get().reminded_at is None
    # The scheduler runs it every morning.
    from xieshang.core import scheduler

    assert "proposals.remind_cosigners" in scheduler.registry()
