"""Demo proposals for the demo district: a year of proposals in every state, made through the
real services (so numbers, tasks, notifications, duty records and history are what the
product itself writes), then moved back in time so that deadlines, overdue items and
publication look like a committee in its eleventh month.
"""

import datetime as dt
import random

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xieshang.core import access
from xieshang.core.models import Counter, Event, User
from xieshang.followups import demo as followups_demo
from xieshang.followups import services as followups
from xieshang.followups.models import Feedback, LeaderLevel, Task
from xieshang.orgs.models import Department, Organisation, Role, RoleAssignment
from xieshang.proposals import services
from xieshang.proposals.models import (
    Answer,
    Assignment,
    Contact,
    Evaluation,
    Proposal,
    Rating,
    Signer,
)

# (subject, lead department, co-handler or None, the problem, the cause, the suggestions)
TOPICS = [
    (
        "老旧小区加装电梯",
        "区住房和城乡建设局",
        "区财政局",
        "{street}辖区2000年前建成的住宅楼多为六层无电梯，老年住户上下楼困难。",
        "资金分摊难以协商一致，审批环节多，低层住户顾虑采光和噪声。",
        "简化加装电梯审批流程，设立区级财政补贴，建立楼栋协商议事机制。",
    ),
    (
        "社区托育服务",
        "区卫生健康委员会",
        "区教育局",
        "{street}新建小区集中，0至3岁婴幼儿家庭托育需求旺盛，普惠托位不足。",
        "托育机构场地租金高，专业保育人员短缺，扶持政策落地慢。",
        "利用社区闲置用房建设普惠托育点，落实运营补贴，开展保育员培训。",
    ),
    (
        "中小学课后服务",
        "区教育局",
        None,
        "部分学校课后服务内容单一，以看管和作业辅导为主。",
        "师资力量不足，引进校外资源的机制不健全。",
        "建立课后服务资源库，引入科技、体育、艺术类社会资源，完善经费保障。",
    ),
    (
        "背街小巷环境整治",
        "区城市管理局",
        "{street_office}",
        "{street}部分背街小巷路面破损、乱停乱放、垃圾清运不及时。",
        "管理责任划分不清，日常巡查和长效保洁机制缺失。",
        "实行街巷长制，纳入网格化管理，安排专项资金分批改造。",
    ),
    (
        "农贸市场提质改造",
        "区商务局",
        "区市场监督管理局",
        "{street}农贸市场设施陈旧，排水不畅，食品安全快检覆盖不足。",
        "市场产权分散，改造资金筹措困难。",
        "制定农贸市场改造三年计划，引入社会资本，推行智慧农贸管理。",
    ),
    (
        "停车难问题",
        "区公安分局",
        "区城市管理局",
        "{street}老城区停车位缺口大，早晚高峰道路拥堵。",
        "公共停车设施规划滞后，机关单位停车场未错时开放。",
        "挖潜建设立体停车设施，推动机关企事业单位停车场错时共享。",
    ),
    (
        "民营企业融资难",
        "区地方金融监督管理局",
        "区工业和信息化局",
        "我区中小民营企业普遍反映贷款门槛高、周期长。",
        "企业缺乏有效抵押物，银企信息不对称。",
        "设立政府性融资担保基金，搭建银企对接平台，推广知识产权质押融资。",
    ),
    (
        "营商环境优化",
        "区行政审批局",
        "区发展和改革局",
        "企业开办和项目审批仍存在多头跑、重复提交材料的情况。",
        "部门间数据共享不充分，审批标准不统一。",
        "推行一件事一次办，建设电子证照库，实行容缺受理。",
    ),
    (
        "历史文化街区保护",
        "区文化和旅游局",
        "区自然资源和规划分局",
        "{street}历史文化街区部分传统建筑年久失修，业态同质化。",
        "保护资金不足，产权复杂，缺乏统一规划。",
        "编制街区保护利用规划，设立保护专项资金，引入文创业态。",
    ),
    (
        "养老服务体系建设",
        "区民政局",
        "区卫生健康委员会",
        "我区60岁以上人口占比超过20%，社区养老服务设施覆盖不足。",
        "养老服务运营主体少，医养结合机制不健全。",
        "推进社区嵌入式养老服务中心建设，发展助餐助浴服务，推动医养结合。",
    ),
    (
        "生活垃圾分类",
        "区城市管理局",
        "区生态环境分局",
        "部分小区垃圾分类投放准确率不高，混装混运现象仍有发生。",
        "宣传引导不够，收运体系与分类要求不匹配。",
        "完善分类收运体系，推行定时定点投放，发挥社区志愿者作用。",
    ),
    (
        "河道水环境治理",
        "区水利局",
        "区生态环境分局",
        "{street}境内河道部分断面水质不稳定，雨季存在溢流污染。",
        "雨污分流改造不彻底，管网维护不到位。",
        "加快雨污分流改造，落实河长制，建设在线水质监测点。",
    ),
    (
        "乡村振兴产业发展",
        "区农业农村局",
        None,
        "我区特色农产品品牌影响力不强，产业链条短。",
        "龙头企业带动不足，农产品加工和冷链物流薄弱。",
        "培育区域公用品牌，扶持农产品精深加工，完善冷链物流体系。",
    ),
    (
        "基层医疗服务能力",
        "区卫生健康委员会",
        "区医疗保障局",
        "社区卫生服务中心全科医生不足，群众首诊意愿不强。",
        "基层待遇偏低，人才引不进、留不住。",
        "提高基层医务人员待遇，推进医联体建设，完善家庭医生签约服务。",
    ),
    (
        "安全生产隐患排查",
        "区应急管理局",
        None,
        "小微企业和“九小场所”消防安全隐患较多。",
        "经营者安全意识薄弱，监管力量不足。",
        "开展专项排查整治，推广智慧消防监测，加强安全培训。",
    ),
    (
        "全民健身设施",
        "区体育局",
        "区住房和城乡建设局",
        "{street}居民健身场地不足，现有器材老化。",
        "新建小区配建体育设施标准落实不严。",
        "利用边角地建设口袋公园和健身步道，定期更新维护健身器材。",
    ),
    (
        "退役军人就业创业",
        "区退役军人事务局",
        "区人力资源和社会保障局",
        "部分退役军人就业技能与市场需求不匹配。",
        "职业技能培训针对性不强，创业扶持政策知晓率低。",
        "开展订单式技能培训，设立退役军人创业孵化基地。",
    ),
    (
        "数字政府建设",
        "区数据资源管理局",
        "区行政审批局",
        "各部门业务系统分散建设，数据标准不一。",
        "缺乏统一的数据共享交换平台。",
        "建设全区一体化政务数据平台，制定数据共享目录和标准。",
    ),
    (
        "新就业形态劳动者权益保障",
        "区人力资源和社会保障局",
        "区总工会",
        "外卖骑手、网约车司机等新就业形态劳动者社会保障覆盖不足。",
        "劳动关系认定难，参保渠道不畅。",
        "推进职业伤害保障试点，建设户外劳动者服务站点。",
    ),
    (
        "校园周边交通安全",
        "区公安分局",
        "区教育局",
        "部分学校上下学时段周边道路拥堵，存在交通安全隐患。",
        "接送车辆临时停放无序，护学力量不足。",
        "设置接送车辆临时停靠区，组织护学岗，完善交通标志标线。",
    ),
]

