"""Demo social-conditions items for the demo district: every state of the workflow (one
item merged into another on the same matter), two
bulletin issues, items reported to the city (followups referrals: one adopted there, one
waiting in its queue, one returned), adoptions and one leader's instruction with its
follow-up tasks (one answered on time, the others overdue). Everything goes through the
services, so events and duty records are real."""

import datetime as dt
import random

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from xieshang.core import access
from xieshang.followups import demo as followups_demo
from xieshang.followups import services as followups
from xieshang.followups.models import Referral
from xieshang.members.models import Member
from xieshang.orgs.models import Department, Role

from . import services
from .models import Adoption, AdoptionLevel, Opinion

ITEMS = [
    (
        "关于老旧小区加装电梯资金分摊的建议",
        "我区已有四十余个老旧小区提出加装电梯申请，落地不足三成。",
        "低层住户顾虑采光和噪音，资金分摊缺少统一指导。",
        "建议出台分摊指导意见，由街道牵头组织协商。",
    ),
    (
        "关于规范学校周边接送车辆停放的建议",
        "放学时段学校周边道路拥堵严重。",
        "接送车辆缺少临时停放区域。",
        "建议在学校周边设置限时停车位，错峰放学。",
    ),
    (
        "关于加强农村独居老人探访关爱的建议",
        "部分行政村独居老人占比超过一成。",
        "探访主要依靠村干部，频次不稳定。",
        "建议建立网格员定期探访制度，引入社工机构。",
    ),
    (
        "关于电动自行车充电设施建设的建议",
        "居民楼道飞线充电现象时有发生。",
        "小区公共充电桩数量不足、收费不一。",
        "建议将充电设施纳入老旧小区改造内容。",
    ),
    (
        "关于中小微企业融资担保降费的建议",
        "中小微企业反映担保费率偏高。",
        "政府性融资担保覆盖面不够。",
        "建议扩大政府性融资担保规模，降低担保费率。",
    ),
    (
        "关于河道沿线垃圾清理常态化的建议",
        "部分河道沿线存在垃圾堆放。",
        "管护责任交叉，清理不及时。",
        "建议落实河长制责任清单，建立巡查清理台账。",
    ),
    (
        "关于社区食堂可持续运营的建议",
        "社区食堂开办后普遍面临亏损。",
        "就餐人数有限，补贴标准不清。",
        "建议按就餐人次给予运营补贴，鼓励连锁运营。",
    ),
    (
        "关于职业院校与本地企业联合培养的建议",
        "本地企业技工缺口较大。",
        "校企合作停留在协议层面。",
        "建议推行订单式培养，企业参与课程设计。",
    ),
    (
        "关于夜间经济街区噪音治理的建议",
        "夜市街区周边居民投诉噪音。",
        "营业时间和音响管理缺少约定。",
        "建议制定街区公约，限定外放音响时段。",
    ),
    (
        "关于公园绿地增设儿童游乐设施的建议",
        "新建公园儿童游乐设施不足。",
        "设计阶段缺少居民意见征集。",
        "建议公园设计前开展协商议事，听取居民意见。",
    ),
]


