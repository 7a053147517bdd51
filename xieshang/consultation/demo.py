"""Demo consultation data for the demo district, written through the real services.

- topics from all five sources (a few public ones waiting for moderation, one merged);
- last year's plan, published, its activities held and outcomes at every stage: draft,
  submitted, in decision, decided, awaiting feedback (one department overdue) and closed;
- this year's plan, approved and published, the months so far held;
- next year's plan in draft, failing the democratic-supervision check, to show the checks;
- next year's party-consultation plan sent to the CPPCC with one comment.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from xieshang.followups import services as followups
from xieshang.followups.models import Task
from xieshang.orgs.models import Committee, Department, Party, Role, RoleAssignment, Sector

from . import services
from .models import (
    ActivityForm,
    ConsultationPlan,
    Outcome,
    Participant,
    PlanItem,
    Topic,
    TopicType,
)

S = Topic.Source
T = TopicType
F = ActivityForm

# (source, title, area index, type, proposer)
TOPICS = [
    (S.PARTY, "推动“十五五”规划开好局", 0, T.POLITICAL, "区委"),
    (S.PARTY, "优化营商环境、促进民营经济发展", 6, T.POLITICAL, "区委"),
    (S.DEPARTMENT, "先进制造业集群培育", 2, T.DELIBERATION, "区发展和改革局"),
    (S.DEPARTMENT, "老旧小区改造提升中的加装电梯", 5, T.SUPERVISION, "区住房和城乡建设局"),
    (S.CPPCC, "历史文化街区保护利用", 4, T.POLITICAL, "文化文史和学习委员会"),
    (S.CPPCC, "生态环境突出问题整改落实情况", 10, T.SUPERVISION, "人口资源环境委员会"),
    (S.CPPCC, "“两带四街”建设", 3, T.DELIBERATION, "经济委员会"),
    (S.CPPCC, "现代服务业高质量发展", 1, T.POLITICAL, "经济委员会"),
    (S.GRASSROOTS, "背街小巷停车难", 11, T.DELIBERATION, "城关街道居民议事会"),
    (S.GRASSROOTS, "社区养老服务设施不足", 11, T.SUPERVISION, "东湖街道联络室"),
    (S.DEPARTMENT, "重点项目建设征地拆迁", 8, T.SUPERVISION, "区重点项目办"),
    (S.CPPCC, "文明城市创建长效机制", 7, T.POLITICAL, "社会和法制委员会"),
    (S.PUBLIC, "中小学课后服务质量", 11, T.DELIBERATION, "居民王女士"),
    (S.CPPCC, "基础设施短板和城市更新", 9, T.POLITICAL, "城建委员会"),
    (S.GRASSROOTS, "老旧小区加装电梯资金分摊", 5, T.SUPERVISION, "西园街道联络室"),
]
PENDING_PUBLIC = [
    ("公园健身器材老化需要更换", "人民公园健身器材多处损坏，老人锻炼存在安全隐患。"),
    ("菜市场周边交通拥堵", "早高峰时段菜市场周边道路拥堵严重，希望政协协商解决。"),
    ("小区垃圾分类设施不足", "部分小区垃圾分类桶数量不够，清运不及时。"),
]
# (title, form, month, type, key, topic index or None)
PLAN_ITEMS = [
    ("全会协商：年度经济社会发展", F.PLENARY, 1, T.POLITICAL, False, 0),
    ("优化营商环境专题协商会", F.SPECIAL, 3, T.POLITICAL, True, 1),
    ("老旧小区改造提升民主监督", F.COUNTERPART, 4, T.SUPERVISION, True, 3),
    ("历史文化街区保护协商座谈会", F.SYMPOSIUM, 5, T.POLITICAL, False, 4),
    ("常委会会议协商：先进制造业", F.STANDING, 6, T.DELIBERATION, False, 2),
    ("生态环境整改落实民主监督", F.SPECIAL, 8, T.SUPERVISION, False, 5),
    ("提案办理协商：重点项目建设", F.PROPOSAL, 9, T.SUPERVISION, False, 10),
    ("经济界界别协商：现代服务业", F.SECTOR, 10, T.POLITICAL, False, 7),
]
LEADERS = [("周建华", "区委副书记"), ("吴晓明", "副区长"), ("郑丽", "区委常委、统战部部长")]


SPEECH_TITLES = ["围绕议题的调研情况和几点建议", "从界别群众反映看问题的症结与对策"]


def _user(organisation, role):
    ra = (
        RoleAssignment.objects.filter(organisation=organisation, role=role)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return ra.user if ra else None


class ConsultationDemo:
    def __init__(self, *, organisation, rng):
        self.org = organisation
        self.rng = rng
        self.today = timezone.localdate()
        self.office = _user(organisation, Role.OFFICE)
        self.party = _user(organisation, Role.PARTY_OFFICE)
        self.gov = _user(organisation, Role.GOVERNMENT_OFFICE)
        self.chair = _user(organisation, Role.CHAIR)
        self.standing = _user(organisation, Role.STANDING_SECRETARY)
        self.ufwd = _user(organisation, Role.UNITED_FRONT)
        self.areas = list(services.focus_areas_ensure(organisation))
        self.committees = list(Committee.objects.filter(organisation=organisation))
        self.departments = list(
            Department.objects.filter(organisation=organisation, is_active=True)
        )
        self.sectors = list(Sector.objects.filter(organisation=organisation))
        self.parties = list(Party.objects.filter(kind=Party.Kind.DEMOCRATIC))

    def ready(self) -> bool:
        return all([self.office, self.party, self.gov, self.chair, self.standing])

    def build(self) -> None:
        topics = self.topics()
        last = self.plan(self.today.year - 1, topics, stage="done")
        self.plan(self.today.year, topics, stage="current")
        self.next_year_draft(topics)
        self.outcomes_at_every_stage(last)
        self.party_plan()

    # --- topics --------------------------------------------------------------------------
    def topics(self) -> list[Topic]:
        created = []
        for source, title, area, kind, proposer in TOPICS:
            created.append(
                services.topic_create(
                    organisation=self.org,
                    actor=self.office,
                    title=title,
                    description=f"{proposer}提出：{title}。",
                    source=source,
                    topic_type=kind,
                    focus_area=self.areas[area],
                    proposer_name=proposer,
                )
            )
        services.topic_merge(topic=created[-1], into=created[3], actor=self.office)
        for i, (title, text) in enumerate(PENDING_PUBLIC):
            services.topic_public_submit(
                organisation=self.org,
                title=title,
                description=text,
                name="居民",
                phone=f"1380000{i:04d}",
                ip=f"10.0.0.{i + 1}",
            )
        return created

    # --- plans ---------------------------------------------------------------------------
    def plan(self, year: int, topics, *, stage: str) -> ConsultationPlan:
        plan = services.plan_create(
            organisation=self.org,
            year=year,
            actor=self.office,
            preface="坚持党委会同政府、政协制定年度协商计划，围绕中心工作开展协商。",
        )
        for title, form, month, kind, key, topic_i in PLAN_ITEMS:
            plan.refresh_from_db()
            services.plan_item_save(
                plan=plan,
                actor=self.office,
                expected_version=plan.version,
                data={
                    "topic": topics[topic_i] if topic_i is not None else None,
                    "title": title,
                    "form": form,
                    "topic_type": kind,
                    "focus_area": topics[topic_i].focus_area if topic_i is not None else None,
                    "month": month,
                    "lead_leader": self.rng.choice(["李主席", "王副主席", "陈副主席"]),
                    "committee": self.rng.choice(self.committees) if self.committees else None,
                    "departments": self.rng.sample(self.departments, min(2, len(self.departments))),
                    "co_organisers": self.rng.sample(self.parties, 1)
                    if form == F.SPECIAL and self.parties
                    else [],
                    "is_key": key,
                },
            )
        approved = dt.date(year, 1, 15) if year < self.today.year else dt.date(year - 1, 12, 28)
        approved = min(approved, self.today)
        services.plan_forward(plan=plan, actor=self.office, note="请会签")
        services.plan_forward(plan=plan, actor=self.party, note="已会同政府办修改")
        services.plan_send_back(plan=plan, actor=self.chair, note="请补充民主监督议题的监督方式")
        services.plan_forward(plan=plan, actor=self.party, note="已补充")
        services.plan_forward(plan=plan, actor=self.chair)
        services.plan_forward(
            plan=plan,
            actor=self.standing,
            approved_on=approved,
            doc_number=f"区委办发〔{approved.year}〕{self.rng.randint(3, 40)}号",
        )
        self.hold_activities(plan, every_month=stage == "done")
        if stage == "done":
            open_tasks = Task.objects.filter(
                content_type=ContentType.objects.get_for_model(PlanItem),
                object_id__in=[str(pk) for pk in plan.items.values_list("pk", flat=True)],
                status=Task.Status.OPEN,
            )
            for task in open_tasks:
                followups.feedback_submit(task=task, text="已按计划完成。", actor=self.office)
                followups.task_close(task=task, actor=self.office)
        return plan

    def _sector_of(self, title: str):
        """The sector holding a 界别协商: the one its title opens with (经济界界别协商：…)."""
        for sector in sorted(self.sectors, key=lambda s: -len(s.name)):
            if title.startswith(sector.name):
                return sector
        return self.sectors[0] if self.sectors else None

    def hold_activities(self, plan, *, every_month: bool) -> None:
        for item in plan.items.select_related("committee"):
            day = dt.date(plan.year, item.month, 18)
            if not every_month and day >= self.today:
                continue
            activity = services.activity_create(
                organisation=self.org,
                actor=self.office,
                title=item.title,
                form=item.form,
                date=day,
                place="区政协机关会议室",
                plan_item=item,
                sector=self._sector_of(item.title) if item.form == F.SECTOR else None,
            )
            self._participants_and_hold(activity, item.committee)
            outcome = services.outcome_create(
                activity=activity,
                actor=self.office,
                kind=Outcome.Kind.MINUTES,
                title=f"{item.title}纪要",
                body="会议听取了有关部门情况通报，委员们围绕议题提出了意见建议。",
            )
            services.outcome_submit(outcome=outcome, actor=self.office, submitted_on=day)
            if every_month:
                services.outcome_enter_decision(outcome=outcome, actor=self.party)
                services.outcome_decide(
                    outcome=outcome,
                    actor=self.standing,
                    decision="已印发有关部门参照落实。",
                    decided_on=min(day + dt.timedelta(days=20), self.today),
                )

    def _participants_and_hold(self, activity, committee) -> None:
        members = list(services.members_for(self.org, committee=committee)[:10])
        services.activity_add_participants(
            activity=activity,
            actor=self.office,
            members=members,
            department_heads=[(d, "") for d in self.departments[:2]],
            leaders=self.rng.sample(LEADERS, 1),
        )
        attendance = {}
        for p in activity.participants.all():
            roll = self.rng.random()
            attendance[p.pk] = (
                Participant.Attendance.ATTENDED
                if roll < 0.85
                else Participant.Attendance.EXCUSED
                if roll < 0.95
                else Participant.Attendance.ABSENT
            )
        services.activity_hold(activity=activity, actor=self.office, attendance=attendance)
        # Two of the members who came speak (协商活动发言, counted in their duty files).
        # Chosen without the random generator, so the rest of the demo stays as it was.
        speakers = [
            p.member
            for p in activity.participants.select_related("member").order_by("pk")
            if p.member is not None and attendance[p.pk] == Participant.Attendance.ATTENDED
        ][:2]
        for member, title in zip(speakers, SPEECH_TITLES, strict=False):
            services.speech_add(
                activity=activity,
                actor=self.office,
                speaker=member.name,
                title=title,
                member=member,
            )

    def next_year_draft(self, topics) -> None:
        plan = services.plan_create(
            organisation=self.org, year=self.today.year + 1, actor=self.office
        )
        for title, form, month, _kind, key, topic_i in PLAN_ITEMS[:6]:
            plan.refresh_from_db()
            services.plan_item_save(
                plan=plan,
                actor=self.office,
                expected_version=plan.version,
                data={
                    "topic": topics[topic_i],
                    "title": title,
                    "form": form,
                    # Only one of six is democratic supervision: the check fails (17 % < 20 %).
                    "topic_type": T.SUPERVISION if month == 4 else T.POLITICAL,
                    "focus_area": topics[topic_i].focus_area,
                    "month": month,
                    "lead_leader": "李主席",
                    "is_key": key,
                },
            )

    # --- outcomes ------------------------------------------------------------------------
    def outcomes_at_every_stage(self, plan) -> None:
        """Plan outcomes through the decision procedure, and two sector consultations whose
        outcomes ask departments for written feedback."""
        year = plan.year
        decided_stage = ["submitted", "in_decision", "decided", "decided"]
        for stage, item in zip(decided_stage, plan.items.order_by("month")[:4], strict=False):
            activity = item.activities.first()
            outcome = services.outcome_create(
                activity=activity,
                actor=self.office,
                kind=Outcome.Kind.RECOMMENDATION,
                title=f"关于{item.title}的建议案",
                body="一、……二、……三、……",
            )
            services.outcome_submit(
                outcome=outcome, actor=self.office, submitted_on=activity.date + dt.timedelta(10)
            )
            if stage in ("in_decision", "decided"):
                services.outcome_enter_decision(outcome=outcome, actor=self.party)
            if stage == "decided":
                services.outcome_decide(
                    outcome=outcome,
                    actor=self.standing,
                    decision="区委常委会研究同意，纳入年度重点工作推进。",
                    decided_on=min(activity.date + dt.timedelta(40), self.today),
                )
        # One outcome still being drafted.
        activity = plan.items.order_by("-month").first().activities.first()
        services.outcome_create(
            activity=activity,
            actor=self.office,
            kind=Outcome.Kind.BULLETIN,
            title=f"关于{activity.title}的协商专报（草稿）",
            body="……",
        )
        # Departments with a clerk can answer; the closed outcome asks one of them.
        answering = list(
            Department.objects.filter(
                organisation=self.org, staff__role__in=[Role.DEPARTMENT, Role.DEPARTMENT_LEADER]
            ).distinct()[:1]
        )
        silent = [d for d in self.departments if d not in answering][:2]
        if not self.sectors or not answering or not silent:
            return
        sectors = (self.sectors * 2)[:2]
        for n, final in enumerate(["closed", "awaiting"]):
            # The closed one in June; the one awaiting feedback held some two months ago, its
            # departments' answers now overdue by days (older ones were answered long since).
            held = dt.date(year, 6, 10) if final == "closed" else self.today - dt.timedelta(60)
            activity = services.activity_create(
                organisation=self.org,
                actor=self.office,
                title=f"{sectors[n].name}界别协商",
                form=F.SECTOR,
                date=held,
                place="委员之家",
                sector=sectors[n],
                co_organisers=self.parties[:1],
            )
            self._participants_and_hold(activity, None)
            # The minutes went out on time (recorded on the office's own reminder task).
            for task in Task.objects.filter(
                content_type=ContentType.objects.get_for_model(activity),
                object_id=str(activity.pk),
                status=Task.Status.OPEN,
            ):
                followups.feedback_submit(task=task, text="纪要已报送。", actor=self.office)
                followups.task_close(task=task, actor=self.office)
            outcome = services.outcome_create(
                activity=activity,
                actor=self.office,
                kind=Outcome.Kind.BULLETIN,
                title=f"{sectors[n].name}界别协商专报",
                body="界别委员围绕有关问题提出了具体建议。",
                departments=answering if final == "closed" else silent,
                to_party_office=False,
                to_government_office=True,
            )
            services.outcome_submit(
                outcome=outcome, actor=self.office, submitted_on=held + dt.timedelta(10)
            )
            from .selectors import outcome_tasks

            tasks = outcome_tasks([outcome.pk])[outcome.pk]
            if final == "closed":
                for task in tasks:
                    self._answer(task)
                    followups.task_close(task=task, actor=self.office)
                services.outcome_close(outcome=outcome, actor=self.office)
            else:
                # The government office answers; the departments let it go overdue.
                for task in tasks:
                    if task.assignee_role:
                        self._answer(task)

    def _answer(self, task) -> None:
        if task.department_id:
            ra = RoleAssignment.objects.filter(
                department_id=task.department_id, role__in=[Role.DEPARTMENT, Role.DEPARTMENT_LEADER]
            ).first()
            actor = ra.user if ra else None
        else:
            actor = _user(self.org, task.assignee_role)
        if actor is None:
            return
        followups.feedback_submit(task=task, text="已研究采纳，正在落实。", actor=actor)

    def party_plan(self) -> None:
        writer = self.ufwd or self.party
        plan = services.party_plan_create(
            organisation=self.org,
            actor=writer,
            year=self.today.year + 1,
            title=f"{self.today.year + 1}年度政党协商计划（征求意见稿）",
            body="一、协商议题：民营经济高质量发展；二、时间：第二季度；"
            "三、参加范围：各民主党派区委会、区工商联负责人。",
        )
        services.party_plan_send(plan=plan, actor=writer)
        services.party_plan_comment(
            plan=plan,
            actor=self.office,
            text="建议增加新的社会阶层人士代表参加，并将协商时间调整至第三季度初。",
        )


@transaction.atomic
def build(*, organisation, rng) -> None:
    demo = ConsultationDemo(organisation=organisation, rng=rng)
    if not demo.ready():
        return
    demo.build()
