"""Annual commendation (C5.8): candidate lists of all six award types computed from the
records, each with the rule that put it there; the office proposes, the chairman's meeting
approves or returns, the office publishes on the portal with a commendation decision PDF."""

import datetime as dt
import io
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.duty.factories import record, setting
from tests.factories import DepartmentFactory, MemberFactory, seat, user_with_role
from xieshang.core.models import Event, Notification
from xieshang.duty import awards
from xieshang.duty.award_models import AwardType, Commendation
from xieshang.duty.models import DutyKind
from xieshang.followups.models import Task
from xieshang.orgs import config
from xieshang.orgs.models import ActivityGroup, Role, Sector
from xieshang.proposals.models import Answer, Assignment, Evaluation, Proposal, Rating

pytestmark = pytest.mark.django_db
K = DutyKind
T = AwardType
Y = 2025  # a finished year
BJ = ZoneInfo("Asia/Shanghai")
URL = reverse("duty:commendation") + f"?year={Y}"


def _full_year(member):
    """100 points and the three minimum duties."""
    day = dt.date(Y, 3, 1)
    record(member, K.PLENARY_HALF_DAY, quantity=16, date=day)
    record(member, K.PROPOSAL_FIRST, date=day)
    record(member, K.INSPECTION, date=day)


def _answer(org, dept, handler, member, *, on_time: bool, result: str):
    p = Proposal.objects.create(
        organisation=org,
        year=Y,
        title="关于加快老旧小区加装电梯的建议",
        suggestions="简化审批。",
        status=Proposal.Status.ANSWERED,
        first_proposer=member,
    )
    due = dt.date(Y, 6, 1)
    task = Task.objects.create(
        organisation=org,
        kind=Task.Kind.PROPOSAL,
        title=p.title,
        department=dept,
        start_date=dt.date(Y, 3, 2),
        due_date=due,
        status=Task.Status.SUBMITTED,
        submitted_at=dt.datetime(Y, 5 if on_time else 7, 20, 10, tzinfo=BJ),
    )
    a = Assignment.objects.create(
        proposal=p,
        department=dept,
        role=Assignment.Role.LEAD,
        status=Assignment.Status.ANSWERED,
        task=task,
        round=1,
    )
    answer = Answer.objects.create(
        assignment=a,
        category="A",
        text="已答复。",
        signed_by="局长",
        contact_person="经办人",
        contact_phone="0571-87654321",
        created_by=handler,
        sent_at=timezone.now(),
    )
    Evaluation.objects.create(answer=answer, member=member, process=result, result=result)


class World:
    """Two activity groups (one strong, one with a weak member), two departments (one on
    time and satisfied, one late), their handlers."""

    def __init__(self):
        self.org, self.term, self.office, self.member = setting()
        org, term = self.org, self.term
        self.chair = user_with_role(Role.CHAIR, org, full_name="主席甲")
        sector = Sector.objects.create(organisation=org, name="经济界")
        self.group_a = ActivityGroup.objects.create(organisation=org, name="经济发展委员活动组")
        self.group_b = ActivityGroup.objects.create(organisation=org, name="社会民生委员活动组")
        self.people = {}
        for key, name, group in [
            ("leader_a", "王组长", self.group_a),
            ("a1", "李委员", self.group_a),
            ("leader_b", "赵组长", self.group_b),
            ("b1", "钱委员", self.group_b),
        ]:
            m = MemberFactory(organisation=org, name=name, employer="某某公司总经理")
            seat(m, term, activity_group=group, sector=sector)
            self.people[key] = m
        for key in ("leader_a", "a1", "leader_b"):
            _full_year(self.people[key])
        record(self.people["b1"], K.PLENARY_HALF_DAY, quantity=2, date=dt.date(Y, 3, 1))
        self.group_a.leader = self.people["leader_a"]
        self.group_a.save()
        self.group_b.leader = self.people["leader_b"]
        self.group_b.save()
        self.housing = DepartmentFactory(organisation=org, name="区住建局")
        self.education = DepartmentFactory(organisation=org, name="区教育局")
        self.handler = user_with_role(
            Role.DEPARTMENT, org, department=self.housing, full_name="孙经办"
        )
        self.late = user_with_role(
            Role.DEPARTMENT, org, department=self.education, full_name="周经办"
        )
        a1 = self.people["a1"]
        _answer(org, self.housing, self.handler, a1, on_time=True, result=Rating.SATISFIED)
        _answer(org, self.housing, self.handler, a1, on_time=True, result=Rating.SATISFIED)
        _answer(org, self.education, self.late, a1, on_time=False, result=Rating.UNSATISFIED)
        # Each group met once a quarter: the default minimum for the group awards.
        for group in (self.group_a, self.group_b):
            _group_activities(group, 4)


