import datetime as dt

import pytest

from tests.factories import (
    CommitteeFactory,
    DepartmentFactory,
    MemberFactory,
    SectorFactory,
    TermFactory,
    UserFactory,
    make_org,
    seat,
    user_with_role,
)
from xieshang.consultation import services
from xieshang.consultation.models import (
    ActivityForm,
    FocusArea,
    Outcome,
    Participant,
    Topic,
    TopicType,
)
from xieshang.orgs.models import Level, Party, Role, RoleAssignment


def held_activity(world, plan_item=None, day=dt.date(2026, 9, 28)):
    """An activity held on `day` with the world's five members: the plan item's, else a
    经济界 sector consultation outside the plan."""
    activity = services.activity_create(
        organisation=world.district,
        actor=world.office,
        title=plan_item.title if plan_item else "经济界界别协商：营商环境",
        form=plan_item.form if plan_item else ActivityForm.SECTOR,
        date=day,
        place="区政协",
        plan_item=plan_item,
        sector=None if plan_item else world.business_sector,
    )
    services.activity_add_participants(activity=activity, actor=world.office, members=world.members)
    services.activity_hold(activity=activity, actor=world.office, attendance={})
    return activity


class World:
    """A district committee with the bodies of the approval chain, two departments, two
    committees, two sectors, five sitting members, a street with a liaison officer, and a
    second district whose staff must see nothing of the first."""

    def __init__(self):
        self.city = make_org("示范市政协", Level.CITY)
        self.district = make_org("示范区政协", Level.DISTRICT, parent=self.city)
        self.street = make_org("城关街道", Level.STREET, parent=self.district)
        self.term = TermFactory(organisation=self.district, number=15)
        self.economy = CommitteeFactory(organisation=self.district, name="经济委员会")
        self.society = CommitteeFactory(organisation=self.district, name="社会法制委员会")
        self.education_sector = SectorFactory(organisation=self.district, name="教育界")
        self.business_sector = SectorFactory(organisation=self.district, name="经济界")
        self.housing = DepartmentFactory(organisation=self.district, name="区住房和城乡建设局")
        self.education = DepartmentFactory(organisation=self.district, name="区教育局")
        self.housing_clerk = user_with_role(
            Role.DEPARTMENT, self.district, department=self.housing, full_name="住建经办"
        )
        self.office = user_with_role(Role.OFFICE, self.district, full_name="政协办")
        self.party_office = user_with_role(Role.PARTY_OFFICE, self.district, full_name="区委办")
        self.gov_office = user_with_role(
            Role.GOVERNMENT_OFFICE, self.district, full_name="区政府办"
        )
        self.chair = user_with_role(Role.CHAIR, self.district, full_name="主席")
        self.standing = user_with_role(
            Role.STANDING_SECRETARY, self.district, full_name="常委会秘书"
        )
        self.supervisor = user_with_role(Role.SUPERVISOR, self.district, full_name="督查办")
        self.ufwd = user_with_role(Role.UNITED_FRONT, self.district, full_name="统战部")
        self.committee_staff = user_with_role(
            Role.COMMITTEE_STAFF, self.district, committee=self.economy, full_name="经济委"
        )
        self.liaison = user_with_role(Role.LIAISON, self.street, full_name="联络员")
        self.members = []
        for i, name in enumerate(["张丽华", "王建国", "李明", "赵敏", "陈静"]):
            user = UserFactory(username=f"m{i}", full_name=name)
            RoleAssignment.objects.create(user=user, organisation=self.district, role=Role.MEMBER)
            member = MemberFactory(organisation=self.district, name=name, user=user)
            seat(
                member,
                self.term,
                sector=self.education_sector if i < 3 else self.business_sector,
                committees=[self.economy] if i % 2 == 0 else [self.society],
            )
            self.members.append(member)
        self.other = make_org("另一区政协", Level.DISTRICT, parent=self.city)
        self.other_office = user_with_role(Role.OFFICE, self.other, full_name="另一区政协办")
        self.areas = list(services.focus_areas_ensure(self.district))

    def area(self, name="老旧小区改造提升") -> FocusArea:
        return FocusArea.objects.get(organisation=self.district, name=name)

    def topic(self, title="关于老旧小区加装电梯的协商", **kwargs) -> Topic:
        kwargs.setdefault("source", Topic.Source.CPPCC)
        kwargs.setdefault("proposer_name", "经济委员会")
        kwargs.setdefault("focus_area", self.area())
        kwargs.setdefault("topic_type", TopicType.POLITICAL)
        return services.topic_create(
            organisation=self.district, actor=self.office, title=title, **kwargs
        )

    def item(self, plan, title, *, topic_type=TopicType.POLITICAL, form=ActivityForm.SPECIAL,
             month=3, is_key=False, **extra):  # fmt: skip
        plan.refresh_from_db()
        data = {
            "title": title,
            "form": form,
            "topic_type": topic_type,
            "focus_area": self.area(),
            "month": month,
            "lead_leader": "刘副主席",
            "committee": self.economy,
            "departments": [self.housing],
            "co_organisers": [],
            "is_key": is_key,
            **extra,
        }
        actor = extra.pop("actor", None) or self.office
        data.pop("actor", None)
        return services.plan_item_save(
            plan=plan, actor=actor, data=data, expected_version=plan.version
        )

    def passing_plan(self, year=2027):
        """A draft plan that passes both checks: 5 items, 1 supervision (20 %), 4 special."""
        plan = services.plan_create(organisation=self.district, year=year, actor=self.office)
        self.item(plan, "全会协商：十五五规划建议", form=ActivityForm.PLENARY, month=1)
        self.item(plan, "老旧小区改造提升专题协商", month=3, is_key=True)
        self.item(plan, "民营经济发展协商座谈", form=ActivityForm.SYMPOSIUM, month=5)
        self.item(
            plan,
            "生态环境整治民主监督",
            topic_type=TopicType.SUPERVISION,
            form=ActivityForm.COUNTERPART,
            month=7,
        )
        self.item(plan, "教育界界别协商", form=ActivityForm.SECTOR, month=9)
        plan.refresh_from_db()
        return plan

    def plan_outcome(self, *, departments=(), until: str = "in_decision") -> Outcome:
        """The 建议案 of the published plan's key item (老旧小区改造提升专题协商, held on 23 Nov
        2026), naming `departments` as the units to answer after the decision, taken as far
        as `until`: "draft" (created), "submitted" (sent to the Party committee and the
        government) or "in_decision" (the Party committee's office entered it into the
        decision procedure)."""
        plan = self.publish(self.passing_plan())
        item = plan.items.get(title="老旧小区改造提升专题协商")
        activity = held_activity(self, item, day=dt.date(2026, 11, 23))
        outcome = services.outcome_create(
            activity=activity,
            actor=self.office,
            kind=Outcome.Kind.RECOMMENDATION,
            title="关于老旧小区改造提升的建议案",
            body="一、……",
            departments=departments,
        )
        if until in ("submitted", "in_decision"):
            services.outcome_submit(outcome=outcome, actor=self.office)
        if until == "in_decision":
            services.outcome_enter_decision(outcome=outcome, actor=self.party_office)
        outcome.refresh_from_db()
        return outcome

    def publish(self, plan):
        """Send a passing plan through all five steps."""
        services.plan_forward(plan=plan, actor=self.office)
        services.plan_forward(plan=plan, actor=self.party_office)
        services.plan_forward(plan=plan, actor=self.chair)
        services.plan_forward(plan=plan, actor=self.standing, approved_on=dt.date(2026, 11, 20))
        plan.refresh_from_db()
        return plan


