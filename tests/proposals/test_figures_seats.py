"""The figures' and work report's charts by the first proposer's sector and party: the seat
in the proposal's own organisation, latest term; counted in a fixed number of queries
however many proposals and committees (issue 14: a city's or province's statistics looked
the seat up once per proposal)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MemberFactory, SectorFactory, TermFactory, seat
from tests.proposals.test_figures import proposal
from xieshang.orgs.models import Party
from xieshang.proposals import figures
from xieshang.proposals.models import Proposal

pytestmark = [pytest.mark.clause("C4.6")]

S = Proposal.Status


def test_a_proposal_counts_under_its_first_proposers_latest_seat_in_its_own_organisation(world):
    """王建国 sat in the 14th term for 经济界 (中国共产党) and sits in the 15th for 教育界
    (中国民主同盟): his proposal is counted under 教育界 and 中国民主同盟. A seat in another
    district does not count for a proposal here; a proposal of a body has no sector."""
    economy = SectorFactory(organisation=world.district, name="经济界")
    education = SectorFactory(organisation=world.district, name="教育界")
    older = TermFactory(
        organisation=world.district,
        number=14,
        start_date=dt.date(2017, 1, 10),
        end_date=dt.date(2022, 1, 9),
    )
    wang = world.members["wang"]
    seat(wang, older, sector=economy, party=Party.objects.get(name="中国共产党"))
    current = wang.memberships.get(term=world.term)
    current.sector = education
    current.party = Party.objects.get(name="中国民主同盟")
    current.save()
    proposal(world, status=S.SUBMITTED, first_proposer=wang)
    proposal(world, status=S.ACCEPTED, first_proposer=wang)
    # A member of the other district, seated there only, first proposer of a proposal here.
    stranger = MemberFactory(organisation=world.other_district, name="赵强")
    other_term = TermFactory(organisation=world.other_district, number=9)
    seat(stranger, other_term, sector=economy)
    proposal(world, status=S.SUBMITTED, first_proposer=stranger)
    proposal(world, status=S.SUBMITTED, first_proposer=None, proposer_body="民盟区委")
    proposal(world, status=S.DRAFT, first_proposer=wang)  # not received

    fig = figures.figures(world.city, 2026)

    assert dict(fig.received_by("sector")) == {"教育界": 2, "": 2}
    assert dict(fig.received_by("party")) == {"中国民主同盟": 2, "": 2}
    assert sum(n for _c, n in fig.by_category()) == 4
    assert sum(n for _y, _m, n in fig.by_month()) == 0  # none has a submission time


def _queries(organisation) -> int:
    with CaptureQueriesContext(connection) as ctx:
        figures.received_by_category_and_month(organisation, 2026)
    return len(ctx)


def test_the_charts_counts_take_the_same_queries_for_more_proposals_and_committees(world):
    proposal(world, status=S.SUBMITTED)
    small = _queries(world.city)
    for key in ("zhang", "li"):
        for _n in range(3):
            proposal(world, status=S.ACCEPTED, first_proposer=world.members[key])
    other_term = TermFactory(organisation=world.other_district, number=9)
    for n in range(4):
        member = MemberFactory(organisation=world.other_district, name=f"委员{n}")
        seat(member, other_term)
        proposal(world, status=S.SUBMITTED, org=world.other_district, first_proposer=member)
    assert _queries(world.city) == small == 3