STATE_PLAN = [
    # (state to reach, share of proposals)
    ("draft", 0.05),
    ("cosigning", 0.03),
    ("submitted", 0.08),
    ("returned", 0.02),
    ("rejected", 0.04),
    ("merged", 0.04),
    ("to_opinion", 0.03),
    ("to_info", 0.02),
    ("accepted", 0.05),
    ("assigned", 0.24),
    ("answered", 0.12),
    ("closed", 0.28),
]


# Deadlines the demo moves back in time: kept on working days, as the product sets them.
DEADLINES = frozenset({"due_date", "review_due", "contact_due", "proposal_deadline"})


def working_day(day: dt.date) -> dt.date:
    """`day`, or the next working day when it is a rest day (the product's deadlines never
    fall on one: `calendar.add_working_days`, `months_later`)."""
    from xieshang.core import calendar

    return calendar.add_working_days(day, 0)


# The default categories (proposals.rules.CATEGORIES) by the lead department's remit.
_CATEGORY_WORDS = [
    ("生态文明建设", ("生态环境", "林业", "水务", "水利", "自然资源")),
    ("文化建设", ("文化", "文旅", "体育", "广电")),
    ("政治建设", ("公安", "司法", "信访", "政务服务", "大数据")),
    (
        "经济建设",
        ("发展和改革", "发改", "财政", "商务", "工业", "农业", "市场监", "科技", "金融", "税务"),
    ),
]


# The steps of a proposal's year, in order, and the audit events that belong to each.
STAGES = [
    "submit",
    "review",
    "assign",
    "contact",
    "co_view",
    "answer",
    "evaluate",
    "close",
    "implement",
]
# The step that sends each notice of a proposal (its dedupe key's kind,
# "proposal:<pk>:<kind>…"); the demo moves a notice with its step.
NOTICE_STAGES = {
    "review": "submit",
    "cosign": "submit",
    "cosign_remind": "submit",
    "accepted": "review",
    "rejected": "review",
    "returned": "review",
    "merged": "review",
    "converted": "review",
    "revision_remind": "review",
    "assigned": "assign",
    "contact_remind": "assign",
    "contact_overdue": "assign",
    "coview": "co_view",
    "sign_off": "answer",
    "answered": "answer",
    "instr": "answer",
}
EVENT_STAGES = {
    "proposal.accept": "review",
    "proposal.reject": "review",
    "proposal.return": "review",
    "proposal.merge": "review",
    "proposal.to_opinion": "review",
    "proposal.to_info": "review",
    "proposal.key_shortlist": "assign",
    "proposal.key_approve": "assign",
    "proposal.assign": "assign",
    "proposal.contact": "contact",
    "proposal.co_view": "co_view",
    "proposal.answer_draft": "answer",
    "proposal.answer_sign_off": "answer",
    "proposal.answer": "answer",
    "proposal.publish": "answer",
    "proposal.evaluate": "evaluate",
    "proposal.close": "close",
}
# The last step each demo state has taken.
LAST_STAGE = {
    "draft": "submit",
    "cosigning": "submit",
    "submitted": "submit",
    "returned": "review",
    "rejected": "review",
    "merged": "review",
    "to_opinion": "review",
    "to_info": "review",
    "accepted": "review",
    "assigned": "co_view",
    "answered": "answer",
    "closed": "implement",
}


