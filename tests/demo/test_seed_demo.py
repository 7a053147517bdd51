"""`manage.py seed_demo`: the demo district that `make run` serves."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.demodata import demo  # noqa: F401 - a module fixture
from xieshang.core.models import User
from xieshang.demo import accounts
from xieshang.demo.data import DEMO_ACCOUNTS
from xieshang.members.models import HigherLevelMember, Member, Membership, StreetConvener
from xieshang.orgs.models import (
    ActivityGroup,
    Committee,
    Department,
    Level,
    LiaisonRoom,
    Organisation,
    Role,
    RoleAssignment,
    Sector,
)

# The district profile as `seed_demo` leaves it, rolled back after the module so that other
# modules start from an empty database (tests/demodata.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def district() -> Organisation:
    return Organisation.objects.get(name="示范区政协")


def gb11643_valid(number: str) -> bool:
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17]


def test_it_lets_every_demo_account_log_straight_in(client):
    listed = accounts()
    assert len(listed) == len(DEMO_ACCOUNTS)
    for username, label in listed:
        assert label, username
        response = client.post(
            "/accounts/login/", {"username": username, "password": settings.DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        # No forced password change, no expired password: the home page opens.
        home = client.get("/")
        assert home.status_code == 200, (username, home.get("Location"))
        client.logout()


def test_it_refuses_a_wrong_password_for_a_demo_account(client):
    response = client.post("/accounts/login/", {"username": "office", "password": "wrong-Pass1"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_gives_each_demo_account_the_role_it_stands_for():
    expected_org = {
        "district": district(),
        "city": Organisation.objects.get(name="示范市政协"),
        "province": Organisation.objects.get(name="示范省政协"),
    }
    for username, role, where, _label in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        assignment = RoleAssignment.objects.get(user=user, role=role)
        if where == "street":
            assert assignment.organisation.level == Level.STREET
            assert assignment.organisation.parent == district()
        else:
            assert assignment.organisation == expected_org[where], username
        assert not user.must_change_password
    # Every role of the product has a demo login.
    assert {role for _u, role, _w, _l in DEMO_ACCOUNTS} == set(Role.values)


def test_it_ties_department_committee_and_member_accounts_to_their_records():
    education = Department.objects.get(organisation=district(), name="区教育局")
    assert RoleAssignment.objects.get(user__username="dept").department == education
    assert RoleAssignment.objects.get(user__username="dept_leader").department == education
    assert education.leader_user.username == "dept_leader"
    assert education.leader_name == education.leader_user.full_name

    committee = RoleAssignment.objects.get(user__username="committee").committee
    assert committee.name == "经济委员会"
    proposal = RoleAssignment.objects.get(user__username="proposal").committee
    assert proposal.kind == Committee.Kind.PROPOSAL

    member = Member.objects.get(user__username="member")
    seat = member.memberships.get()
    assert seat.status == Membership.Status.ACTIVE
    assert seat.committees.exists()
    chair = Member.objects.get(user__username="chair")
    assert chair.memberships.get().position == "主席"
    leader = Member.objects.get(user__username="group_leader")
    assert leader.organisation == district()
    assert seat.activity_group is not None
    assert set(
        RoleAssignment.objects.filter(user__username="group_leader").values_list("role", flat=True)
    ) == {Role.GROUP_LEADER, Role.MEMBER}
    assert ActivityGroup.objects.filter(organisation=district(), leader=leader).exists()


def test_it_issues_id_numbers_that_pass_the_gb11643_checksum():
    members = list(Member.objects.all())
    assert len(members) > 200
    for member in members:
        number = member.id_number
        assert len(number) == 18 and number[:17].isdigit(), number
        assert gb11643_valid(number), number
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        assert born == member.birth_date
        assert (int(number[16]) % 2 == 1) == (member.gender == "M"), number
        assert member.phone.isdigit() and len(member.phone) == 11 and member.phone[0] == "1"


def test_it_builds_the_district_with_its_streets_sectors_and_committees():
    org = district()
    assert org.parent.name == "示范市政协"
    assert org.parent.parent.name == "示范省政协"
    assert org.path.startswith(org.parent.path)
    streets = Organisation.objects.filter(parent=org, level=Level.STREET)
    assert 10 <= streets.count() <= 14
    assert Organisation.objects.filter(level=Level.COMMUNITY, parent__parent=org).exists()
    assert Sector.objects.filter(organisation=org).count() >= 14
    assert 8 <= Committee.objects.filter(organisation=org).count() <= 10
    assert Department.objects.filter(organisation=org).count() >= 45
    term = org.terms.get()
    assert str(term) == "第十五届"
    fifth = term.sessions.get(number=5)
    # The term is in its last year whenever the demo is seeded: its fifth session is this year's.
    assert fifth.start_date.year == timezone.localdate().year and fifth.start_date.month <= 3
    assert fifth.proposal_deadline is not None
    # Every street has a convener (C5.5).
    assert StreetConvener.objects.filter(street__in=streets).count() == streets.count()


def test_it_leaves_gaps_for_the_checks_pages_to_show():
    streets = Organisation.objects.filter(parent=district(), level=Level.STREET)
    without_room = streets.exclude(pk__in=LiaisonRoom.objects.values("street"))
    without_liaison = streets.exclude(
        pk__in=RoleAssignment.objects.filter(role=Role.LIAISON).values("organisation")
    )
    assert 1 <= without_room.count() <= 2
    assert without_liaison.count() == 1
    active = Membership.objects.filter(
        term__organisation=district(), status=Membership.Status.ACTIVE
    )
    assert 2 <= active.filter(committees=None).count() <= 3
    exits = Membership.objects.filter(term__organisation=district()).exclude(
        status=Membership.Status.ACTIVE
    )
    assert {Membership.Status.RESIGNED, Membership.Status.REVOKED} <= set(
        exits.values_list("status", flat=True)
    )


@pytest.mark.clause("C5.10")
def test_one_revocation_waits_for_the_chairmans_meeting():
    from xieshang.duty.models import ExitProposal

    waiting = ExitProposal.objects.filter(
        organisation=district(), status=ExitProposal.Status.PENDING
    ).select_related("membership")
    assert waiting.count() == 1
    assert waiting.get().membership.status == Membership.Status.ACTIVE


def test_it_weights_parties_and_people_like_a_real_committee():
    seats = Membership.objects.filter(term__organisation=district()).select_related("party")
    total = seats.count()
    assert 180 <= total <= 250
    kinds = [s.party.kind for s in seats]
    assert 0.28 <= kinds.count("cpc") / total <= 0.45
    assert 0.25 <= kinds.count("democratic") / total <= 0.45
    assert 0.12 <= kinds.count("non_party") / total <= 0.28
    members = Member.objects.filter(organisation=district())
    assert 0 < members.exclude(ethnicity="汉族").count() < total * 0.2
    assert members.filter(gender="F").count() > total * 0.2
    assert len(set(members.values_list("name", flat=True))) == members.count()
    assert seats.filter(is_standing=True).count() >= 20
    assert seats.filter(categories__isnull=False).distinct().count() > total * 0.3


def test_it_groups_higher_level_members_under_the_chair():
    residents = HigherLevelMember.objects.filter(organisation=district())
    assert residents.count() >= 3
    chair = Member.objects.get(user__username="chair")
    assert set(residents.values_list("convener", flat=True)) == {chair.pk}
    assert {r.member.organisation.level for r in residents} <= {Level.CITY, Level.PROVINCE}


def test_it_does_nothing_with_if_empty_on_a_seeded_database():
    before = (Organisation.objects.count(), Member.objects.count(), User.objects.count())
    out = io.StringIO()
    call_command("seed_demo", profile="district", if_empty=True, stdout=out)
    assert (Organisation.objects.count(), Member.objects.count(), User.objects.count()) == before
    assert "未生成演示数据" in out.getvalue()


def test_it_refuses_to_seed_a_database_that_has_data():
    with pytest.raises(CommandError, match="已有组织数据"):
        call_command("seed_demo", profile="district", stdout=io.StringIO())


def test_the_demo_district_has_a_year_of_proposals_in_every_state():
    from django.db.models import Count

    from xieshang.followups.models import Task
    from xieshang.proposals.models import Proposal

    proposals = Proposal.objects.filter(organisation=district())
    states = dict(proposals.values_list("status").annotate(n=Count("id")))
    assert set(states) >= {
        "draft",
        "submitted",
        "accepted",
        "assigned",
        "answered",
        "closed",
        "rejected",
        "merged",
    }
    assert 200 <= sum(states.values()) <= 300
    # Plenary proposals are numbered in the session's series, in submission order.
    plenary = list(
        proposals.filter(kind=Proposal.Kind.PLENARY)
        .order_by("serial")
        .values_list("number", flat=True)
    )
    assert plenary[0] == "第十五届第五次会议第0001号"
    assert len(set(plenary)) == len(plenary)
    assert proposals.filter(key_status=Proposal.KeyStatus.APPROVED).count() >= 3
    assert proposals.filter(published_at__isnull=False).exists()
    # Some department is late, and the follow-up engine knows it.
    from django.utils import timezone

    assert Task.objects.filter(status=Task.Status.OPEN, due_date__lt=timezone.localdate()).exists()
    # Every answered proposal has its handling history.
    answered = proposals.filter(status=Proposal.Status.CLOSED).first()
    from xieshang.core.audit import history

    verbs = set(history(answered).values_list("verb", flat=True))
    assert {"proposal.submit", "proposal.accept", "proposal.assign", "proposal.answer"} <= verbs
    # A co-signer waiting was invited the day the proposal's history says it was sent.
    waiting = proposals.filter(status=Proposal.Status.COSIGNING).first()
    sent = history(waiting).get(verb="proposal.submit").created_at
    for signer in waiting.signers.all():
        assert abs(signer.invited_at - sent).total_seconds() < 60
    # The contact-by date (联系提案人时限) is kept on the assignment: it moved back with the
    # assignment, a few working days after it, not the same weeks after the seeding day.
    from xieshang.proposals.models import Assignment

    for assignment in Assignment.objects.filter(proposal__organisation=district()):
        assigned_on = timezone.localtime(assignment.assigned_at).date()
        assert assigned_on <= assignment.contact_due <= assigned_on + dt.timedelta(days=45)


def test_every_mention_of_a_proposal_number_names_that_proposal(client):
    """The seed numbers proposals in submission order after making them; what was written
    with the first numbers (follow-up items, notifications, the text index) follows."""
    import re

    from xieshang.core.models import Notification
    from xieshang.followups.models import Task
    from xieshang.proposals.models import Proposal

    numbered = Proposal.objects.filter(organisation=district()).exclude(number="")
    by_title = {}
    for p in numbered:
        by_title.setdefault(p.title, set()).add(p.number)
    mention = re.compile(r"((?:\d{4}年平时提案|第.+?次会议)第\d{4}号)《(.+?)》")
    checked = 0
    texts = list(Task.objects.filter(organisation=district()).values_list("title", flat=True))
    texts += list(Notification.objects.values_list("title", flat=True))
    for text in texts:
        for number, title in mention.findall(text):
            if title in by_title:
                assert number in by_title[title], text
                checked += 1
    assert checked >= 20
    # The header search finds a proposal by the number the page shows.
    client.force_login(User.objects.get(username="proposal"))
    some = numbered.filter(status=Proposal.Status.ASSIGNED).first()
    found = client.get("/proposals/", {"q": some.number}).content.decode()
    assert some.title in found and "共找到 1 件" in found


@pytest.mark.clause("C3.3", "C6.2", "C5.5")
def test_it_fills_the_pages_around_the_members(client):
    """A newcomer finds talks and visits (some with the demo member), Party groups with gaps
    for the coverage report, the chair as convener and convener activities."""
    from django.urls import reverse

    from xieshang.members.models import (
        ConvenerActivity,
        ConvenerGroup,
        MemberContact,
        PartyGroup,
    )
    from xieshang.members.partygroups import coverage
    from xieshang.members.selectors import current_term

    org = district()
    this_year = timezone.localdate().year
    contacts = MemberContact.objects.filter(organisation=org)
    assert contacts.filter(date__year=this_year).count() >= 10
    assert contacts.filter(date__year=this_year - 1).exists()
    assert contacts.filter(member__user__username="member").exists()
    assert contacts.filter(followup_task__isnull=False).count() == 1
    term = current_term(org)
    assert PartyGroup.objects.filter(term=term).count() == 3
    seats = coverage(term)
    assert sum(1 for s in seats if not s.covered) == 3 and len(seats) > 10
    group = ConvenerGroup.objects.get(organisation=org, term=term)
    assert group.convener.memberships.get(term=term).position == "主席"
    assert ConvenerActivity.objects.filter(organisation=org, street__isnull=False).exists()
    client.force_login(User.objects.get(username="office"))
    for name in ("members:contacts", "members:contact_report", "members:party_groups"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("members:conveners")).status_code == 200


@pytest.mark.clause("C5.8")
def test_last_years_commendation_is_published_on_the_portal(client):
    from django.urls import reverse

    from xieshang.duty.award_models import Commendation

    com = Commendation.objects.get(organisation=district(), year=timezone.localdate().year - 1)
    assert com.status == Commendation.Status.PUBLISHED and com.awards.count() >= 4
    page = client.get(reverse("awards_public:detail", args=[com.pk])).content.decode()
    assert com.awards.order_by("pk").first().name in page


def login(client, username: str) -> None:
    client.force_login(User.objects.get(username=username))


@pytest.mark.clause("C2.9")
def test_the_district_receives_a_notice_from_the_city_and_passes_it_on(client):
    """Down the tree: the district has no lower CPPCC node (streets are not), so it shows the
    receiving side: the city's notice read and passed on to its members, the city's work
    arrangement still unread."""
    from xieshang.meetings.models import Briefing

    city = Organisation.objects.get(name="示范市政协")
    sent = {b.kind: b for b in Briefing.objects.filter(organisation=city)}
    notice = sent[Briefing.Kind.NOTICE].node_receipts.get(organisation=district())
    arrangement = sent[Briefing.Kind.ARRANGEMENT].node_receipts.get(organisation=district())
    assert notice.read_at and notice.passed_on_at
    assert arrangement.read_at is None
    # Its members have it, the demo member among them.
    member = Member.objects.get(user__username="member")
    assert notice.briefing.receipts.filter(member=member).exists()
    login(client, "member")
    page = client.get(f"/meetings/briefings/{notice.briefing_id}/")
    assert page.status_code == 200
    assert notice.briefing.title in page.content.decode()


@pytest.mark.clause("C4.7")
def test_leaders_instructions_leave_tasks_answered_on_time_open_and_overdue():
    from django.utils import timezone

    from xieshang.followups.models import Instruction, Task

    instructed = set(Instruction.objects.values_list("content_type__model", flat=True))
    assert instructed >= {"proposal", "meeting", "opinion"}
    tasks = list(Task.objects.filter(kind=Task.Kind.INSTRUCTION).prefetch_related("feedback"))
    today = timezone.localdate()
    answered = [t for t in tasks if t.was_on_time and t.feedback.all()]
    still_open = [t for t in tasks if t.status == Task.Status.OPEN and t.due_date >= today]
    overdue = [t for t in tasks if t.is_overdue(today)]
    assert answered and still_open and overdue
    # An overdue task was opened back then, not today.
    assert all(t.start_date < today - dt.timedelta(days=20) for t in overdue)


@pytest.mark.clause("C2.9")
def test_an_item_reported_to_the_city_is_adopted_there_and_another_waits(client):
    from xieshang.duty.models import DutyRecord
    from xieshang.followups.models import Referral
    from xieshang.opinions.models import AdoptionLevel, Opinion

    city = Organisation.objects.get(name="示范市政协")
    referrals = Referral.objects.filter(from_organisation=district(), to_organisation=city)
    adopted = referrals.get(state=Referral.State.ADOPTED)
    assert referrals.filter(state=Referral.State.SUBMITTED).exists()
    opinion = Opinion.objects.get(pk=adopted.object_id)
    adoption = opinion.adoptions.get(level=AdoptionLevel.CITY)
    # The demo member wrote it: the city's adoption is in the member's duty file.
    member = Member.objects.get(user__username="member")
    assert opinion.authors.filter(pk=member.pk).exists()
    assert DutyRecord.objects.filter(
        member=member, object_id=str(adoption.pk), content_type__model="adoption"
    ).exists()
    login(client, "city_office")
    queue = client.get("/followups/referrals/").content.decode()
    waiting = referrals.get(state=Referral.State.SUBMITTED)
    assert waiting.item_title in queue


def test_the_demo_proposals_duty_records_score_in_the_proposals_year():
    """As acceptance dates them (proposals' review.duty_date): a plenary proposal the seed
    moved into the December before its session scores in the session's year."""
    from django.utils import timezone

    from xieshang.duty.models import DutyKind, DutyRecord
    from xieshang.proposals.models import Proposal

    years = {
        p.pk: (p.year, timezone.localtime(p.submitted_at).date())
        for p in Proposal.objects.filter(organisation=district(), submitted_at__isnull=False)
    }
    records = DutyRecord.objects.filter(
        content_type__model="proposal",
        kind__in=[DutyKind.PROPOSAL_FIRST, DutyKind.PROPOSAL_COSIGNER],
        object_id__in=[str(pk) for pk in years],
    ).values_list("object_id", "date")
    assert records and all(day.year == years[int(pk)][0] for pk, day in records)


def test_the_member_login_has_proposals_of_its_own_and_an_invitation_to_co_sign(client):
    """A newcomer logging in as `member` opened an empty 我的提案 (the chair, the first member
    with an account, had the demo member's proposals)."""
    from xieshang.proposals.models import Proposal, Signer

    member = Member.objects.get(user__username="member")
    own = Proposal.objects.filter(first_proposer=member)
    assert own.count() >= 5
    assert {"draft", "answered", "closed"} <= set(own.values_list("status", flat=True))
    assert Signer.objects.filter(
        member=member, status=Signer.Status.INVITED, proposal__status="cosigning"
    ).exists()

    client.force_login(User.objects.get(username="member"))
    page = client.get("/proposals/mine/").content.decode()
    assert "您还没有提案" not in page
    assert own.exclude(status="draft").first().title in page
    invited = Signer.objects.filter(member=member, status=Signer.Status.INVITED).first()
    assert invited.proposal.title in client.get("/proposals/cosign/").content.decode()
    # The answer waiting for the member's rating came in lately, not months ago.
    to_rate = client.get("/proposals/to-rate/").content.decode()
    assert own.get(status="answered").title in to_rate
    assert "已逾期" not in to_rate


def past_days(times):
    return [t.date() for t in times if t.date() < timezone.localdate()]


def test_a_demo_proposals_steps_take_days_not_the_same_second():
    """Every demo proposal was submitted, accepted, assigned, answered, rated and closed in
    one second (its history read 03:10 for each step): each step now lands days after the
    last, in office hours, and some assigned proposals are still overdue."""
    from xieshang.followups.models import Task
    from xieshang.proposals.models import Answer, Assignment, Evaluation, Proposal

    closed = Proposal.objects.filter(organisation=district(), status="closed")
    spans = []
    for proposal in closed:
        assigned = min(a.assigned_at for a in Assignment.objects.filter(proposal=proposal))
        answered = max(a.answered_at for a in Answer.objects.filter(assignment__proposal=proposal))
        rated = [
            e.created_at for e in Evaluation.objects.filter(answer__assignment__proposal=proposal)
        ]
        assert proposal.submitted_at < proposal.reviewed_at < assigned < answered
        assert all(answered < r for r in rated if r), proposal.number
        spans.append((answered - proposal.submitted_at).days)
    assert min(spans) >= 5 and sum(spans) / len(spans) > 30, spans

    past = [
        timezone.localtime(p.reviewed_at)
        for p in Proposal.objects.filter(organisation=district(), reviewed_at__isnull=False)
    ]
    assert all(8 <= t.hour < 17 for t in past if t.date() < timezone.localdate())
    # The proposal committee reviews and assigns on weekdays.
    assigned = [
        timezone.localtime(a.assigned_at).date()
        for a in Assignment.objects.filter(proposal__organisation=district())
    ]
    assert all(day.weekday() < 5 for day in past_days(past) + assigned)
    overdue = Task.objects.filter(
        kind=Task.Kind.PROPOSAL,
        status=Task.Status.OPEN,
        due_date__lt=timezone.localdate(),
        organisation=district(),
    )
    assert overdue.exists()


def test_no_unread_notice_asks_to_decide_leave_already_decided(client):
    """The committee login found two unread 请假待审批 notices for a January meeting whose
    leave had long been decided (its 请假审批 queue was empty)."""
    from xieshang.core.models import Notification
    from xieshang.meetings.models import LeaveRequest

    unread = Notification.objects.filter(
        read_at__isnull=True, dedupe_key__startswith="leave:", dedupe_key__endswith=":submitted"
    )
    asked = {int(n.dedupe_key.split(":")[1]) for n in unread}
    statuses = set(LeaveRequest.objects.filter(pk__in=asked).values_list("status", flat=True))
    assert statuses <= {LeaveRequest.Status.PENDING}
    client.force_login(User.objects.get(username="committee"))
    inbox = client.get("/inbox/").content.decode()
    assert "专委会调研座谈（1月）" not in inbox


@pytest.mark.parametrize(
    ("username", "name"), [("city_office", "示范市政协"), ("province_office", "示范省政协")]
)
def test_the_city_and_province_above_have_a_year_of_their_own(client, username, name):
    """The nodes above the demo district are not empty shells: their own members (those
    living in the district) have duty records last year and this year and pass last year's
    evaluation, and their office asked its own special committee for quarterly reports,
    one answered and closed, one open and not overdue, which its home page counts."""
    from xieshang.duty import selectors
    from xieshang.followups.models import Task

    org = Organisation.objects.get(name=name)
    today = timezone.localdate()
    seated = set(
        Membership.objects.filter(
            term__organisation=org, status=Membership.Status.ACTIVE
        ).values_list("member_id", flat=True)
    )
    assert seated
    scores = selectors.scores(org, today.year - 1)
    assert all(scores[m].total > 0 and scores[m].grade != "不称职" for m in seated)
    assert all(selectors.scores(org, today.year)[m].total > 0 for m in seated)
    tasks = Task.objects.filter(organisation=org)
    assert tasks.filter(status=Task.Status.CLOSED, feedback__isnull=False).exists()
    assert tasks.filter(status=Task.Status.OPEN, due_date__gte=today).count() == 1
    assert not tasks.filter(status=Task.Status.OPEN, due_date__lt=today).exists()
    login(client, username)
    home = client.get("/").content.decode()
    assert "/followups/?level=own" in home
