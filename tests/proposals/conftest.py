import datetime as dt

import pytest

from tests.factories import (
    DepartmentFactory,
    MemberFactory,
    TermFactory,
    UserFactory,
    make_org,
    seat,
    user_with_role,
)
from xieshang.orgs.models import Level, Party, Role, Session
from xieshang.proposals import services


class World:
    """A district with a term, a session, three members with logins, two departments
    and the people who review, assign, approve and supervise."""

    def __init__(self):
        self.city = make_org("示范市政协", Level.CITY)
        self.district = make_org("示范区政协", Level.DISTRICT, parent=self.city)
        self.term = TermFactory(organisation=self.district, number=15)
        self.session = Session.objects.create(
            term=self.term,
            number=5,
            start_date=dt.date(2026, 1, 12),
            end_date=dt.date(2026, 1, 15),
            proposal_deadline=dt.date(2026, 1, 14),
        )
        self.members = {}
        for username, name, party in [
            ("zhang", "张丽华", "中国民主同盟"),
            ("wang", "王建国", "中国共产党"),
            ("li", "李明", "无党派人士"),
        ]:
            user = UserFactory(username=username, full_name=name)
            user_with_role  # noqa: B018 - roles are added below
            member = MemberFactory(organisation=self.district, name=name, user=user)
            seat(member, self.term, party=Party.objects.get(name=party))
            from xieshang.orgs.models import RoleAssignment

            RoleAssignment.objects.create(user=user, organisation=self.district, role=Role.MEMBER)
            self.members[username] = member
        self.housing = DepartmentFactory(organisation=self.district, name="区住房和城乡建设局")
        self.education = DepartmentFactory(organisation=self.district, name="区教育局")
        self.housing_clerk = user_with_role(
            Role.DEPARTMENT, self.district, department=self.housing, full_name="住建经办"
        )
        self.education_clerk = user_with_role(
            Role.DEPARTMENT, self.district, department=self.education, full_name="教育经办"
        )
        self.reviewer = user_with_role(Role.PROPOSAL_COMMITTEE, self.district, full_name="提案委")
        self.reviewer2 = user_with_role(
            Role.PROPOSAL_COMMITTEE, self.district, full_name="提案委二"
        )
        self.chair = user_with_role(Role.CHAIR, self.district, full_name="主席")
        self.office = user_with_role(Role.OFFICE, self.district, full_name="办公室")
        self.other_district = make_org("另一区政协", Level.DISTRICT, parent=self.city)
        self.other_reviewer = user_with_role(Role.PROPOSAL_COMMITTEE, self.other_district)

    def user(self, key):
        return self.members[key].user


@pytest.fixture
def world(db):
    return World()


PROPOSAL_TEXT = {
    "title": "关于加快老旧小区加装电梯的建议",
    "facts": "我区2000年以前建成的老旧小区共有住宅楼1200余栋，多数为六层无电梯。",
    "analysis": "加装电梯涉及资金分摊、规划审批和居民意见统一等问题。",
    "suggestions": "一是简化审批流程；二是设立财政补贴；三是建立协商议事机制。",
    "category": "社会建设",
}


# --- Proposals in a given state, made through the services (shared by the test modules) ---


def draft(world, key="zhang", cosigners=(), **overrides):
    return services.proposal_create(
        actor=world.user(key),
        organisation=world.district,
        cosigners=[world.members[k] for k in cosigners],
        **{**PROPOSAL_TEXT, **overrides},
    )


def submitted(world, key="zhang", **kwargs):
    proposal = draft(world, key=key, **kwargs)
    services.proposal_submit(proposal=proposal, actor=world.user(key))
    for signer in proposal.signers.all():
        services.signer_respond(proposal=proposal, actor=signer.member.user, confirm=True)
    proposal.refresh_from_db()
    return proposal


def accepted(world, **kwargs):
    proposal = submitted(world, **kwargs)
    services.proposal_accept(proposal=proposal, actor=world.reviewer)
    proposal.refresh_from_db()
    return proposal


def answered(world, **kwargs):
    proposal = accepted(world, **kwargs)
    (lead,) = services.proposal_assign(proposal=proposal, actor=world.reviewer, lead=world.housing)
    services.answer_submit(
        assignment=lead,
        actor=world.housing_clerk,
        category="A",
        text="已将加装电梯纳入今年民生实事项目，简化了审批流程。",
        signed_by="王局长",
        contact_person="赵科长",
        contact_phone="0571-8888",
    )
    proposal.refresh_from_db()
    return proposal
