"""A proposal's year is one year everywhere: the year of its number series and statistics is
the year its proposers' duty records score in (a plenary proposal's session's year, a
between-session proposal's submission year), and a year whose commendation has settled its
scores is never written into afterwards (decisions 2026-12-05)."""

import datetime as dt

import pytest
import time_machine

from tests.proposals.conftest import draft
from xieshang.core.models import Event
from xieshang.duty import selectors
from xieshang.duty.award_models import Commendation
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.proposals import services
from xieshang.proposals.models import Proposal
from xieshang.proposals.services.review import duty_date

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """`hour` o'clock Beijing time on `day`."""
    return dt.datetime(day.year, day.month, day.day, hour - 8, 0, tzinfo=dt.UTC)


def submit(world, proposal):
    services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
    proposal.refresh_from_db()
    return proposal


def accept(world, proposal):
    services.proposal_accept(proposal=proposal, actor=world.reviewer)
    proposal.refresh_from_db()
    return proposal


def first_record(world, proposal) -> DutyRecord:
    return DutyRecord.objects.get(
        member=world.members["zhang"], kind=DutyKind.PROPOSAL_FIRST, object_id=str(proposal.pk)
    )


def score(world, year: int):
    return selectors.scores(world.district, year, [world.members["zhang"].pk])[
        world.members["zhang"].pk
    ].total


# --- 2. a between-session proposal belongs to the year it is submitted in ----------------


def test_a_december_draft_submitted_in_march_is_numbered_and_counted_in_march(world):
    with time_machine.travel(at(dt.date(2026, 12, 20))):
        proposal = draft(world)
    assert proposal.year == 2026  # a draft's year until it is sent
    with time_machine.travel(at(dt.date(2027, 3, 2))):
        submit(world, proposal)
    assert proposal.kind == Proposal.Kind.INTERIM
    assert proposal.year == 2027
    assert proposal.number == "2027年平时提案第0001号"
    assert Proposal.objects.filter(organisation=world.district, year=2026).count() == 0


def test_a_returned_proposal_resubmitted_next_year_keeps_its_series(world):
    """Classified once, at the first submission: a revision sent after New Year keeps the
    year and number it was given."""
    with time_machine.travel(at(dt.date(2026, 12, 21))):
        proposal = submit(world, draft(world))
        services.proposal_return(proposal=proposal, actor=world.reviewer, note="请补充数据。")
    with time_machine.travel(at(dt.date(2027, 1, 6))):
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.RETURNED
        submit(world, proposal)
    assert proposal.status == Proposal.Status.SUBMITTED
    assert (proposal.year, proposal.number) == (2026, "2026年平时提案第0001号")


# --- 3. the duty record scores in the proposal's year --------------------------------------


def test_a_plenary_proposal_of_december_scores_in_its_sessions_year(world):
    """Submitted 2025-12-25 for the session opening 2026-01-12: a 2026 statistic, and so a
    2026 score, dated on the opening day; nothing in the member's 2025 evaluation."""
    with time_machine.travel(at(dt.date(2025, 12, 25))):
        proposal = submit(world, draft(world, cosigners=()))
    assert (proposal.kind, proposal.year) == (Proposal.Kind.PLENARY, 2026)
    with time_machine.travel(at(dt.date(2025, 12, 30))):
        accept(world, proposal)
        assert first_record(world, proposal).date == dt.date(2026, 1, 12)
        assert score(world, 2025) == 0
        assert score(world, 2026) > 0


def test_the_cosigners_record_is_in_the_same_year(world):
    with time_machine.travel(at(dt.date(2025, 12, 25))):
        proposal = draft(world, cosigners=("wang",))
        services.proposal_submit(proposal=proposal, actor=world.user("zhang"))
        services.signer_respond(proposal=proposal, actor=world.user("wang"), confirm=True)
        proposal.refresh_from_db()
    with time_machine.travel(at(dt.date(2026, 1, 5))):
        accept(world, proposal)
    dates = set(DutyRecord.objects.filter(object_id=str(proposal.pk)).values_list("kind", "date"))
    assert dates == {
        (DutyKind.PROPOSAL_FIRST, dt.date(2026, 1, 12)),
        (DutyKind.PROPOSAL_COSIGNER, dt.date(2026, 1, 12)),
    }