def stage_offsets(index: int, state: str, days_back: int) -> dict[str, int]:
    """Days after its submission that each step of the `index`th demo proposal took: review
    within two weeks, assignment, contact and co-handlers' views a few weeks on, the answer
    within about three months (a few late), rating and closing after it. Squeezed into the
    `days_back` days since submission; an assigned proposal old enough to be overdue was
    assigned at once, so it stays overdue. A stream of its own, so the demo's other choices
    stay as they were."""
    rng = random.Random(index)
    review = rng.randint(2, 12)
    assign = review + rng.randint(3, 15)
    answer = assign + rng.randint(25, 100)
    evaluate = answer + rng.randint(3, 14)
    close = evaluate + rng.randint(1, 10)
    offsets = {
        "submit": 0,
        "review": review,
        "assign": assign,
        "contact": assign + rng.randint(3, 15),
        "co_view": assign + rng.randint(5, 25),
        "answer": answer,
        "evaluate": evaluate,
        "close": close,
        "implement": close + rng.randint(10, 40),
    }
    top = max(offsets[s] for s in STAGES[: STAGES.index(LAST_STAGE[state]) + 1])
    limit = max(days_back - 1, 0)
    if state == "assigned" and days_back > 80:
        top, limit = offsets["assign"], min(limit, 3)
    factor = min(1.0, limit / top) if top else 1.0
    return {stage: min(round(days * factor), days_back) for stage, days in offsets.items()}


def category_of(lead_name: str) -> str:
    for category, words in _CATEGORY_WORDS:
        if any(word in (lead_name or "") for word in words):
            return category
    return "社会建设"


