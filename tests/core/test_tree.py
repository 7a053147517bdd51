"""C2.9 roll-up along the tree: the user's node and each child in rows, every module's
figures over each child's subtree, drill-down within the user's subtree only, and a query
count that does not grow with the number of children."""

import datetime as dt
import itertools
import re

import pytest
from django.utils import timezone

from tests.factories import MemberFactory, TermFactory, make_org, seat, user_with_role
from xieshang.consultation.models import Activity
from xieshang.core import tree
from xieshang.duty.models import DutyKind, DutyRecord
from xieshang.meetings.models import Invitation, Meeting, MeetingKind
from xieshang.opinions.models import Opinion
from xieshang.orgs.models import Level, Role
from xieshang.proposals.models import Proposal
from xieshang.residents.models import ResidentIssue

pytestmark = [pytest.mark.django_db, pytest.mark.clause("C2.9")]

YEAR = 2025
# The page with every module: session, user, roles, the node's children and trail, the
# providers' own checks and their grouped queries (one to four each), never per child.
# Every column is a read, which reaches down without asking what a write stops at.
QUERIES = 19  # the duty column reads its subtree's paths once (duty.tree)
_seq = itertools.count()


def at(month, day):
    return timezone.make_aware(dt.datetime(YEAR, month, day, 9))


def proposals(org, *statuses):
    for s in statuses:
        Proposal.objects.create(organisation=org, year=YEAR, title=f"提案{next(_seq)}", status=s)


def opinions(org, *statuses):
    for s in statuses:
        Opinion.objects.create(
            organisation=org, year=YEAR, title=f"信息{next(_seq)}", suggestions="建议", status=s
        )


def activities(org, *statuses):
    for s in statuses:
        Activity.objects.create(
            organisation=org,
            title=f"协商{next(_seq)}",
            form="symposium",
            date=dt.date(YEAR, 5, 1),
            place="会议室",
            status=s,
        )


def issues(org, *statuses):
    for s in statuses:
        n = next(_seq)
        ResidentIssue.objects.create(
            organisation=org,
            ticket=f"T{n}",
            check_code_hash="x",
            title=f"事项{n}",
            description="内容",
            channel="portal",
            status=s,
            created_at=at(4, 1),
        )


def meeting(org, *outcomes):
    m = Meeting.objects.create(
        organisation=org,
        kind=MeetingKind.STANDING,
        title=f"会议{next(_seq)}",
        start=at(6, 1),
        end=at(6, 1) + dt.timedelta(hours=3),
        status=Meeting.Status.CLOSED,
    )
    for o in outcomes:
        Invitation.objects.create(
            meeting=m, name=f"委员{next(_seq)}", category=Invitation.Category.MEMBER, outcome=o
        )


def district(city, name, members=1):
    org = make_org(name, parent=city)
    term = TermFactory(organisation=org, number=15, start_date=dt.date(2022, 1, 10))
    seated = []
    for _i in range(members):
        m = MemberFactory(organisation=org)
        seat(m, term)
        seated.append(m)
    return org, seated


@pytest.fixture
def city():
    """A city with two districts; district A has a street under it."""
    c = make_org("示范市政协", Level.CITY)
    TermFactory(organisation=c, number=15, start_date=dt.date(2022, 1, 10))
    office = user_with_role(Role.OFFICE, c, full_name="市政协办公室")
    a, a_members = district(c, "甲区政协", members=2)
    b, _ = district(c, "乙区政协", members=1)
    street = make_org("甲区某街道", Level.STREET, parent=a)
    P, Op, A = Proposal.Status, Opinion.Status, Activity.Status
    proposals(a, P.SUBMITTED, P.ACCEPTED, P.ANSWERED, P.DRAFT)
    proposals(b, P.ACCEPTED)
    proposals(c, P.SUBMITTED)
    opinions(a, Op.SUBMITTED, Op.PUBLISHED, Op.DRAFT)
    activities(a, A.HELD)
    activities(b, A.HELD, A.HELD, A.PLANNED)
    R = ResidentIssue.Status
    issues(street, R.CLOSED, R.REJECTED)
    issues(b, R.SUBMITTED)
    Out = Invitation.Outcome
    meeting(a, Out.PRESENT, Out.LATE, Out.PRESENT, Out.ABSENT)
    # Duty: one of A's two members earns 2 meetings × 5 points; B's member nothing.
    DutyRecord.objects.create(
        member=a_members[0],
        organisation=a,
        kind=DutyKind.MEETING,
        date=dt.date(YEAR, 3, 1),
        title="会议",
        quantity=2,
        status=DutyRecord.Status.CONFIRMED,
    )
    return c, office, a, b