def build(*, organisation, rng: random.Random) -> None:
    office = access.role_holders(organisation, Role.OFFICE).first()
    # The proposals demo converts a few proposals into items first: look for the demo's own.
    if (
        office is None
        or Opinion.objects.filter(organisation=organisation, title=ITEMS[0][0]).exists()
    ):
        return
    members = list(
        Member.objects.filter(organisation=organisation, user__isnull=False).order_by("id")[:40]
    )
    demo_member = Member.objects.filter(user__username="member").first()
    if demo_member is not None:
        # The demo member's login writes every third item, the one adopted by the city too.
        if demo_member in members:
            members.remove(demo_member)
        members.insert(0, demo_member)
    if not members:
        return
    city_office = None
    if organisation.parent_id:
        city_office = access.role_holders(organisation.parent_id, Role.OFFICE).first()
    today = timezone.localdate()
    created = []
    for i, (title, facts, analysis, suggestions) in enumerate(ITEMS):
        author = members[0] if i % 3 == 0 else rng.choice(members)
        # A member with a login writes and submits their own item; the office only
        # enters items for members without one.
        writer = author.user if author.user_id else office
        opinion = services.opinion_create(
            organisation=organisation,
            actor=writer,
            title=title,
            facts=facts,
            analysis=analysis,
            suggestions=suggestions,
            authors=[author],
        )
        created.append(opinion)
        if i == 9:
            continue  # stays its author's draft
        services.opinion_submit(opinion=opinion, actor=writer)
    # Review: six accepted, one returned, one rejected, one waiting, one draft.
    returned, rejected = created[8], created[6]
    services.opinion_return(opinion=returned, actor=office, note="请补充具体数据和涉及范围。")
    services.opinion_reject(opinion=rejected, actor=office, reason="已有部门专项研究，暂不编发。")
    accepted = [o for o in created[:6]]
    for opinion in accepted:
        services.opinion_accept(opinion=opinion, actor=office)
    # Another member reports the first matter again: the office merges it into the first,
    # whose authors the second member joins (合并).
    second = members[1] if len(members) > 1 else members[0]
    writer = second.user if second.user_id else office
    again = services.opinion_create(
        organisation=organisation,
        actor=writer,
        title="关于加快老旧小区加装电梯的建议",
        facts="部分老旧小区居民多次反映加装电梯推进慢。",
        suggestions="建议明确费用分摊规则，加快审批。",
        authors=[second],
    )
    services.opinion_submit(opinion=again, actor=writer)
    services.opinion_merge(
        opinion=again, into=created[0], actor=office, note="与同一事项信息合并编发。"
    )
    first_issue = services.issue_publish(
        organisation=organisation,
        opinions=accepted[:3],
        actor=office,
        published_on=today - dt.timedelta(days=40),
    )
    services.issue_publish(
        organisation=organisation,
        opinions=accepted[3:5],
        actor=office,
        editor_note="本期聚焦民生实事。",
        published_on=today - dt.timedelta(days=10),
    )
    # The first issue's items go up to the city (followups referrals) and to the district's
    # Party committee: the city adopts the first, returns the last, the middle one waits.
    reported = list(first_issue.opinions.order_by("pk"))
    for opinion in reported:
        try:
            services.opinion_report(opinion=opinion, actor=office, upward=True, party=True)
        except ValidationError:  # a district without a CPPCC parent keeps them
            services.opinion_report(opinion=opinion, actor=office, upward=False, party=True)
    # Reported two days after the issue came out, so the item's page reads in order.
    reported_at = timezone.now() - dt.timedelta(days=38)
    # Submitted before the issue came out (the plan below dates the rest of their history):
    # an adoption or instruction is not dated before the item was published or reported.
    Opinion.objects.filter(pk__in=[o.pk for o in reported]).update(
        reported_at=reported_at,
        reported_to_party_at=reported_at,
        submitted_at=timezone.now() - dt.timedelta(days=48),
    )
    Referral.objects.filter(
        content_type=ContentType.objects.get_for_model(Opinion),
        object_id__in=[o.pk for o in reported],
    ).update(submitted_at=reported_at)
    top = reported[0]
    services.adoption_record(
        opinion=top,
        actor=office,
        level=AdoptionLevel.DISTRICT,
        mode=Adoption.Mode.STANDALONE,
        # Within the item's year (seeded in January, thirty days back is last year).
        adopted_on=max(today - dt.timedelta(days=30), dt.date(today.year, 1, 1)),
        body="区委办公室",
    )
    if city_office is not None:
        _city_decides(reported, city_office)
    departments = list(Department.objects.filter(organisation=organisation).order_by("id")[:2])
    # Instructed 36 days ago with twenty working days: the first department answered on
    # time, the second department and the government office let it go overdue.
    instruction = services.instruction_record(
        opinion=top,
        actor=office,
        leader="王海燕",
        level=AdoptionLevel.DISTRICT,
        instructed_on=today - dt.timedelta(days=36),
        text="请相关部门认真研究，提出具体措施，并书面反馈区政协。",
        departments=departments,
        offices=[Role.GOVERNMENT_OFFICE],
        working_days=20,
    )
    tasks = followups.instruction_tasks([instruction])[instruction.pk]
    if tasks[0].department_id:
        followups_demo.answer(tasks[0], "已会同相关街道制定加装电梯资金分摊指导意见，近期印发。")
    followups_demo.move_back(tasks, 36)
    # Each item's own steps, days before today: written and submitted before the issue that
    # carries them came out, reviewed a few days after submission.
    plan = {o.pk: {"submit": 48, "review": 45, "publish": 40} for o in created[:3]}
    plan |= {o.pk: {"submit": 16, "review": 13, "publish": 10} for o in created[3:5]}
    plan[created[5].pk] = {"submit": 9, "review": 6}
    plan[rejected.pk] = {"submit": 12, "review": 10}
    plan[created[7].pk] = {"submit": 3}
    plan[returned.pk] = {"submit": 8, "review": 6}
    plan[created[9].pk] = {"submit": 2}
    plan[again.pk] = {"submit": 47, "review": 45}
    _date_history(plan)