def _group_activities(group, n, status=None):
    from xieshang.meetings.models import Meeting, MeetingKind

    for i in range(n):
        start = dt.datetime(Y, 2 + 3 * (i % 4), 8, 9, tzinfo=BJ)
        Meeting.objects.create(
            organisation=group.organisation,
            kind=MeetingKind.GROUP,
            title="活动组调研",
            activity_group=group,
            start=start,
            end=start + dt.timedelta(hours=2),
            status=status or Meeting.Status.CLOSED,
        )


@pytest.fixture
def world():
    return World()


def _section(page: str, award_type: str) -> str:
    return page.split(f'id="cand-{award_type}"')[1].split("</table>")[0]


@pytest.mark.clause("C5.8")
def test_it_lists_candidates_of_all_six_types_with_the_rule_behind_each(client, world):
    client.force_login(world.office)
    page = client.get(URL).content.decode()
    expected = {
        T.GROUP: (["经济发展委员活动组"], ["社会民生委员活动组"], "平均履职得分100"),
        T.LEADER: (["王组长"], ["赵组长"], "本人得分100"),
        T.MEMBER: (["王组长", "李委员", "赵组长"], ["钱委员"], "年度履职得分100"),
        T.DEPARTMENT: (["区住建局"], ["区教育局"], "按时办复率100%"),
        T.PROPOSER: (["王组长", "李委员", "赵组长"], ["钱委员"], "第一提案人提案1件"),
        T.HANDLER: (["孙经办"], ["周经办"], "答复提案2件"),
    }
    for award_type, (ins, outs, rule) in expected.items():
        section = _section(page, award_type)
        for name in ins:
            assert name in section, (award_type, name)
        for name in outs:
            assert name not in section, (award_type, name)
        assert rule in section, award_type
    # The unit beside each name: the group's leader, the leader's group, the handler's unit.
    assert "区住建局" in _section(page, T.HANDLER)
    assert "经济发展委员活动组" in _section(page, T.LEADER)


def test_a_committee_commends_the_units_that_answered_its_own_proposals(world):
    """A committee above another (a city above its districts) judges the units and clerks
    that answered its own members, not every district bureau below it: a province office's
    page listed 3,122 units and took 2.8 s."""
    from tests.factories import make_org
    from xieshang.orgs.models import Level

    below = make_org("下级区政协", Level.DISTRICT, parent=world.org)
    unit = DepartmentFactory(organisation=below, name="下级区民政局")
    clerk = user_with_role(Role.DEPARTMENT, below, department=unit, full_name="吴经办")
    member = MemberFactory(organisation=below, name="冯委员")
    for _ in range(2):
        _answer(below, unit, clerk, member, on_time=True, result=Rating.SATISFIED)
    above = awards.candidates(world.org, Y)
    assert [c.name for c in above[T.DEPARTMENT]] == ["区住建局"]
    assert [c.name for c in above[T.HANDLER]] == ["孙经办"]
    own = awards.candidates(below, Y)
    assert [c.name for c in own[T.DEPARTMENT]] == ["下级区民政局"]
    assert [c.name for c in own[T.HANDLER]] == ["吴经办"]


@pytest.mark.clause("C5.8")
def test_its_thresholds_are_the_organisations_configurable_rules(world):
    before = awards.candidates(world.org, Y)
    assert [c.name for c in before[T.HANDLER]] == ["孙经办"]
    config.set_value(world.org, awards.HANDLER_MIN_ANSWERS, 3, actor=world.office)
    config.set_value(world.org, awards.GROUP_MIN_AVERAGE, 50, actor=world.office)
    config.set_value(world.org, awards.GROUP_MIN_SHARE, 50, actor=world.office)
    after = awards.candidates(world.org, Y)
    assert after[T.HANDLER] == []
    assert {c.name for c in after[T.GROUP]} == {"经济发展委员活动组", "社会民生委员活动组"}
    assert "不低于50分" in after[T.GROUP][0].rule


