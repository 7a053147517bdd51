"""The proposers' duty records of a proposal's review, written by duty on the signals
proposals sends (`proposals.signals.proposal_accepted` / `key_proposal_approved`): the
same records as when proposals wrote them itself, in the review's own transaction."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction

from tests.proposals.conftest import draft, submitted
from xieshang.core.models import Event
from xieshang.duty import selectors
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.proposals import services
from xieshang.proposals.models import Proposal

S = Proposal.Status


def at(day: dt.date):
    return dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing


def records():
    return [
        (
            r.member.name,
            r.kind,
            r.date,
            r.quantity,
            r.title,
            r.content_type.model if r.content_type_id else None,
            r.object_id,
            r.source,
            r.status,
            r.evidence,
            r.created_by_id,
            r.organisation.name,
        )
        for r in DutyRecord.objects.select_related(
            "member", "organisation", "content_type"
        ).order_by("id")
    ]


def submitted_with_one_declined(world, title):
    """Proposed by 张丽华; 王建国 co-signs, 李明 declines."""
    proposal = draft(world, cosigners=["wang", "li"], title=title)
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    services.signer_respond(proposal=proposal, actor=world.user("wang"), confirm=True)
    services.signer_respond(proposal=proposal, actor=world.user("li"), confirm=False)
    proposal.refresh_from_db()
    return proposal


def test_acceptance_merger_and_key_approval_credit_the_proposers_once_each(world):
    with time_machine.travel(at(dt.date(2026, 3, 2))):
        main = submitted_with_one_declined(world, "关于加快老旧小区加装电梯的建议")
    with time_machine.travel(at(dt.date(2026, 3, 3))):
        other = submitted(world, key="wang", cosigners=["li"], title="关于老旧小区电梯改造的建议")
    with time_machine.travel(at(dt.date(2026, 3, 5))):
        services.proposal_accept(proposal=main, actor=world.reviewer)
    with time_machine.travel(at(dt.date(2026, 3, 6))):
        services.proposal_merge(proposal=other, into=main, actor=world.reviewer)
    with time_machine.travel(at(dt.date(2026, 3, 20))):
        services.key_shortlist(proposal=main, actor=world.reviewer)
        services.key_approve(proposal=main, actor=world.chair, leading_leader="刘副区长")
        # Accepting again is refused and writes nothing twice.
        with pytest.raises(Exception):  # noqa: B017 - TransitionError
            services.proposal_accept(proposal=main, actor=world.reviewer)

    main_title, other_title = main.title, other.title

    def rec(name, kind, day, title, proposal):
        # One of it, system-made, confirmed, no note, by nobody, in the member's district.
        return (name, kind, day, Decimal("1.00"), title, "proposal", str(proposal.pk),
                "system", "confirmed", "", None, "示范区政协")  # fmt: skip

    assert records() == [
        # 立案: the submission day, the first proposer and the confirmed co-signer only.
        rec("张丽华", DutyKind.PROPOSAL_FIRST, dt.date(2026, 3, 2), main_title, main),
        rec("王建国", DutyKind.PROPOSAL_COSIGNER, dt.date(2026, 3, 2), main_title, main),
        # 并案: the merged proposal counts for its own proposers as an accepted one.
        rec("王建国", DutyKind.PROPOSAL_FIRST, dt.date(2026, 3, 3), other_title, other),
        rec("李明", DutyKind.PROPOSAL_COSIGNER, dt.date(2026, 3, 3), other_title, other),
        # The chairman's meeting's key proposal: the approval day.
        rec("张丽华", DutyKind.KEY_PROPOSAL_FIRST, dt.date(2026, 3, 20), main_title, main),
        rec("王建国", DutyKind.KEY_PROPOSAL_COSIGNER, dt.date(2026, 3, 20), main_title, main),
    ]
    members = [world.members[k].pk for k in ("zhang", "wang", "li")]
    totals = selectors.scores(world.district, 2026, members)
    # 张丽华 first proposer and key first proposer, 王建国 both kinds of each, 李明 co-signer.
    assert [totals[pk].total for pk in members] == [Decimal(30), Decimal(21), Decimal(3)]


def test_a_duty_record_that_cannot_be_written_refuses_the_acceptance(world, monkeypatch):
    """The records are written in the acceptance's transaction: when the co-signer's fails,
    the first proposer's already written goes too, and the proposal is not accepted."""
    from xieshang.duty.services import recording

    real = recording.record_duties
    calls = []

    def second_fails(facts, **kwargs):
        calls.append(facts)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(facts, **kwargs)

    monkeypatch.setattr(recording, "record_duties", second_fails)
    proposal = submitted(world, cosigners=["wang"])
    with pytest.raises(RuntimeError):
        services.proposal_accept(proposal=proposal, actor=world.reviewer)
    assert len(calls) == 2  # the first proposer's record was written, then rolled back
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert not DutyRecord.objects.exists()
    assert not Event.objects.filter(verb="proposal.accept").exists()


def test_an_acceptance_rolled_back_takes_its_duty_records_with_it(world):
    proposal = submitted(world, cosigners=["wang"])

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        services.proposal_accept(proposal=proposal, actor=world.reviewer)
        assert DutyRecord.objects.filter(object_id=str(proposal.pk)).count() == 2
        raise Abandoned
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert not DutyRecord.objects.exists()