def test_a_proposal_submitted_in_its_year_is_dated_the_day_it_was_submitted(world):
    with time_machine.travel(at(dt.date(2026, 3, 2))):
        proposal = submit(world, draft(world))
    with time_machine.travel(at(dt.date(2026, 3, 9))):
        accept(world, proposal)
    assert first_record(world, proposal).date == dt.date(2026, 3, 2)


def test_the_duty_date_stays_inside_the_proposals_year():
    assert duty_date(2026, dt.date(2025, 12, 25), dt.date(2026, 1, 12)) == dt.date(2026, 1, 12)
    assert duty_date(2026, dt.date(2025, 12, 25)) == dt.date(2026, 1, 1)
    assert duty_date(2026, dt.date(2027, 1, 3)) == dt.date(2026, 12, 31)
    assert duty_date(2026, dt.date(2026, 5, 3)) == dt.date(2026, 5, 3)


# --- 1. a settled year's scores do not move --------------------------------------------------


def test_a_proposal_of_a_published_year_accepted_later_scores_in_the_open_year(world):
    with time_machine.travel(at(dt.date(2026, 12, 28))):
        proposal = submit(world, draft(world))
    assert (proposal.kind, proposal.year) == (Proposal.Kind.INTERIM, 2026)
    with time_machine.travel(at(dt.date(2027, 1, 7))):
        Commendation.objects.create(
            organisation=world.district, year=2026, status=Commendation.Status.PUBLISHED
        )
        published = score(world, 2026)
    with time_machine.travel(at(dt.date(2027, 1, 8))):
        accept(world, proposal)
        record = first_record(world, proposal)
        assert record.date == dt.date(2027, 1, 8)
        assert score(world, 2026) == published  # the published scores stand
        assert score(world, 2027) > 0
    assert record.evidence == (
        "原应记于2026年12月28日；2026年度表彰名单已公布，该年度的履职积分已定格，"
        "改记于2027年1月8日，计入2027年度。"
    )
    event = Event.objects.get(verb="duty.record_carried")
    assert event.note == record.evidence
    assert event.object_repr.startswith("2027年1月8日 张丽华 提案（第一提案人）")


def test_a_year_whose_list_is_only_drafted_still_takes_the_record(world):
    with time_machine.travel(at(dt.date(2026, 12, 28))):
        proposal = submit(world, draft(world))
    Commendation.objects.create(
        organisation=world.district, year=2026, status=Commendation.Status.DRAFT
    )
    with time_machine.travel(at(dt.date(2027, 1, 8))):
        accept(world, proposal)
    record = first_record(world, proposal)
    assert (record.date, record.evidence) == (dt.date(2026, 12, 28), "")
    assert not Event.objects.filter(verb="duty.record_carried").exists()


def test_a_key_proposal_approved_next_january_scores_in_the_proposals_year(world):
    """The chairman's meeting approves December's key proposals in January: the key record
    of a 2026 proposal is dated in 2026, the year the figures count the key proposal in."""
    with time_machine.travel(at(dt.date(2026, 12, 10))):
        proposal = accept(world, submit(world, draft(world)))
        services.key_shortlist(proposal=proposal, actor=world.reviewer)
    with time_machine.travel(at(dt.date(2027, 1, 8))):
        services.key_approve(proposal=proposal, actor=world.chair, leading_leader="刘副区长")
    record = DutyRecord.objects.get(
        member=world.members["zhang"], kind=DutyKind.KEY_PROPOSAL_FIRST, object_id=str(proposal.pk)
    )
    assert record.date == dt.date(2026, 12, 31)