@pytest.mark.clause("C5.8")
def test_groups_and_their_leaders_are_judged_by_the_activities_the_group_held(world):
    from xieshang.meetings.models import Meeting

    _group_activities(world.group_a, 1)
    _group_activities(world.group_a, 1, status=Meeting.Status.CANCELLED)
    config.set_value(world.org, awards.GROUP_MIN_ACTIVITIES, 5, actor=world.office)
    found = awards.candidates(world.org, Y)
    assert [c.name for c in found[T.GROUP]] == ["经济发展委员活动组"]
    assert "年度开展活动5次（不少于5次）" in found[T.GROUP][0].rule
    assert [c.name for c in found[T.LEADER]] == ["王组长"]
    # The cancelled activity does not count.
    config.set_value(world.org, awards.GROUP_MIN_ACTIVITIES, 6, actor=world.office)
    found = awards.candidates(world.org, Y)
    assert found[T.GROUP] == [] and found[T.LEADER] == []


@pytest.mark.clause("C5.8")
def test_a_group_that_held_no_activity_is_not_proposed_by_default(world):
    """Found: candidates read 年度开展活动0次 since the minimum defaulted to 0 (none)."""
    from xieshang.meetings.models import Meeting

    Meeting.objects.filter(activity_group=world.group_a).delete()
    found = awards.candidates(world.org, Y)
    assert found[T.GROUP] == [] and found[T.LEADER] == []
    # Three activities are still short of the default (one a quarter); the fourth makes it.
    _group_activities(world.group_a, 3)
    assert awards.candidates(world.org, Y)[T.GROUP] == []
    _group_activities(world.group_a, 1)
    found = awards.candidates(world.org, Y)
    assert [c.name for c in found[T.GROUP]] == ["经济发展委员活动组"]
    assert "年度开展活动4次（不少于4次）" in found[T.GROUP][0].rule


@pytest.mark.clause("C5.8")
def test_the_candidate_lists_take_a_fixed_number_of_queries(world):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            awards.candidates(world.org, Y)
        return len(ctx.captured_queries)

    count()  # the year's score table is made on first use
    small = count()
    for i in range(6):
        m = MemberFactory(organisation=world.org, name=f"新委员{i}")
        seat(m, world.term, activity_group=world.group_a)
        _full_year(m)
    handler = user_with_role(Role.DEPARTMENT, world.org, department=world.education)
    for _i in range(2):
        _answer(world.org, world.education, handler, m, on_time=True, result=Rating.BASICALLY)
    assert count() == small


def _pick(page_candidates, award_type, name):
    cand = next(c for c in page_candidates[award_type] if c.name == name)
    return f"pick-{cand.key}", f"reason-{cand.key}"