class ProposalDemo:
    def __init__(self, *, organisation: Organisation, rng: random.Random, count: int = 240):
        self.org = organisation
        self.rng = rng
        self.count = count
        self.today = timezone.localdate()
        self.office = self._one(Role.OFFICE)
        self.reviewer = self._one(Role.PROPOSAL_COMMITTEE)
        self.chair = self._one(Role.CHAIR)
        self.departments = {d.name: d for d in Department.objects.filter(organisation=organisation)}
        self.clerks = self._clerks()
        self.waiting_answer = None
        # The department whose leader has a demo account: one of its answers waits for him.
        self.signing_department_id = (
            RoleAssignment.objects.filter(
                role=Role.DEPARTMENT_LEADER, department__organisation=self.org
            )
            .values_list("department_id", flat=True)
            .first()
        )
        from xieshang.members.models import Membership

        self.members = [
            m.member
            for m in Membership.objects.filter(
                member__organisation=organisation, status=Membership.Status.ACTIVE
            ).select_related("member__user")
        ]
        # The `member` login's own proposals and a co-signing invitation: the first member
        # with an account would be the chair, and `member` would open an empty 我的提案.
        with_account = [m for m in self.members if m.user_id]
        self.demo_member = next(
            (m for m in with_account if m.user.username == "member"),
            with_account[0] if with_account else None,
        )
        self.invited_demo_member = False

    def _one(self, role) -> User:
        return access.role_holders(self.org, role).first()

    def _clerks(self) -> dict[int, User]:
        """One clerk per department (the demo accounts cover one; the others get a quiet
        account each so the handling can be recorded by a department user)."""
        existing = {
            ra.department_id: ra.user
            for ra in RoleAssignment.objects.filter(
                role=Role.DEPARTMENT, department__organisation=self.org
            ).select_related("user")
        }
        from xieshang.core.models import User as UserModel

        password = UserModel.objects.filter(username="dept").values_list("password", flat=True)
        password = password.first() or "!"
        for dept in self.departments.values():
            if dept.pk in existing:
                continue
            user = UserModel.objects.create(
                username=f"dept{dept.pk}",
                full_name=f"{dept.name}经办人",
                password=password,
                password_changed_at=timezone.now(),
            )
            RoleAssignment.objects.create(
                user=user, organisation=self.org, role=Role.DEPARTMENT, department=dept
            )
            existing[dept.pk] = user
        return existing

    def _department(self, name: str, street: Organisation) -> Department | None:
        if name == "{street_office}":
            name = f"{street.name}办事处"
            found = self.departments.get(name)
            return found or self.departments.get("区城市管理局")
        return self.departments.get(name)

    def _states(self) -> list[str]:
        states = []
        for state, share in STATE_PLAN:
            states += [state] * round(share * self.count)
        while len(states) < self.count:
            states.append("closed")
        self.rng.shuffle(states)
        return states[: self.count]

    @transaction.atomic
    def build(self) -> int:
        if not (self.office and self.reviewer and self.members):
            return 0
        streets = list(Organisation.objects.filter(parent=self.org, level="street"))
        states = self._states()
        made: list[tuple[Proposal, str]] = []
        accepted_pool: list[Proposal] = []
        for index, state in enumerate(states):
            topic = TOPICS[index % len(TOPICS)]
            street = self.rng.choice(streets) if streets else self.org
            proposal = self._make(topic, street, state, index, accepted_pool)
            made.append((proposal, state))
        self._key_proposals([p for p, s in made if s == "assigned"])
        self._spread_in_time(made)
        self._instruction()
        return len(made)

    # --- one proposal through the services ---------------------------------------------------
    def _make(self, topic, street, state, index, accepted_pool) -> Proposal:
        subject, lead_name, co_name, facts, analysis, suggestions = topic
        rng = self.rng
        first = (
            self.demo_member if index % 25 == 0 and self.demo_member else rng.choice(self.members)
        )
        cosigners = [m for m in rng.sample(self.members, rng.choice([0, 0, 1, 2, 3])) if m != first]
        if (
            state == "cosigning"
            and not self.invited_demo_member
            and self.demo_member
            and first != self.demo_member
        ):
            if self.demo_member not in cosigners:
                cosigners.append(self.demo_member)
            self.invited_demo_member = True
        place = street.name if street.level == "street" else "我区"
        actor = first.user if first.user_id else self.office
        proposal = services.proposal_create(
            actor=actor,
            organisation=self.org,
            first_proposer=first,
            cosigners=cosigners,
            title=f"关于{place if rng.random() < 0.4 else ''}{subject}的建议"[:120],
            facts=facts.format(street=place),
            analysis=analysis,
            suggestions=suggestions,
            is_public_interest=rng.random() < 0.85,
            proposer_opt_out=rng.random() < 0.05,
            category=category_of(lead_name),
        )
        if state == "draft":
            return proposal
        if state == "cosigning" and cosigners:
            services.proposal_submit(proposal=proposal, actor=actor)
            return proposal
        # Co-signers confirm before submission in the demo (the confirmation step itself is
        # shown by the "cosigning" proposals).
        Signer.objects.filter(proposal=proposal).update(
            status=Signer.Status.CONFIRMED, responded_at=timezone.now()
        )
        services.proposal_submit(proposal=proposal, actor=actor)
        if state in ("submitted", "cosigning"):
            return proposal
        if state == "returned":
            services.proposal_return(
                proposal=proposal, actor=self.reviewer, note="请补充具体数据和可操作的建议。"
            )
            return proposal
        if state == "rejected":
            reasons = ["没有具体建议的", "涉及提案者本人及其亲属个人事务的", "属于学术探讨的"]
            services.proposal_reject(
                proposal=proposal, actor=self.reviewer, reason=rng.choice(reasons)
            )
            return proposal
        live = [
            p
            for p in Proposal.objects.filter(
                pk__in=[p.pk for p in accepted_pool],
                status__in=[Proposal.Status.ACCEPTED, Proposal.Status.ASSIGNED],
                merged_into__isnull=True,
            )
        ]
        if state == "merged" and live:
            target = rng.choice(live)
            services.proposal_merge(
                proposal=proposal, into=target, actor=self.reviewer, note="内容相近，并案办理。"
            )
            return proposal
        if state in ("to_opinion", "to_info"):
            services.proposal_convert(
                proposal=proposal,
                to=state,
                actor=self.reviewer,
                note="所提问题属于具体工作建议，转有关部门参考。",
            )
            return proposal
        services.proposal_accept(proposal=proposal, actor=self.reviewer)
        accepted_pool.append(proposal)
        if state == "accepted" or state == "merged":
            return proposal
        lead = self._department(lead_name, street)
        if state == "assigned" and self.waiting_answer is None and self.signing_department_id:
            # The demo leader's 待签发: his unit leads this one, and its clerk has answered.
            lead = next(d for d in self.departments.values() if d.pk == self.signing_department_id)
        co = self._department(co_name, street) if co_name else None
        split = rng.random() < 0.08 and co is not None and co != lead
        assignments = services.proposal_assign(
            proposal=proposal,
            actor=self.reviewer,
            lead=None if split else lead,
            split=[lead, co] if split else [],
            co=[co] if co and not split and co != lead else [],
        )
        if state == "assigned":
            if rng.random() < 0.5:
                self._contact(assignments[0])
            lead_assignment = assignments[0]
            if (
                self.waiting_answer is None
                and lead_assignment.role == Assignment.Role.LEAD
                and lead_assignment.department_id == self.signing_department_id
            ):
                self._contact(lead_assignment)
                self.waiting_answer = self._answer(lead_assignment, sign_off=False)
            for assignment in assignments:
                if assignment.role == Assignment.Role.CO and rng.random() < 0.7:
                    services.co_view_submit(
                        assignment=assignment,
                        actor=self.clerks[assignment.department_id],
                        text="同意主办单位意见，我单位将在职责范围内配合落实。",
                    )
            return proposal
        for assignment in assignments:
            if assignment.role == Assignment.Role.CO:
                services.co_view_submit(
                    assignment=assignment,
                    actor=self.clerks[assignment.department_id],
                    text="同意主办单位意见，我单位将在职责范围内配合落实。",
                )
        answers = []
        for assignment in assignments:
            if assignment.role == Assignment.Role.CO:
                continue
            self._contact(assignment)
            answers.append(self._answer(assignment))
        if state == "answered":
            return proposal
        for answer in answers:
            for member in services.proposers(proposal):
                if not member.user_id:
                    Evaluation.objects.create(
                        answer=answer,
                        member=member,
                        process=self._rating(0.8),
                        result=self._rating(0.65),
                    )
                    continue
                services.evaluation_submit(
                    answer=answer,
                    actor=member.user,
                    process=self._rating(0.8),
                    result=self._rating(0.65),
                    comment="希望加快落实进度。",
                )
        services.proposal_close(proposal=proposal, actor=self.reviewer)
        from xieshang.followups import services as followups

        for task in Task.objects.filter(
            kind=Task.Kind.IMPLEMENTATION, object_id=str(proposal.pk), status=Task.Status.OPEN
        ).select_related("department"):
            if rng.random() < 0.7:
                followups.feedback_submit(
                    task=task, text="承诺事项已落实完毕。", actor=self.clerks[task.department_id]
                )
                followups.task_close(task=task, actor=self.office)
        return proposal

    def _rating(self, satisfied: float) -> str:
        roll = self.rng.random()
        if roll < satisfied:
            return Rating.SATISFIED
        return Rating.BASICALLY if roll < 0.97 else Rating.UNSATISFIED

    def _contact(self, assignment: Assignment) -> None:
        way = self.rng.choice(["phone", "phone", "meeting", "visit"])
        services.contact_record(
            assignment=assignment,
            actor=self.clerks[assignment.department_id],
            # The day of the assignment just made, not the seed's first day: a seed running
            # over midnight (Beijing time) assigned it "tomorrow", and a contact dated before
            # its assignment is refused.
            date=timezone.localdate(),
            way=way,
            note="与提案人沟通办理思路，听取意见建议。",
        )

    def _answer(self, assignment: Assignment, sign_off: bool = True) -> Answer:
        category = self.rng.choices(["A", "B", "C"], weights=[5, 4, 1])[0]
        dept = assignment.department
        texts = {
            "A": "经研究，您提出的建议已基本落实。我单位已会同有关部门制定工作方案并组织实施。",
            "B": "您提出的建议很有针对性，我单位已将相关工作列入明年工作计划，正在积极推进。",
            "C": (
                "您提出的建议具有一定参考价值，受资金和政策条件限制，目前暂难实施，我们将留作参考。"
            ),
        }
        answer = services.answer_submit(
            assignment=assignment,
            actor=self.clerks[dept.pk],
            category=category,
            text=texts[category],
            signed_by=dept.leader_name or "单位负责人",
            contact_person=f"{dept.name[1:3]}科室",
            contact_phone="0371-6" + f"{self.rng.randrange(10**6):06d}",
        )
        leader = services.sign_off_users(dept).first() if answer.sent_at is None else None
        if leader is not None and sign_off:
            answer = services.answer_sign_off(answer=answer, actor=leader)
        return answer

    def _key_proposals(self, candidates: list[Proposal]) -> None:
        if not candidates or self.chair is None:
            return
        chosen = self.rng.sample(candidates, min(8, len(candidates)))
        leaders = ["刘副区长", "陈副区长", "张副区长", "孙常务副区长"]
        for proposal in chosen[:6]:
            services.key_shortlist(proposal=proposal, actor=self.reviewer)
            services.key_approve(
                proposal=proposal, actor=self.chair, leading_leader=self.rng.choice(leaders)
            )
        for proposal in chosen[6:]:
            services.key_shortlist(proposal=proposal, actor=self.reviewer)

    def _instruction(self) -> None:
        """The leading leader's instruction (批示) on the first key proposal, three days ago:
        the handling department still at work on it, the government office has answered."""
        proposal = (
            Proposal.objects.filter(organisation=self.org, key_status=Proposal.KeyStatus.APPROVED)
            .order_by("pk")
            .first()
        )
        # The handling departments: the lead one, or each of a split proposal's.
        handlers = proposal and [
            a.department
            for a in proposal.assignments.exclude(role=Assignment.Role.CO).order_by("id")
        ]
        if not handlers:
            return
        instruction = followups.instruction_record(
            item=proposal,
            actor=self.reviewer,
            leader=proposal.leading_leader or "孙常务副区长",
            level=LeaderLevel.DISTRICT,
            instructed_on=self.today - dt.timedelta(days=3),
            text="请承办单位会同有关部门抓紧研究，拿出可操作的措施，办理结果书面报区政府。",
            departments=handlers,
            offices=[Role.GOVERNMENT_OFFICE],
            working_days=20,
        )
        tasks = followups.instruction_tasks([instruction])[instruction.pk]
        for task in tasks:
            if task.assignee_role:
                followups_demo.answer(task, "已将批示转主办单位，区政府督查室跟踪落实。")
        followups_demo.move_back(tasks, 3)

    # --- a year of dates ---------------------------------------------------------------------
    def _spread_in_time(self, made: list[tuple[Proposal, str]]) -> None:
        """Everything was made today; move each proposal and all it owns back by the same
        number of days, so relative timings (review, assignment, answers) stay consistent.
        Most handled proposals become plenary proposals of this year's session; drafts and
        those still in review are recent between-session proposals."""
        from xieshang.orgs.models import Session

        session = (
            Session.objects.filter(term__organisation=self.org, start_date__lte=self.today)
            .select_related("term")
            .order_by("-start_date")
            .first()
        )
        back_range = {
            "draft": (1, 20),
            "cosigning": (1, 10),
            "submitted": (2, 12),
            "returned": (5, 25),
            "rejected": (30, 200),
            "merged": (30, 200),
            "to_opinion": (30, 200),
            "to_info": (30, 200),
            "accepted": (3, 20),
            "assigned": (10, 100),
            "answered": (40, 160),
            "closed": (120, 300),
        }
        late = {"rejected", "merged", "to_opinion", "to_info", "answered", "closed"}
        plenary, deltas = [], {}
        for proposal, state in made:
            if session and state in late and self.rng.random() < 0.6:
                opened = session.start_date - dt.timedelta(days=self.rng.randint(0, 20))
                plenary.append(proposal.pk)
                deltas[proposal.pk] = dt.timedelta(days=(self.today - opened).days)
            else:
                lo, hi = back_range[state]
                deltas[proposal.pk] = dt.timedelta(days=self.rng.randint(lo, hi))
            if (
                state == "answered"
                and self.demo_member
                and proposal.first_proposer_id == self.demo_member.pk
            ):
                # The member login's answer to rate came in last week, not months ago.
                deltas[proposal.pk] = dt.timedelta(days=60)
                plenary = [pk for pk in plenary if pk != proposal.pk]
        stages = {
            proposal.pk: stage_offsets(index, state, deltas[proposal.pk].days)
            for index, (proposal, state) in enumerate(made)
        }
        self._co_views_of_old(made, deltas)
        self._shift(deltas, stages)
        self._renumber(plenary, session)
        services.publish_due()
        self._date_publications()

    def _co_views_of_old(self, made, deltas) -> None:
        """A co-handler still owes its view on a few recent assigned proposals; on one
        assigned months ago it gave it (its one-month deadline would otherwise be two months
        past, which no office lets stand). Given before the shift, which dates it."""
        old = [p.pk for p, state in made if state == "assigned" and deltas[p.pk].days > 60]
        for assignment in Assignment.objects.filter(
            proposal_id__in=old, role=Assignment.Role.CO, status=Assignment.Status.HANDLING
        ).order_by("pk"):
            services.co_view_submit(
                assignment=assignment,
                actor=self.clerks[assignment.department_id],
                text="同意主办单位意见，我单位将在职责范围内配合落实。",
            )

    def _date_publications(self) -> None:
        """Publication happened when the rule says, not on the day the demo was made."""
        from django.db.models import Max

        from xieshang.core import calendar
        from xieshang.orgs import config
        from xieshang.proposals import rules

        days = config.get(self.org, rules.PUBLISH_DAYS)
        published = Proposal.objects.filter(
            organisation=self.org, published_at__isnull=False
        ).annotate(last=Max("assignments__answers__answered_at"))
        for proposal in published:
            answered = timezone.localtime(proposal.last).date()
            day = calendar.add_working_days(answered, days)
            published_at = proposal.last + dt.timedelta(days=(day - answered).days)
            Proposal.objects.filter(pk=proposal.pk).update(published_at=published_at)
            Event.objects.filter(
                content_type__model="proposal", object_id=str(proposal.pk), verb="proposal.publish"
            ).update(created_at=min(published_at, timezone.now()))

    def _renumber(self, plenary_ids: list[int], session) -> None:
        """Numbers follow submission order within each series, as the office would give them."""
        from xieshang.proposals.numbering import format_number

        rows = list(
            Proposal.objects.filter(organisation=self.org, serial__isnull=False)
            .select_related("session__term")
            .order_by("submitted_at", "pk")
        )
        before = {p.pk: p.number for p in rows}
        Proposal.objects.filter(pk__in=[p.pk for p in rows]).update(serial=None)
        counters: dict[tuple, int] = {}
        for proposal in rows:
            if proposal.pk in plenary_ids:
                proposal.kind, proposal.session = Proposal.Kind.PLENARY, session
            else:
                proposal.kind, proposal.session = Proposal.Kind.INTERIM, None
            submitted = timezone.localtime(proposal.submitted_at).date()
            # A plenary series belongs to its session's year, even if collection began in
            # the December before.
            proposal.year = session.start_date.year if proposal.session else submitted.year
            series = (proposal.kind, proposal.year)
            counters[series] = counters.get(series, 0) + 1
            proposal.serial = counters[series]
            proposal.number = format_number(proposal)
        Proposal.objects.bulk_update(rows, ["kind", "session", "year", "serial", "number"])
        self._date_duty(rows)
        self._renumber_mentions(
            {before[p.pk]: p.number for p in rows if before[p.pk] and before[p.pk] != p.number},
            [p for p in rows if before[p.pk] != p.number],
        )
        # The series' counters went on counting the submissions above; renumbered, they
        # restart from each series' highest serial (core.counters reads it) with no gap.
        Counter.objects.filter(key__startswith="proposals.serial:").delete()

    def _date_duty(self, proposals: list[Proposal]) -> None:
        """The proposers' duty records in each proposal's year, as acceptance dates them
        (`review.duty_date`): a plenary proposal moved into the December before its session
        scores in the session's year, as it counts in that year's statistics."""
        from xieshang.duty.models import DutyKind, DutyRecord
        from xieshang.proposals.services.review import duty_date

        target = {
            str(p.pk): duty_date(
                p.year,
                timezone.localtime(p.submitted_at).date(),
                p.session.start_date if p.session else None,
            )
            for p in proposals
        }
        records = [
            r
            for r in DutyRecord.objects.filter(
                content_type__model="proposal",
                object_id__in=list(target),
                kind__in=[DutyKind.PROPOSAL_FIRST, DutyKind.PROPOSAL_COSIGNER],
            )
            if r.date != target[r.object_id]
        ]
        for record in records:
            record.date = target[record.object_id]
        DutyRecord.objects.bulk_update(records, ["date"], batch_size=500)

    def _renumber_mentions(self, renamed: dict[str, str], proposals: list) -> None:
        """The numbers the proposals were made with are already written into follow-up
        items, notifications and the history ("2026年平时提案第0022号《…》"), and into the
        text index: each is rewritten to the number the proposal now has, in one pass so
        that two numbers trading places do not both end as one."""
        import json
        import re

        from xieshang.core.models import Notification
        from xieshang.followups.models import Instruction, Task
        from xieshang.textsim import index

        def renumbered(pattern, value):
            if isinstance(value, str):
                return pattern.sub(lambda m: renamed[m[0]], value)
            if value is None:
                return None
            text = json.dumps(value, ensure_ascii=False)
            return json.loads(pattern.sub(lambda m: renamed[m[0]], text))

        if renamed:
            pattern = re.compile("|".join(re.escape(n) for n in sorted(renamed, key=len)[::-1]))
            for model, fields in [
                (Task, ["title"]),
                (Instruction, ["item_title"]),
                # A notice is shown from its phrases (`core.phrases`), its text kept beside.
                (Notification, ["title", "body", "title_phrase", "body_phrase"]),
                (Event, ["object_repr", "note"]),
            ]:
                changed = []
                for row in self._own(model).only("pk", *fields):
                    new = {f: renumbered(pattern, getattr(row, f)) for f in fields}
                    if any(new[f] != getattr(row, f) for f in fields):
                        for f, value in new.items():
                            setattr(row, f, value)
                        changed.append(row)
                # A bulk update: the events' append-only guard is on save(); this is the
                # seed writing its history, as _shift does.
                model.objects.bulk_update(changed, fields, batch_size=500)
        for proposal in proposals:
            index.index_object(proposal)

    def _own(self, model):
        """The rows of `model` that belong to this committee: by organisation, or for a
        notification by its recipient's (the same number may be another committee's)."""
        from django.db.models import Q

        from xieshang.core.models import Notification

        if model is not Notification:
            return model.objects.filter(organisation=self.org)
        under = self.org.path
        return model.objects.filter(
            Q(recipient__role_assignments__organisation__path__startswith=under)
            | Q(recipient__member__organisation__path__startswith=under)
        ).distinct()

    def _shift(
        self, deltas: dict[int, dt.timedelta], stages: dict[int, dict[str, int]] | None = None
    ) -> None:
        """Move each proposal {pk: delta} and all it owns back by its delta, a bulk update per
        table (the append-only guard of events is on save(); this is the seed writing
        history, not editing it). With `stages` ({pk: {stage: days after submission}},
        `stage_offsets`), each later step lands that many days after the submission, in
        office hours, instead of in the same second as it."""
        from xieshang.duty.models import DutyRecord

        now = timezone.localtime()
        stages = stages or {}

        def back(pk: int, stage: str, value):
            """How far back the value of proposal `pk`'s `stage` goes."""
            days = deltas[pk].days
            offset = stages.get(pk, {}).get(stage)
            if offset is None:
                return deltas[pk]
            days = max(days - offset, 0)
            if stage != "submit":  # staff work on weekdays; members may write on a Sunday
                weekday = (now.date() - dt.timedelta(days=days)).weekday()
                if weekday == 6 and days >= 1:
                    days -= 1  # Sunday: the Monday after (never a day still to come)
                elif weekday >= 5:
                    days += weekday - 4  # the Friday before
            if not isinstance(value, dt.datetime):
                return dt.timedelta(days=days)
            rank = STAGES.index(stage)
            minutes = 30 + rank * 50 + (pk * 7 + rank * 13) % 40
            target = timezone.make_aware(
                dt.datetime.combine(now.date() - dt.timedelta(days=days), dt.time(8))
            ) + dt.timedelta(minutes=minutes)
            if target >= now:  # today, later than the seed runs: keep the seed's own time
                return dt.timedelta(days=days)
            return now - target

        def move(rows, fields, pk_of):
            """`fields`: {field name: stage}."""
            rows = list(rows)
            for row in rows:
                pk = pk_of(row)
                for name, stage in fields.items():
                    value = getattr(row, name)
                    if value:
                        value -= back(pk, stage, value)
                        setattr(row, name, working_day(value) if name in DEADLINES else value)
            if rows:
                type(rows[0]).objects.bulk_update(rows, list(fields), batch_size=500)

        ids = list(deltas)
        move(
            Proposal.objects.filter(pk__in=ids),
            {
                "created_at": "submit",
                "submitted_at": "submit",
                "reviewed_at": "review",
                "review_due": "submit",
            },
            lambda p: p.pk,
        )
        move(
            Signer.objects.filter(proposal_id__in=ids),
            {"invited_at": "submit", "responded_at": "submit"},
            lambda s: s.proposal_id,
        )
        move(
            Assignment.objects.filter(proposal_id__in=ids),
            # 联系提案人时限 is kept on the assignment as it opens: it moves with it.
            {"assigned_at": "assign", "contact_due": "assign"},
            lambda a: a.proposal_id,
        )
        move(
            Contact.objects.filter(assignment__proposal_id__in=ids).select_related("assignment"),
            {"date": "contact", "created_at": "contact"},
            lambda c: c.assignment.proposal_id,
        )
        move(
            Answer.objects.filter(assignment__proposal_id__in=ids).select_related("assignment"),
            {"answered_at": "answer", "sent_at": "answer", "signed_off_at": "answer"},
            lambda a: a.assignment.proposal_id,
        )
        move(
            Evaluation.objects.filter(answer__assignment__proposal_id__in=ids).select_related(
                "answer__assignment"
            ),
            {"created_at": "evaluate"},
            lambda e: e.answer.assignment.proposal_id,
        )
        str_ids = [str(i) for i in ids]
        tasks = list(Task.objects.filter(content_type__model="proposal", object_id__in=str_ids))
        task_of = {t.pk: t for t in tasks}

        def task_stages(task) -> dict[str, str]:
            """A task opens with its step and is answered with the next."""
            if task.kind == Task.Kind.IMPLEMENTATION:
                opened, done = "close", "implement"
            elif task.kind == Task.Kind.CO_HANDLING:
                opened, done = "assign", "co_view"
            else:
                opened, done = "assign", "answer"
            return {
                "start_date": opened,
                "due_date": opened,
                "created_at": opened,
                "submitted_at": done,
                "closed_at": done,
            }

        opened = {t.pk: (t.start_date, t.due_date) for t in tasks}
        for kind in {t.kind for t in tasks}:
            same = [t for t in tasks if t.kind == kind]
            move(same, task_stages(same[0]), lambda t: int(t.object_id))
        self._months_from_start(tasks, opened)
        feedback = list(Feedback.objects.filter(task_id__in=list(task_of)))
        for feedback_row in feedback:
            task = task_of[feedback_row.task_id]
            stage = task_stages(task)["submitted_at"]
            value = feedback_row.created_at
            feedback_row.created_at = value - back(int(task.object_id), stage, value)
        Feedback.objects.bulk_update(feedback, ["created_at"], batch_size=500)
        events = list(
            Event.objects.filter(
                Q(content_type__model="proposal", object_id__in=str_ids)
                | Q(content_type__model="task", object_id__in=[str(i) for i in task_of])
            )
            .only("pk", "created_at", "content_type", "object_id", "verb")
            .select_related("content_type")
        )
        for event in events:
            if event.content_type.model == "proposal":
                pk, stage = int(event.object_id), EVENT_STAGES.get(event.verb, "submit")
            else:
                task = task_of[int(event.object_id)]
                pk = int(task.object_id)
                field = "created_at" if event.verb == "followup.open" else "closed_at"
                stage = task_stages(task)[field]
            event.created_at -= back(pk, stage, event.created_at)
        Event.objects.bulk_update(events, ["created_at"], batch_size=500)
        move(
            DutyRecord.objects.filter(content_type__model="proposal", object_id__in=str_ids),
            {"date": "submit"},
            lambda r: int(r.object_id),
        )
        self._shift_notices(ids, back, tasks)

    @staticmethod
    def _months_from_start(tasks: list, opened: dict) -> None:
        """A deadline set in calendar months (答复 3个月, 协办意见 1个月, 落实 6个月:
        `services.months_later`) is set again from the moved start date as the product sets
        it: moving both dates back by the same number of days puts 11月23日 + 1个月 on
        12月24日 (November has a day less than December), where the product says 12月23日.
        `opened`: {task pk: (start date, due date) as the seed opened it}."""
        changed = []
        for task in tasks:
            start, due = opened[task.pk]
            if not (start and due and task.start_date):
                continue
            whole = (due.year - start.year) * 12 + due.month - start.month
            # One month fewer when the due date was carried past a month's end to a
            # working day (a 2月28日 that is a Saturday → 3月2日).
            candidates = [m for m in (whole, whole - 1) if m >= 1]
            months = next((m for m in candidates if services.months_later(start, m) == due), None)
            if months is None:
                continue  # a deadline in working days (or set by hand): moved as it was
            later = services.months_later(task.start_date, months)
            if later != task.due_date:
                task.due_date = later
                changed.append(task)
        Task.objects.bulk_update(changed, ["due_date"], batch_size=500)

    def _shift_notices(self, ids: list[int], back, tasks: list) -> None:
        """The proposals' notices move with the step that sent them (a member's inbox read
        "今天" for a year of work), and 提案已交办's 答复期限 is the answer task's due date
        as moved, not the date the seed assigned it on; so do the follow-up tasks' notices
        that they were opened (`followups.demo.date_open_notices`)."""
        from django.conf import settings
        from django.utils import translation

        from xieshang.core.models import Notification
        from xieshang.core.phrases import shown

        answer_due: dict[int, dt.date] = {}
        for task in tasks:
            if task.kind not in (Task.Kind.CO_HANDLING, Task.Kind.IMPLEMENTATION) and task.due_date:
                pk = int(task.object_id)
                answer_due[pk] = min(answer_due.get(pk, task.due_date), task.due_date)
        wanted = set(ids)
        notices = []
        for notice in Notification.objects.filter(dedupe_key__startswith="proposal:").only(
            "pk", "dedupe_key", "created_at", "body", "body_phrase"
        ):
            _prefix, pk, kind = (notice.dedupe_key.split(":") + ["", ""])[:3]
            if not pk.isdigit() or int(pk) not in wanted or kind not in NOTICE_STAGES:
                continue
            notice.created_at -= back(int(pk), NOTICE_STAGES[kind], notice.created_at)
            due = answer_due.get(int(pk))
            phrase = notice.body_phrase or {}
            if kind == "assigned" and due and "due" in phrase.get("p", {}):
                phrase["p"]["due"] = {"d": due.isoformat()}
                with translation.override(settings.LANGUAGE_CODE):
                    notice.body = shown(phrase, notice.body)
            notices.append(notice)
        Notification.objects.bulk_update(notices, ["created_at", "body", "body_phrase"], 500)
        # The tasks' own notices (新的督办事项 … 请于X前书面反馈) go with the moved tasks.
        followups_demo.date_open_notices(tasks)
