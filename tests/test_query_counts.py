"""Pages that cost the same at every scale (issue 14): the key pages run a fixed number of
queries whatever the data size and the user's organisation level.

Each test measures the pages on a small tree (a province, a city and one district with one
member's work), then grows the data (four more districts under the city, more members,
proposals, leave requests and follow-up tasks in the first district) and measures again: the
counts must be the same. A per-organisation or per-row loop shows up as a difference."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.demodata import check_foreign_keys_now
from tests.factories import (
    DepartmentFactory,
    MemberFactory,
    TermFactory,
    UserFactory,
    make_org,
    seat,
    user_with_role,
)
from xieshang.meetings import services as meeting_services
from xieshang.meetings.models import Invitation, MeetingKind
from xieshang.orgs.models import Level, Role, RoleAssignment, Session
from xieshang.proposals import services as proposal_services

pytestmark = pytest.mark.django_db

TEXT = {
    "title": "关于加快老旧小区加装电梯的建议",
    "facts": "我区2000年以前建成的老旧小区共有住宅楼1200余栋，多数为六层无电梯。",
    "analysis": "加装电梯涉及资金分摊、规划审批和居民意见统一等问题。",
    "suggestions": "一是简化审批流程；二是设立财政补贴；三是建立协商议事机制。",
    "category": "社会建设",
}


class District:
    """A district with its office, chair, proposal committee, one department and its clerk,
    members with logins, their proposals (accepted and assigned: each has a follow-up task)
    and a symposium at which every member asked leave."""

    def __init__(self, city, name: str):
        self.org = make_org(name, Level.DISTRICT, parent=city)
        self.term = TermFactory(organisation=self.org, number=15, start_date=dt.date(2022, 1, 10))
        Session.objects.create(
            term=self.term,
            number=5,
            start_date=dt.date(2026, 1, 12),
            end_date=dt.date(2026, 1, 15),
            proposal_deadline=dt.date(2026, 1, 14),
        )
        self.office = user_with_role(Role.OFFICE, self.org)
        self.chair = user_with_role(Role.CHAIR, self.org)
        self.party_office = user_with_role(Role.PARTY_OFFICE, self.org)
        self.reviewer = user_with_role(Role.PROPOSAL_COMMITTEE, self.org)
        self.department = DepartmentFactory(organisation=self.org)
        self.clerk = user_with_role(Role.DEPARTMENT, self.org, department=self.department)
        self.members = []
        self.proposals = []

    def add_work(self, members: int) -> None:
        new = []
        for _ in range(members):
            user = UserFactory()
            member = MemberFactory(organisation=self.org, user=user)
            seat(member, self.term)
            RoleAssignment.objects.create(user=user, organisation=self.org, role=Role.MEMBER)
            new.append(member)
            proposal = proposal_services.proposal_create(actor=user, organisation=self.org, **TEXT)
            proposal_services.proposal_submit(proposal=proposal, actor=user)
            proposal_services.proposal_accept(proposal=proposal, actor=self.reviewer)
            proposal_services.proposal_assign(
                proposal=proposal, actor=self.reviewer, lead=self.department
            )
            self.proposals.append(proposal)
        self.members += new
        day = timezone.localdate() + dt.timedelta(days=10)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        meeting = meeting_services.meeting_create(
            organisation=self.org,
            actor=self.office,
            kind=MeetingKind.SYMPOSIUM,
            title="座谈会",
            start=start,
            end=start + dt.timedelta(hours=3),
            location="会议室",
        )
        meeting_services.invite(
            meeting=meeting,
            actor=self.office,
            criteria=meeting_services.InviteCriteria(all_members=True),
        )
        meeting_services.meeting_publish(meeting=meeting, actor=self.office)
        for member in new:
            invitation = Invitation.objects.get(meeting=meeting, member=member)
            meeting_services.leave_submit(invitation=invitation, actor=member.user, reason="出差")


class Tree:
    def __init__(self):
        self.province = make_org("示范省政协", Level.PROVINCE)
        self.city = make_org("示范市政协", Level.CITY, parent=self.province)
        self.province_office = user_with_role(Role.OFFICE, self.province)
        self.city_office = user_with_role(Role.OFFICE, self.city)
        self.city_chair = user_with_role(Role.CHAIR, self.city)
        self.first = District(self.city, "示范区政协")
        self.first.add_work(members=1)

    def grow(self) -> None:
        self.first.add_work(members=3)
        for n in range(4):
            District(self.city, f"第{n + 2}区政协").add_work(members=2)


def count(user, url: str) -> int:
    """Queries of one request for `url` by `user`, after a first request has warmed the
    session and the caches."""
    client = Client()
    client.force_login(user)
    first = client.get(url)
    assert first.status_code == 200, (url, first.status_code)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx)


def pages(tree: Tree) -> dict[str, tuple]:
    d = tree.first
    proposal = d.proposals[0]
    return {
        "home, district office": (d.office, "/"),
        "home, city office": (tree.city_office, "/"),
        "home, province office": (tree.province_office, "/"),
        "home, district chair": (d.chair, "/"),
        "home, city chair": (tree.city_chair, "/"),
        "home, proposal committee": (d.reviewer, "/"),
        "home, department clerk": (d.clerk, "/"),
        "home, member": (d.members[0].user, "/"),
        "home, district Party office": (d.party_office, "/"),
        "leave queue, district office": (d.office, "/meetings/leave/"),
        "leave queue, city office": (tree.city_office, "/meetings/leave/"),
        "leave queue, province office": (tree.province_office, "/meetings/leave/"),
        "leave queue, district chair": (d.chair, "/meetings/leave/"),
        "leave queue, city chair": (tree.city_chair, "/meetings/leave/"),
        "proposal list, committee": (d.reviewer, "/proposals/"),
        "proposal list, province office": (tree.province_office, "/proposals/"),
        "proposal page, committee": (d.reviewer, f"/proposals/{proposal.pk}/"),
        "proposal page, office": (d.office, f"/proposals/{proposal.pk}/"),
        "member list, district office": (d.office, "/members/"),
        "member list, province office": (tree.province_office, "/members/"),
        "department queue": (d.clerk, "/proposals/dept/"),
        "follow-up queue, committee": (d.reviewer, "/followups/"),
        "follow-up queue, province office": (tree.province_office, "/followups/"),
        "follow-up feedback to confirm, Party office": (
            d.party_office,
            "/followups/?state=submitted",
        ),
        "figures, district office": (d.office, "/proposals/figures/"),
        "figures, city office": (tree.city_office, "/proposals/figures/"),
        "figures, province office": (tree.province_office, "/proposals/figures/"),
        "work report, province office": (tree.province_office, "/proposals/figures/report/"),
        "assessment, province office": (tree.province_office, "/followups/assessment/"),
    }


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """The key pages' query counts on the small tree and on the grown one, measured once for
    the module (building and growing the tree is most of its time), rolled back at its end."""
    from tests.members.factories import ensure_parties

    with django_db_blocker.unblock(), transaction.atomic():
        ensure_parties()  # a browser test's flush may have emptied them
        tree = Tree()
        small = {name: count(user, url) for name, (user, url) in pages(tree).items()}
        tree.grow()
        large = {name: count(user, url) for name, (user, url) in pages(tree).items()}
        check_foreign_keys_now()
        yield small, large
        transaction.set_rollback(True)


def test_key_pages_run_the_same_number_of_queries_for_more_data_and_more_organisations(measured):
    small, large = measured
    grew = {name: (small[name], large[name]) for name in small if small[name] != large[name]}
    assert not grew, f"query counts grew with the data (small, large): {grew}"


def test_the_province_office_home_page_costs_what_the_district_office_home_page_costs(measured):
    """A province office's home page is no heavier than a district's: the same cards, each
    counted with one query over the subtree, not one per organisation."""
    _small, large = measured
    district = large["home, district office"]
    province = large["home, province office"]
    assert province <= district + 2, (district, province)


# Pinned counts of the larger tree: a page that sheds a query keeps it shed (raise a pin only
# with a reason). The member list reads its 50 rows, their members (with organisation, sector
# and party joined) and their committees; the categories (联系类别) it does not show are not
# read (the API's and the export's rows still prefetch them).
PINNED = {
    "member list, district office": 11,
    "member list, province office": 11,
}


def test_pinned_pages_keep_their_query_counts(measured):
    _small, large = measured
    counted = {name: large[name] for name in PINNED}
    assert counted == PINNED, counted


# The proposal pages' counts (perf-proposals, 2026-12-05). The list's 不满意 stays a query
# of its own over the page's ids (as an EXISTS with the rows PostgreSQL computed it for every
# row of the year before sorting: 260 ms at a province's 30,000). The proposal page reads the
# 督办 records of a key proposal only (perf-page, 2026-12-06: 17/15 before). Raised by one
# (page-read, 2026-12-06: 16/14 before): these count the page built every time (REGION_CACHE
# off); its permission check reads only what it asks of the proposal, so that a kept visit
# reads no more, and the build reads the proposal whole after it.
PROPOSAL_PINS = {
    "proposal list, committee": 11,
    "proposal list, province office": 12,
    "proposal page, committee": 17,
    "proposal page, office": 15,
    "department queue": 7,
}


def test_the_proposal_pages_keep_their_query_counts(measured):
    _small, large = measured
    counted = {name: large[name] for name in PROPOSAL_PINS}
    assert counted == PROPOSAL_PINS, counted


# The home pages served from the card cache shared by the worker processes (HOME_CARDS_CACHE,
# core.dashboard.cached_cards; home-cache, 2026-12-06): a visit with no committed write since
# the last one reads the stored cards in one query instead of running the cards' counts.
HOME_CACHED_PINS = {
    "home, district office": 5,
    "home, city office": 5,
    "home, member": 5,
}


def test_the_home_pages_served_from_the_card_cache_keep_their_query_counts(settings):
    tree = Tree()
    users = {
        "home, district office": tree.first.office,
        "home, city office": tree.city_office,
        "home, member": tree.first.members[0].user,
    }
    built = {name: count(user, "/") for name, user in users.items()}
    settings.HOME_CARDS_CACHE = True
    # count() visits twice: the first stores the cards, the second is measured.
    cached = {name: count(user, "/") for name, user in users.items()}
    assert cached == HOME_CACHED_PINS, (cached, built)
    assert all(built[name] >= cached[name] + 8 for name in users), (cached, built)


# The key lists served from their stored regions (REGION_CACHE, core.regions; perf-lists,
# 2026-12-06): with no committed write since the last visit, the rows, the filter form and the
# counts are one read of core_renderedregion. The member list still audits the phone numbers it
# shows on every visit (the district office's sixth query: the INSERT of the audit row; the
# province office's list shows no phone number of its own organisation's members unmasked).
# The proposal page (perf-regions, 2026-12-06) still reads the proposal for the permission
# check and the title on every visit, only the columns they ask for; its signers only for a
# member's login (page-read, 2026-12-06: 8 before, the signers read for every login); its
# forms get the reader's CSRF token. The login's member is read only when `proposals.view`
# does not already answer (perf-page, 2026-12-06: 7 before, the member read for every login).
REGION_CACHED_PINS = {
    "member list, district office": 6,
    "member list, province office": 5,
    "proposal list, committee": 5,
    "department queue": 5,
    "proposal page, committee": 6,
}


def test_the_key_lists_served_from_their_stored_regions_keep_their_query_counts(settings):
    tree = Tree()
    d = tree.first
    users = {
        "member list, district office": (d.office, "/members/"),
        "member list, province office": (tree.province_office, "/members/"),
        "proposal list, committee": (d.reviewer, "/proposals/"),
        "department queue": (d.clerk, "/proposals/dept/"),
        "proposal page, committee": (d.reviewer, f"/proposals/{d.proposals[0].pk}/"),
    }
    built = {name: count(user, url) for name, (user, url) in users.items()}
    settings.REGION_CACHE = True
    # count() visits twice: the first stores the region, the second is measured.
    cached = {name: count(user, url) for name, (user, url) in users.items()}
    assert cached == REGION_CACHED_PINS, (cached, built)
    assert all(built[name] >= cached[name] + 2 for name in users), (cached, built)