@pytest.mark.clause("C5.8")
def test_office_proposes_chairs_decide_and_the_list_is_published(client, world):
    cands = awards.candidates(world.org, Y)
    post = {}
    chosen = [
        (T.GROUP, "经济发展委员活动组"),
        (T.LEADER, "王组长"),
        (T.MEMBER, "李委员"),
        (T.DEPARTMENT, "区住建局"),
        (T.PROPOSER, "王组长"),
        (T.HANDLER, "孙经办"),
    ]
    for award_type, name in chosen:
        pick, reason = _pick(cands, award_type, name)
        post[pick] = "on"
        post[reason] = "履职突出" if award_type == T.MEMBER else ""

    # The office ticks one candidate of each type (leaving 赵组长 out as a member) …
    client.force_login(world.office)
    assert client.post(URL, post).status_code == 302
    com = Commendation.objects.get(organisation=world.org, year=Y)
    assert com.status == Commendation.Status.DRAFT
    assert sorted(com.awards.values_list("award_type", flat=True)) == sorted(T.values)
    assert com.awards.get(award_type=T.MEMBER).reason == "履职突出"
    page = client.get(URL).content.decode()
    proposed = page.split('id="proposed"')[1].split("</table>")[0]
    assert "李委员" in proposed and "赵组长" not in proposed

    # … and submits: the chairman's meeting is told.
    client.post(reverse("duty:commendation_submit", args=[com.pk]))
    com.refresh_from_db()
    assert com.status == Commendation.Status.SUBMITTED
    assert Notification.objects.filter(recipient=world.chair, url__contains=f"year={Y}").exists()
    client.force_login(world.chair)
    assert "待审定的表彰名单" in client.get(reverse("home")).content.decode()

    # A chair cannot return the list without a reason; with one, it goes back.
    client.force_login(world.chair)
    decide = reverse("duty:commendation_decide", args=[com.pk])
    client.post(decide, {"decision": "return", "note": ""})
    com.refresh_from_db()
    assert com.status == Commendation.Status.SUBMITTED
    client.post(decide, {"decision": "return", "note": "请补充推荐理由"})
    com.refresh_from_db()
    assert com.status == Commendation.Status.RETURNED
    assert "请补充推荐理由" in client.get(URL).content.decode()
    # The chairs' 待主席会议审定 no longer waits unread once decided (each submission's).
    waiting = Notification.objects.filter(recipient=world.chair, title__contains="待主席会议审定")
    assert waiting.count() == 1 and not waiting.filter(read_at__isnull=True).exists()

    client.force_login(world.office)
    client.post(reverse("duty:commendation_submit", args=[com.pk]))
    assert waiting.filter(read_at__isnull=True).count() == 1
    client.force_login(world.chair)
    client.post(decide, {"decision": "approve", "note": "同意"})
    com.refresh_from_db()
    assert com.status == Commendation.Status.APPROVED
    assert not waiting.filter(read_at__isnull=True).exists()
    news = Notification.objects.get(recipient=world.office, title__contains="已经主席会议审定")
    assert news.read_at is None

    # Not on the portal before publication.
    client.logout()
    public = reverse("awards_public:detail", args=[com.pk])
    assert client.get(public).status_code == 404

    client.force_login(world.office)
    client.post(
        reverse("duty:commendation_publish", args=[com.pk]), {"doc_number": "示政协发〔2026〕3号"}
    )
    com.refresh_from_db()
    assert com.status == Commendation.Status.PUBLISHED and com.published_at

    # The public list: award types, names and units; nothing personal.
    client.logout()
    listing = client.get(reverse("awards_public:list")).content.decode()
    assert f"{Y}年度表彰名单" in listing
    page = client.get(public).content.decode()
    for label in T.labels:
        assert str(label) in page
    for name in ("经济发展委员活动组", "王组长", "李委员", "区住建局", "孙经办", "经济界"):
        assert name in page
    li = world.people["a1"]
    for private in (li.phone, li.id_number, li.address, li.employer, "0571-87654321"):
        assert private not in page

    # Every step is in the audit trail: who, from → to, why.
    events = list(
        Event.objects.filter(object_id=str(com.pk), verb__startswith="duty.award_").order_by("id")
    )
    assert [e.verb for e in events] == [
        "duty.award_propose",
        "duty.award_submit",
        "duty.award_return",
        "duty.award_submit",
        "duty.award_approve",
        "duty.award_publish",
    ]
    returned = events[2]
    assert (returned.from_state, returned.to_state) == ("submitted", "returned")
    assert returned.actor == world.chair and returned.note == "请补充推荐理由"


@pytest.mark.clause("C5.8")
def test_the_commendation_decision_pdf_lists_the_awardees_by_type(client, world):
    cands = awards.candidates(world.org, Y)
    picks = [(t, cs[0].ref, "") for t, cs in cands.items()]
    com = awards.commendation_propose(
        organisation=world.org, year=Y, picks=picks, actor=world.office, version=None
    )
    document = reverse("duty:commendation_document", args=[com.pk])
    client.force_login(world.office)
    assert client.get(document).status_code == 404  # not before the meeting approved
    awards.commendation_submit(commendation=com, actor=world.office)
    awards.commendation_approve(commendation=com, actor=world.chair)
    awards.commendation_publish(
        commendation=com, actor=world.office, doc_number="示政协发〔2026〕3号"
    )
    response = client.get(document)
    assert response["Content-Type"] == "application/pdf"
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    ).replace("\n", "")
    assert "示政协发〔2026〕3号" in text
    assert f"关于表彰{Y}年度先进委员活动组" in text
    assert "先进承办个人" in text
    for name in ("经济发展委员活动组", "区住建局", "孙经办"):
        assert name in text