# The step of each of an item's events, and the days before today of the steps every item of
# the first issue shares (reported, adopted, instructed: the dates the code above gives them).
_EVENT_STEPS = {
    "opinion.create": "submit",
    "opinion.submit": "submit",
    "opinion.accept": "review",
    "opinion.reject": "review",
    "opinion.return": "review",
    "opinion.merge": "review",
    "opinion.merge_in": "review",
    "opinion.publish": "publish",
}
_FIXED_DAYS = {
    "opinion.report": 38,
    "referral.submit": 38,
    "followup.instruction": 36,
    "opinion.report_returned": 35,
    "opinion.adopt": 30,
}


def _date_history(plan: dict[int, dict[str, int]]) -> None:
    """The demo's items were all made in the seed's second: their history, submission and
    review times and their authors' duty records are put on the days of `plan`
    ({item pk: {step: days before today}}), in office hours, so an item's 办理记录 and its
    author's duty file read in the order the work was done (a tester found an item adopted
    in November credited as submitted today)."""
    from xieshang.core.models import Event
    from xieshang.duty.models import DutyRecord

    now = timezone.localtime()

    def at(days: int, minute: int) -> dt.datetime:
        day = now.date() - dt.timedelta(days=days)
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
        return min(moment + dt.timedelta(minutes=minute), now)

    opinions = list(Opinion.objects.filter(pk__in=list(plan)))
    for opinion in opinions:
        steps = plan[opinion.pk]
        opinion.created_at = at(steps["submit"], 0)
        if opinion.submitted_at:
            opinion.submitted_at = at(steps["submit"], 20)
        if opinion.accepted_at and "review" in steps:
            opinion.accepted_at = at(steps["review"], 40)
    Opinion.objects.bulk_update(opinions, ["created_at", "submitted_at", "accepted_at"])
    events = list(
        Event.objects.filter(
            content_type__model="opinion", object_id__in=[str(pk) for pk in plan]
        ).order_by("pk")
    )
    for rank, event in enumerate(events):
        steps = plan[int(event.object_id)]
        step = _EVENT_STEPS.get(event.verb)
        days = steps.get(step) if step else _FIXED_DAYS.get(event.verb)
        if days is not None:
            # The order the seed wrote them in is kept within a day.
            event.created_at = at(days, rank)
    Event.objects.bulk_update(events, ["created_at"], batch_size=500)
    records = list(
        DutyRecord.objects.filter(
            content_type__model="opinion", object_id__in=[str(pk) for pk in plan]
        )
    )
    for record in records:
        record.date = at(plan[int(record.object_id)]["submit"], 20).date()
    DutyRecord.objects.bulk_update(records, ["date"], batch_size=500)


def _city_decides(reported: list[Opinion], city_office) -> None:
    """The city office's queue (上报, followups referrals): adopt, return, leave waiting."""
    waiting = [followups.open_referral(o) for o in reported]
    if waiting[0] is not None:
        followups.referral_adopt(referral=waiting[0], actor=city_office, note="市政协采用")
    if len(waiting) > 2 and waiting[-1] is not None:
        followups.referral_return(
            referral=waiting[-1],
            actor=city_office,
            reason="请补充独居老人数量和探访频次的具体数据。",
        )
