"""The figures' and work report's charts by the first proposer's sector and party: the seat
in the proposal's own organisation, latest term; counted in a fixed number of queries
however many proposals and committees (issue 14: a city's or province's statistics looked
the seat up once per proposal)."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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


def test_the_export_of_an_organisation_with_many_units_is_made_in_the_background(
    client, world, settings, django_capture_on_commit_callbacks
):
    """A province's file lists every handling unit below it (9 s for the demo's 4,342):
    past the export threshold of units it becomes a job whose file its owner downloads; a
    district's stays a direct download."""
    from openpyxl import load_workbook

    from tests.factories import DepartmentFactory, user_with_role
    from xieshang.core.jobs import Job
    from xieshang.orgs.models import Role

    proposal(world, status=S.SUBMITTED)
    city_office = user_with_role(Role.OFFICE, world.city)
    for n in range(3):
        DepartmentFactory(organisation=world.other_district, name=f"另一区局{n}")
    settings.EXPORT_JOB_THRESHOLD = 4  # the district has 2 units, the city 5
    url = reverse("proposals:figures_export")

    client.force_login(world.office)
    direct = client.get(url, {"year": 2026})
    assert direct.status_code == 200 and not Job.objects.exists()

    client.force_login(city_office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url, {"year": 2026})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.result_name == "示范市政协2026年提案办理统计.xlsx"
    download = client.get(reverse("job_download", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert [ws.title for ws in book.worksheets][:2] == ["承办单位办理情况", "提案总体情况"]