@pytest.fixture
def world(db):
    Party.objects.get(name="无党派人士")  # parties come with the orgs migrations
    return World()


@pytest.fixture
def leader(world):
    """李书记's platform account: the staff account (组织部) an invited leader is linked to."""
    return user_with_role(Role.ORGANISATION_DEPT, world.district, full_name="李书记")


@pytest.fixture
def leader_activity(world):
    """Builds the activity an invited Party/government leader takes part in: 住房保障专题协商
    of the district (28 Sept 2026), inviting a member, the housing department's head and
    李书记 (区委副书记).

    `account`: the platform account linked to 李书记 when inviting; None records the leader by
    name and title only, as every leader row was before accounts could be linked.
    `held`: the activity held (with `minutes`), each participant attended unless `attendance`
    (by kind of participant) says otherwise; else it is still planned."""

    def build(*, account=None, held=False, attendance=None, minutes=""):
        activity = services.activity_create(
            organisation=world.district,
            actor=world.office,
            title="住房保障专题协商",
            form=ActivityForm.SPECIAL,
            date=dt.date(2026, 9, 28),
            place="区政协三楼会议室",
        )
        services.activity_add_participants(
            activity=activity,
            actor=world.office,
            members=world.members[:1],
            department_heads=[(world.housing, "")],
            leaders=[("李书记", "区委副书记")],
            leader_accounts=[account] if account else [],
        )
        if held:
            came = dict.fromkeys(Participant.Kind, Participant.Attendance.ATTENDED)
            came.update(attendance or {})
            services.activity_hold(
                activity=activity,
                actor=world.office,
                attendance={p.pk: came[p.kind] for p in activity.participants.all()},
                minutes=minutes,
            )
            activity.refresh_from_db()
            assert activity.status == "held"
        return activity

    return build