@pytest.mark.clause("C5.8")
def test_each_step_is_refused_to_the_wrong_role_and_in_the_wrong_state(client, world):
    cands = awards.candidates(world.org, Y)
    picks = [(T.MEMBER, cands[T.MEMBER][0].ref, "")]
    com = awards.commendation_propose(
        organisation=world.org, year=Y, picks=picks, actor=world.office, version=None
    )
    # A member sees no round; a chair cannot change the list; the office cannot decide.
    client.force_login(world.member.user)
    assert client.get(URL).status_code == 403
    client.force_login(world.chair)
    page = client.get(URL)
    assert page.status_code == 200 and 'name="pick-' not in page.content.decode()
    assert client.post(URL, {}).status_code == 403
    client.force_login(world.office)
    decide = reverse("duty:commendation_decide", args=[com.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    # Publishing a list the meeting has not approved changes nothing.
    client.post(reverse("duty:commendation_publish", args=[com.pk]), {"doc_number": ""})
    com.refresh_from_db()
    assert com.status == Commendation.Status.DRAFT and com.published_at is None
    # Another district's office sees nothing of this round.
    other_org, _t, other_office, _m = setting()
    client.force_login(other_office)
    assert client.post(reverse("duty:commendation_submit", args=[com.pk])).status_code == 404
    assert client.get(reverse("duty:commendation_document", args=[com.pk])).status_code == 404
    # A submitted list is frozen for the office.
    awards.commendation_submit(commendation=com, actor=world.office)
    client.force_login(world.office)
    assert client.post(URL, {}).status_code == 403


@pytest.mark.clause("C5.8")
def test_a_stale_list_is_refused_and_keeps_what_was_typed(client, world):
    cands = awards.candidates(world.org, Y)
    com = awards.commendation_propose(
        organisation=world.org,
        year=Y,
        picks=[(T.MEMBER, cands[T.MEMBER][0].ref, "")],
        actor=world.office,
        version=None,
    )
    pick, reason = _pick(cands, T.HANDLER, "孙经办")
    client.force_login(world.office)
    response = client.post(URL, {"version": com.version - 1, pick: "on", reason: "按时办复"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "已在其他窗口或由他人修改" in page and 'value="按时办复"' in page
    assert not com.awards.filter(award_type=T.HANDLER).exists()


@pytest.mark.clause("C5.8")
def test_the_decisions_title_breaks_only_between_award_names(client, world):
    """Six award types make a three-line title: a line ends after a 、 (or with 的决定),
    never inside an award's name (优秀组 / 长)."""
    cands = awards.candidates(world.org, Y)
    picks = [(t, cs[0].ref, "") for t, cs in cands.items()]
    com = awards.commendation_propose(
        organisation=world.org, year=Y, picks=picks, actor=world.office, version=None
    )
    awards.commendation_submit(commendation=com, actor=world.office)
    awards.commendation_approve(commendation=com, actor=world.chair)
    client.force_login(world.office)
    response = client.get(reverse("duty:commendation_document", args=[com.pk]))
    named = unquote(response["Content-Disposition"].split("filename*=UTF-8''", 1)[1])
    assert named == f"{world.org.name}{Y}年度表彰决定.pdf"  # one per committee and year
    lines = [
        line.strip()
        for line in PdfReader(io.BytesIO(response.content)).pages[0].extract_text().splitlines()
    ]
    first = next(i for i, line in enumerate(lines) if line.startswith("关于表彰"))
    last = next(i for i, line in enumerate(lines) if line.endswith("的决定"))
    title = lines[first : last + 1]
    assert len(title) > 1 and "优秀组长" in "".join(title)
    assert all(line.endswith("、") for line in title[:-1]), title