def cells(html, org):
    row = html.split(f'data-org="{org.pk}"', 1)[1].split("</tr>", 1)[0]
    return [c.split(">", 1)[1].split("</td>", 1)[0].strip() for c in row.split("<td")[2:]]


def test_each_child_and_the_parent_total(client, city):
    c, office, a, b = city
    client.force_login(office)
    response = client.get(f"/dashboard/tree/?year={YEAR}")
    assert response.status_code == 200
    html = response.content.decode()
    # proposals (received, accepted, answered), consultation (held), opinions (submitted,
    # adopted), meetings (held, attendance %), residents (received, closed), duty (members,
    # average score)
    assert cells(html, a) == ["3", "2", "1", "1", "2", "1", "1", "75.0", "1", "1", "2", "5.0"]
    assert cells(html, b) == ["1", "1", "0", "2", "0", "0", "0", "—", "1", "0", "1", "0.0"]
    assert cells(html, c) == ["5", "3", "1", "3", "2", "1", "1", "75.0", "2", "1", "3", "3.3"]
    assert "chart-tree-children" in html
    # The city's own committee has a row of its own (one submitted proposal, nothing else),
    # so the total is the own row plus the children, column by column.
    own = html.split('data-part="own"', 1)[1].split("</tr>", 1)[0]
    assert "示范市政协（本级）" in own
    own_cells = [x.split(">", 1)[1].split("</td>", 1)[0].strip() for x in own.split("<td")[2:]]
    assert own_cells == ["1", "0", "0", "0", "0", "0", "0", "—", "0", "0", "0", "—"]
    for i in (0, 1, 2, 3, 4, 5, 6, 8, 9, 10):  # the counts; rates and averages are not sums
        assert int(cells(html, c)[i]) == sum(
            int(row[i]) for row in (own_cells, cells(html, a), cells(html, b))
        )


def test_drill_down_and_another_branch_is_refused(client, city):
    c, office, a, b = city
    a_office = user_with_role(Role.OFFICE, a, full_name="甲区办公室")
    client.force_login(office)
    html = client.get(f"/dashboard/tree/{a.pk}/?year={YEAR}").content.decode()
    assert "甲区某街道" in html and "乙区政协" not in html.split("</nav>", 1)[1]
    # The trail leads up from the district, without naming the district twice.
    trail = html.split('<ol class="breadcrumb', 1)[1].split("</ol>", 1)[0]
    assert trail.count("示范市政协") == 1 and trail.count("甲区政协") == 1
    client.force_login(a_office)
    assert client.get(f"/dashboard/tree/{b.pk}/").status_code == 404
    assert client.get(f"/dashboard/tree/{c.pk}/").status_code == 404
    assert client.get("/dashboard/tree/").status_code == 200
    client.force_login(user_with_role(Role.MEMBER, a))
    assert client.get("/dashboard/tree/").status_code == 404


def test_the_query_count_does_not_grow_with_children(client, city, django_assert_num_queries):
    c, office, a, b = city
    client.force_login(office)
    client.get(f"/dashboard/tree/?year={YEAR}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        client.get(f"/dashboard/tree/?year={YEAR}")
    for i in range(3):
        d, _ = district(c, f"新区{i}政协", members=2)
        proposals(d, Proposal.Status.SUBMITTED)
    assert len(two.captured_queries) == QUERIES
    with django_assert_num_queries(QUERIES):
        html = client.get(f"/dashboard/tree/?year={YEAR}").content.decode()
    assert "新区2政协" in html
    assert len(tree._providers) == 6


def test_the_english_tree_reads_its_columns_as_states_and_its_counts_with_a_space(client, city):
    """A tester read the English roll-up's columns "Accept" and "Close" (the buttons' words)
    and a chart cell "226item(s)"."""
    c, office, a, b = city
    client.force_login(office)
    client.cookies["django_language"] = "en"
    html = client.get(f"/dashboard/tree/?year={YEAR}").content.decode()
    headers = re.findall(r'<th class="xs-col-nowrap">([^<]*)</th>', html)
    assert "Accepted" in headers and "Closed" in headers
    assert "Accept" not in headers and "Close" not in headers
    assert re.search(r">\d+ item\(s\)</td>", html)
    assert not re.search(r">\d+item\(s\)</td>", html)
